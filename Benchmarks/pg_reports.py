#!/usr/bin/env python3
"""Report latency on the PostgreSQL fleet store beside SQLite (docs/fleet.md, "Reports on PostgreSQL").

    Benchmarks/pg_reports.py MAILTLS SQLITE_DB DB [DB...]

Times `MAILTLS report SECTION FILTERS --db DB --format json` for every section with the filter sets of
Benchmarks/run (and its extra runs for rates, peers, downgrades, policy), on each DB given (an SQLite
path or a postgresql:// URL holding the same log), runs alternating between them, median of 2; the
filter values (a period, the busiest host and peer) come from SQLITE_DB. Prints per store and section
the time without a filter and the most with any, the runs over the 0.3 s target, the slowest runs, and
how many outputs differ between the stores (they must not). SECTIONS="rates peers" limits the sections.
To fill the stores: `mailtls ingest --db SQLITE_DB LOG` and `mailtls-pgload URL LOG` (then ANALYZE).
A DB given as OTHER_MAILTLS::DB is timed with that binary instead: a build before a change beside the build
after it, in the same run (mind that a newer binary migrates an older PostgreSQL store when it opens it)."""
import os, subprocess, sys, time, sqlite3, statistics
binary, sqlite_db, dbs = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = 2
con = sqlite3.connect(f"file:{sqlite_db}?mode=ro", uri=True)
t1, t2 = con.execute("SELECT strftime('%Y-%m-%dT%H:%MZ', min(ts) + (max(ts)-min(ts))/3, 'unixepoch'), strftime('%Y-%m-%dT%H:%MZ', min(ts) + 2*(max(ts)-min(ts))/3, 'unixepoch') FROM session_rows").fetchone()
host = con.execute("SELECT value FROM texts WHERE id = (SELECT host FROM session_rows GROUP BY host ORDER BY count(*) DESC LIMIT 1)").fetchone()[0]
peer = con.execute("SELECT value FROM texts WHERE id = (SELECT peer FROM session_rows WHERE peer IS NOT NULL GROUP BY peer ORDER BY count(*) DESC LIMIT 1)").fetchone()[0]
wild = "*." + ".".join(peer.split(".")[-2:])
sets = [[], ["--since", t1, "--until", t2], ["--since", t2], ["--host", host], ["--peer", peer], ["--peer", wild], ["--role", "server"],
        ["--role", "client"], ["--since", t1, "--until", t2, "--host", host], ["--since", t1, "--until", t2, "--peer", peer],
        ["--host", host, "--role", "server"], ["--peer", peer, "--role", "client"], ["--since", t1, "--until", t2, "--host", host, "--role", "client"]]
sections = os.environ.get("SECTIONS", "summary rates verify versions ciphers peers failures daily weak auth verify-failures downgrades policy").split()
extra = {"rates": [["--by", b] + s for b in ["day","week","month","host","peer","hour","domain"] for s in ([], ["--since", t1, "--until", t2])],
         "peers": [["--cipher", "*GCM*"], ["--tls-version", "TLSv1.2"], ["--tls-version", "TLSv1.2", "--since", t1]],
         "downgrades": [["--recent", "30d"]], "policy": [["--min", "10"]]}
print(f"filters: --since {t1} --until {t2}, --host {host}, --peer {peer}, --peer '{wild}'; median of {runs} runs, alternating stores")
results = {db: [] for db in dbs}
for section in sections:
    for f in sets + extra.get(section, []):
        times = {db: [] for db in dbs}
        outs = {}
        for r in range(runs):
            for db in dbs:
                t = time.perf_counter()
                exe, store = db.split("::", 1) if "::" in db else (binary, db)
                p = subprocess.run([exe, "report", section, *f, "--db", store, "--format", "json"], capture_output=True)
                times[db].append(time.perf_counter() - t)
                outs[db] = p.stdout if p.returncode == 0 else b"ERROR " + p.stderr
        same = len(set(outs.values())) == 1
        for db in dbs:
            results[db].append((statistics.median(times[db]), section, " ".join(f), same))
        print(f"{section:16s} {' '.join('%7.3f' % statistics.median(times[db]) for db in dbs)} {'' if same else 'DIFFERENT '}{' '.join(f)}", flush=True)
for db in dbs:
    rs = results[db]
    label = db if "postgres" not in db else "PostgreSQL" + (f" ({db.split('::')[0]})" if "::" in db else "")
    print(f"\n== {label}: {len(rs)} runs, {sum(r[0] > 0.3 for r in rs)} over 0.3 s, max {max(rs)[0]:.3f} s ({max(rs)[1]} {max(rs)[2]})")
    print(f"   {'section':16s} {'no filter':>9s} {'max':>7s}  over 0.3 s")
    for s in sections:
        mine = [r for r in rs if r[1] == s]
        plain = next(r[0] for r in mine if r[2] == "")
        print(f"   {s:16s} {plain:9.3f} {max(mine)[0]:7.3f}  {sum(r[0] > 0.3 for r in mine):3d} of {len(mine)}")
    print("   slowest:", "; ".join(f"{r[0]:.3f} {r[1]} {r[2]}" for r in sorted(rs, reverse=True)[:8]))
print("\noutputs differing between stores:", sum(not r[3] for r in results[dbs[0]]))
