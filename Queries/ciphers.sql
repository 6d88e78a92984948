-- ciphers: sessions and distinct peers per role and cipher, with the cipher's bits.
--
--   sqlite3 -header -column mailtls.db < Queries/ciphers.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound sessions) or 'client' (outbound sessions)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged (read from the
--                    base tables: the rollups have no mta column)
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- peers is the number of distinct peer values per (role, cipher). bits is the effective (second)
-- number of sendmail's bits=alg/cipher, the smallest seen; share is of the role's sessions.
-- Speed: sessions over whole UTC days (or all time) come from rollup_peer_sessions (per day, peer,
-- version, verify, cipher), other periods from session_rows (integer times and text ids; the ts index when :since or :until is set),
-- grouped by ids; texts are looked up only for the groups.
WITH
-- The period in Unix seconds [lo, hi) and in UTC days: the whole days inside it [first_day, end_day)
-- come from rollup_peer_sessions, the seconds before and after them ([lo, a_end), [b_start, hi),
-- less than a day each) from session_rows on its ts index.
period AS (
    SELECT lo, hi, first_day, end_day,
           CASE WHEN first_day >= end_day THEN hi WHEN :since IS NULL THEN lo ELSE first_day * 86400 END AS a_end,
           CASE WHEN first_day >= end_day OR :until IS NULL THEN hi ELSE end_day * 86400 END AS b_start
    FROM (SELECT coalesce(unixepoch(:since), -9223372036854775808) AS lo,
                 coalesce(unixepoch(:until), 9223372036854775807) AS hi,
                 coalesce((unixepoch(:since) + 86399) / 86400, -9223372036854775807) AS first_day,
                 coalesce(unixepoch(:until) / 86400, 9223372036854775807) AS end_day) AS sub1
),
session_groups AS (
    SELECT r.role, r.cipher, r.peer, sum(r.n) AS n, min(r.cipher_bits) AS cipher_bits
    FROM (-- Whole UTC days from the per-peer rollup, weighted by n; the rest of the period from the rows.
          SELECT host, NULL AS mta, role, nullif(peer, 0) AS peer, loopback, nullif(cipher, 0) AS cipher, nullif(cipher_bits, -1) AS cipher_bits, sessions AS n, first_ts AS first, last_ts AS last
          FROM rollup_peer_sessions
          WHERE :mta IS NULL AND day >= (SELECT first_day FROM period) AND day < (SELECT end_day FROM period)
          UNION ALL
          -- With --mta (the rollup has no mta column) the whole days too come from the rows.
          SELECT host, mta, role, peer, loopback, cipher, cipher_bits, 1, ts, ts FROM session_rows
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, cipher, cipher_bits, 1, ts, ts FROM message_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, cipher, cipher_bits, 1, ts, ts FROM delivery_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, cipher, cipher_bits, 1, ts, ts FROM session_rows
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, cipher, cipher_bits, 1, ts, ts FROM message_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, cipher, cipher_bits, 1, ts, ts FROM delivery_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, cipher, cipher_bits, 1, ts, ts FROM session_rows
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, cipher, cipher_bits, 1, ts, ts FROM message_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, cipher, cipher_bits, 1, ts, ts FROM delivery_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS r
    WHERE 1 = 1
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.role, r.cipher, r.peer
),
sessions AS (
    SELECT ro.value AS role, g.peer, g.n, coalesce(c.value, 'unknown') AS cipher, g.cipher_bits
    FROM session_groups AS g JOIN texts AS ro ON ro.id = g.role LEFT JOIN texts AS c ON c.id = g.cipher
)
SELECT role, cipher,
       min(cipher_bits) AS bits,
       sum(n) AS sessions,
       count(DISTINCT peer) AS peers,
       round(1.0 * sum(n) / sum(sum(n)) OVER (PARTITION BY role), 4) AS share
FROM sessions
GROUP BY role, cipher
ORDER BY CASE role WHEN 'server' THEN 0 ELSE 1 END, sessions DESC, cipher
LIMIT coalesce(:limit, 9223372036854775807);
