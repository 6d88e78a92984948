-- html/versions-by-day: TLS sessions per UTC day and negotiated version, for the trend chart of
-- `mailtls report --format html` (sessions by TLS version per day).
--
--   sqlite3 -header -column mailtls.db < Queries/html/versions-by-day.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound sessions) or 'client' (outbound sessions)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged (read from the
--                    base tables: the rollups have no mta column)
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--
-- version as logged ('unknown' when none). Days are UTC. Same sources as versions.sql: whole days
-- from rollup_peer_sessions, the seconds around them from session_rows.
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
    SELECT r.day, r.version, sum(r.n) AS n
    FROM (-- Whole UTC days from the per-peer rollup, weighted by n; the rest of the period from the rows.
          SELECT day, host, NULL AS mta, role, nullif(peer, 0) AS peer, loopback, nullif(version, 0) AS version, sessions AS n
          FROM rollup_peer_sessions
          WHERE :mta IS NULL AND day >= (SELECT first_day FROM period) AND day < (SELECT end_day FROM period)
          UNION ALL
          -- With --mta (the rollup has no mta column) the whole days too come from the rows.
          SELECT ts / 86400, host, mta, role, peer, loopback, version, 1 FROM session_rows
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT ts / 86400, host, mta, role, peer, loopback, version, 1 FROM message_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT ts / 86400, host, mta, role, peer, loopback, version, 1 FROM delivery_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT ts / 86400, host, mta, role, peer, loopback, version, 1 FROM session_rows
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts / 86400, host, mta, role, peer, loopback, version, 1 FROM message_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts / 86400, host, mta, role, peer, loopback, version, 1 FROM delivery_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts / 86400, host, mta, role, peer, loopback, version, 1 FROM session_rows
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT ts / 86400, host, mta, role, peer, loopback, version, 1 FROM message_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT ts / 86400, host, mta, role, peer, loopback, version, 1 FROM delivery_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS r
    WHERE 1 = 1
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.day, r.version
)
SELECT date(g.day * 86400, 'unixepoch') AS date, coalesce(v.value, 'unknown') AS version, g.n AS sessions
FROM session_groups AS g LEFT JOIN texts AS v ON v.id = g.version
ORDER BY g.day, CASE v.value
             WHEN 'TLSv1.3' THEN 1 WHEN 'TLSv1.2' THEN 2 WHEN 'TLSv1.1' THEN 3
             WHEN 'TLSv1' THEN 4 WHEN 'TLSv1.0' THEN 4 WHEN 'TLSv1/SSLv3' THEN 5
             WHEN 'SSLv3' THEN 6 WHEN 'SSLv2' THEN 7 ELSE 8 END;
