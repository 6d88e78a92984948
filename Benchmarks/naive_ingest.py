#!/usr/bin/env python3
"""The naive baseline of Benchmarks/run: what a user could write in an afternoon instead of mailtls.

One regular expression over each line of a plain sendmail log; every STARTTLS= line becomes a row
(ts, host, role, relay, version, verify, cipher, bits) of one table with a ts index, inserted with
executemany in one transaction, in WAL mode with synchronous=NORMAL like the mailtls store. No linking
to messages, deliveries or AUTH, no failures, no rollups, no year or time zone (ts is the syslog text).

    python3 Benchmarks/naive_ingest.py LOG DB
"""
import re
import sqlite3
import sys

STARTTLS = re.compile(
    r"(\w{3} [ \d]\d \d\d:\d\d:\d\d) (\S+) [^:]+: (?:\w+: )?STARTTLS=(\w+), relay=([^,]*), "
    r"version=([^,]*), verify=([^,]*), cipher=([^,]*), bits=(\d+)")


def rows(path):
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            m = STARTTLS.match(line)
            if m:
                yield m.group(1, 2, 3, 4, 5, 6, 7) + (int(m.group(8)),)


def main(log, db):
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE sessions (ts TEXT, host TEXT, role TEXT, relay TEXT, version TEXT,"
                " verify TEXT, cipher TEXT, bits INTEGER)")
    con.execute("CREATE INDEX sessions_ts ON sessions (ts)")
    with con:  # one transaction
        con.executemany("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows(log))
    print(con.execute("SELECT count(*) FROM sessions").fetchone()[0])
    con.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: naive_ingest.py LOG DB")
    main(sys.argv[1], sys.argv[2])
