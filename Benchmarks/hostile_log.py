#!/usr/bin/env python3
"""Hostile input for the peak-RSS target of Benchmarks/run: a sendmail log (about 65 MiB) whose
ordinary lines are interleaved with what once blew ingest up (issue 13): relay names of 100-900 KB on
STARTTLS lines, from= lines with 200 KB senders and relays, lines of 1-4 MiB with no structure, and
binary junk (NUL bytes, invalid UTF-8, stray newlines). Deterministic for a given seed.

    python3 Benchmarks/hostile_log.py OUT [SEED]
"""
import random
import sys


def main(out, seed):
    rnd = random.Random(seed)

    labels = ".".join("".join(rnd.choices("abcdefghijklmnopqrstuvwxyz0123456789-", k=63))
                      for _ in range(1 << 14)).encode()  # 1 MiB of host-name-like labels

    def name(n):  # n bytes of it, from a random place
        start = rnd.randrange(len(labels) - n)
        return labels[start:start + n]

    def ordinary(minute, pid):
        return (b"Nov  2 03:%02d:00 mx1 sm-mta[%d]: STARTTLS=server, relay=mail.example.net [192.0.2.7], "
                b"version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256\n" % (minute % 60, pid))

    with open(out, "wb") as f:
        for i in range(100):
            f.write(ordinary(i, 1000 + i))
            kind = i % 10
            if kind < 6:  # 60 STARTTLS lines with a huge relay name
                f.write(b"Nov  2 03:%02d:01 mx1 sm-mta[%d]: STARTTLS=server, relay=%s [192.0.2.9], version=TLSv1.2, "
                        b"verify=FAIL, cipher=ECDHE-RSA-AES128-GCM-SHA256, bits=128/128\n"
                        % (i % 60, 1000 + i, name(rnd.randint(100_000, 900_000))))
            elif kind < 8:  # 20 from= lines with a huge sender and relay
                f.write(b"Nov  2 03:%02d:02 mx1 sm-mta[%d]: 6A2%07dA: from=<%s@x>, size=1, class=0, nrcpts=1, "
                        b"relay=%s [192.0.2.10]\n" % (i % 60, 1000 + i, i, name(200_000), name(200_000)))
            elif kind == 8:  # 10 lines of 1-4 MiB without structure
                f.write(b"x" * rnd.randint(1 << 20, 4 << 20) + b"\n")
            else:  # 10 pieces of binary junk, 64 KiB each
                f.write(rnd.randbytes(65536))
        f.write(ordinary(59, 9999))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: hostile_log.py OUT [SEED]")
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 13)
