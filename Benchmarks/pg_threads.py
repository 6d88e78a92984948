#!/usr/bin/env python3
"""Who works when during a PostgreSQL load: runs a command and samples, every 100 ms, the CPU time of
each of its threads and of the server's backends (children of the postmaster whose pid is given).

    Benchmarks/pg_threads.py POSTMASTER_PID OUT -- mailtls ingest --db URL LOG

Writes to OUT a timeline (per 250 ms: each party's share of one core, in %) and the CPU seconds of
each party: the client's reading thread (the main thread: read, parse, link), its other threads (the
writer thread and the COPY sending thread: Dispatch moves queues between worker threads, so they are
summed), each backend that worked (the writer's COPY connection, its dictionary connection) and the
autovacuum workers the load woke (not part of the load: they run after it too).
Backends that exit between two samples lose up to 100 ms: the exact server total is the postmaster's
children time (Benchmarks/run). Used by `PG_THREADS=1 Benchmarks/run` (docs/fleet.md, "Where the time
goes"); exits with the command's status.
"""
import os
import subprocess
import sys
import time

TICK = os.sysconf('SC_CLK_TCK')


def cpu(path):
    """(name, user + system ticks) of a /proc stat file, None when it is gone."""
    try:
        with open(path) as f:
            s = f.read()
    except OSError:
        return None
    end = s.rindex(')')
    fields = s[end + 2:].split()
    return s[s.index('(') + 1:end], int(fields[11]) + int(fields[12])


def children(pid):
    out = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as f:
                s = f.read()
        except OSError:
            continue
        if int(s[s.rindex(')') + 2:].split()[1]) == pid:
            out.append(int(entry))
    return out


kinds = {}


def party(key):
    """Client threads are summed by role, autovacuum workers together; each backend is a party of its own."""
    if key[0] != 'backend':
        return key[0]
    return key if kinds.get(key[1]) == 'backend' else 'autovacuum'


def main():
    postmaster, out_path = int(sys.argv[1]), sys.argv[2]
    command = sys.argv[sys.argv.index('--') + 1:]
    before = set(children(postmaster))
    proc = subprocess.Popen(command)
    last, totals, series, backends = {}, {}, [], []
    start = time.monotonic()
    while proc.poll() is None:
        now = time.monotonic() - start
        backends = [c for c in children(postmaster) if c not in before]
        current = {}
        try:
            for tid in os.listdir(f'/proc/{proc.pid}/task'):
                got = cpu(f'/proc/{proc.pid}/task/{tid}/stat')
                if got:
                    current['reading thread' if int(tid) == proc.pid else 'writer+sender threads', int(tid)] = got[1]
        except OSError:
            pass
        for b in backends:
            got = cpu(f'/proc/{b}/stat')
            if got:
                current['backend', b] = got[1]
                if b not in kinds:
                    try:
                        with open(f'/proc/{b}/cmdline') as f:
                            kinds[b] = 'autovacuum' if 'autovacuum' in f.read() else 'backend'
                    except OSError:
                        kinds[b] = 'backend'
        step = {}
        for key, ticks in current.items():
            step[party(key)] = step.get(party(key), 0) + ticks - last.get(key, 0)
            totals[key] = ticks
        last = current
        series.append((now, now - series[-1][0] if series else 0.1, step))
        time.sleep(0.1)
    status = proc.wait()
    parties = {}
    for key, ticks in totals.items():
        parties[party(key)] = parties.get(party(key), 0) + ticks
    order = [p for p in sorted(parties, key=lambda p: (isinstance(p, tuple), -parties[p])) if parties[p] > 0]
    label = {p: (p if not isinstance(p, tuple) else f'backend {p[1]}') for p in order}
    with open(out_path, 'w') as out:
        out.write('# CPU seconds: ' + ', '.join(f'{label[p]} {parties[p] / TICK:.2f}' for p in order) + '\n')
        out.write('# timeline, % of one core per 250 ms: ' + ' | '.join(label[p] for p in order) + '\n')
        # A sample's ticks count over the time since the one before (a loaded machine stretches the
        # 100 ms), so a bucket's share is its ticks over the time its samples cover.
        buckets, spans = {}, {}
        for t, dt, step in series:
            k = int(t / 0.25)
            b = buckets.setdefault(k, {})
            spans[k] = spans.get(k, 0) + dt
            for p, ticks in step.items():
                b[p] = b.get(p, 0) + ticks
        for k in sorted(buckets):
            row, span = buckets[k], max(spans[k], 0.01)
            out.write(f'{k * 0.25:6.2f} ' + ' '.join(f'{row.get(p, 0) * 100 / TICK / span:5.0f}' for p in order)
                      + f'   all {sum(row.values()) * 100 / TICK / span:4.0f}\n')
    sys.exit(status)


if __name__ == '__main__':
    main()
