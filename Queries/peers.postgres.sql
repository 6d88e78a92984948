-- PostgreSQL's copy of Queries/peers.sql (QueryLibrary runs it on a PostgreSQL store): the same figures;
-- only the lines marked 'PostgreSQL:' differ. Change both files together (docs/reports.md, "Dialects").
-- peers: one row per peer: TLS sessions, roles, best and worst version, ciphers, verify results,
-- the share of its mail that was encrypted, and when it was last seen.
--
--   sqlite3 -header -column mailtls.db < Queries/peers.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound sessions and messages) or 'client' (outbound)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged (read from the
--                    base tables: the rollups have no mta column)
--   :include_local   1 to list loopback peers (127.0.0.0/8, ::1, localhost)
--   :cipher          only peers with a session using this cipher (GLOB pattern)
--   :version         only peers with a session of this version (GLOB pattern, e.g. 'TLSv1')
--   :limit           at most this many rows (busiest peers first)
--
-- roles: 'server' (it connected to us), 'client' (we connected to it), or 'server+client'.
-- messages / encrypted / encrypted_rate count its inbound messages and outbound deliveries with the
-- definitions of rates.sql. Versions rank SSLv2 < SSLv3 < TLSv1/SSLv3 (unknown, old sendmail) <
-- TLSv1 < TLSv1.1 < TLSv1.2 < TLSv1.3; other values are not ranked.
-- Speed: sessions over whole UTC days (or all time) come from rollup_peer_sessions (per day, peer,
-- version, verify, cipher), the rest from the base tables (session_rows, ...: integer times and text ids; the ts index when
-- :since or :until is set) and groups by ids first; texts are looked up only for the groups.
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
-- Sessions of the period, grouped by (role, peer, version, cipher, verify) ids.
session_groups AS (
    SELECT r.role, r.peer, r.version, r.cipher, r.verify, sum(r.n) AS n, max(r.last) AS last
    FROM (-- Whole UTC days from the per-peer rollup, weighted by n; the rest of the period from the rows.
          SELECT host, NULL AS mta, role, nullif(peer, 0) AS peer, loopback, nullif(version, 0) AS version, nullif(cipher, 0) AS cipher, nullif(verify, 0) AS verify, sessions AS n, first_ts AS first, last_ts AS last
          FROM rollup_peer_sessions
          WHERE :mta IS NULL AND day >= (SELECT first_day FROM period) AND day < (SELECT end_day FROM period)
          UNION ALL
          -- With --mta (the rollup has no mta column) the whole days too come from the rows.
          SELECT host, mta, role, peer, loopback, version, cipher, verify, 1, ts, ts FROM session_rows
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, verify, 1, ts, ts FROM message_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, verify, 1, ts, ts FROM delivery_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, verify, 1, ts, ts FROM session_rows
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, verify, 1, ts, ts FROM message_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, verify, 1, ts, ts FROM delivery_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, verify, 1, ts, ts FROM session_rows
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, verify, 1, ts, ts FROM message_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, verify, 1, ts, ts FROM delivery_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS r
    WHERE r.peer IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.role, r.peer, r.version, r.cipher, r.verify
),
sessions AS (
    SELECT g.peer AS peer_id, p.value AS peer, ro.value AS role, v.value AS version, c.value AS cipher,
           vf.value AS verify, g.n, g.last,
           CASE v.value
               WHEN 'SSLv2' THEN 1 WHEN 'SSLv3' THEN 2 WHEN 'TLSv1/SSLv3' THEN 2.5
               WHEN 'TLSv1' THEN 3 WHEN 'TLSv1.0' THEN 3 WHEN 'TLSv1.1' THEN 4
               WHEN 'TLSv1.2' THEN 5 WHEN 'TLSv1.3' THEN 6
           END AS version_rank
    FROM session_groups AS g
    JOIN texts AS p ON p.id = g.peer
    JOIN texts AS ro ON ro.id = g.role
    LEFT JOIN texts AS v ON v.id = g.version
    LEFT JOIN texts AS c ON c.id = g.cipher
    LEFT JOIN texts AS vf ON vf.id = g.verify
),
-- Inbound messages and outbound deliveries per peer id, as rates.sql counts them.
inbound AS (
    SELECT r.peer, count(*) AS n, sum(r.encrypted) AS encrypted, max(r.ts) AS last
    FROM (SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE r.proto IS NOT NULL AND r.peer IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.peer
),
outbound AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT coalesce(s.peer, d.peer) AS peer, count(*) AS n, sum(d.encrypted) AS encrypted,
           max(d.ts) AS last
    FROM (SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS d
    LEFT JOIN session_rows AS s ON s.id = d.tls_session_id
    WHERE d.status = (SELECT id FROM texts WHERE value = 'sent')
      AND d.peer IS NOT NULL
      AND d.network_mailer <> 0
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR d.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR d.loopback = 0)
    GROUP BY 1
),

-- With :cipher or :version, only the peers that had such a session.
selected AS (
    SELECT DISTINCT peer_id FROM sessions
    WHERE (:cipher IS NULL OR glob(:cipher, cipher)) AND (:version IS NULL OR glob(:version, version))
),
activity AS (
    SELECT peer_id, role, n AS session, 0 AS mail, 0 AS encrypted, last FROM sessions
    UNION ALL SELECT peer, 'server', 0, n, encrypted, last FROM inbound
    UNION ALL SELECT peer, 'client', 0, n, encrypted, last FROM outbound
),
totals AS (
    SELECT peer_id,
           sum(session) AS sessions,
           CASE WHEN max(CASE WHEN role = 'server' THEN 1 ELSE 0 END) = 1 AND max(CASE WHEN role = 'client' THEN 1 ELSE 0 END) = 1 THEN 'server+client'
                WHEN max(CASE WHEN role = 'server' THEN 1 ELSE 0 END) = 1 THEN 'server' ELSE 'client' END AS roles,
           sum(mail) AS messages,
           sum(encrypted) AS encrypted,
           max(last) AS last_seen
    FROM activity
    WHERE peer_id IN (SELECT peer_id FROM selected) OR (:cipher IS NULL AND :version IS NULL)
    GROUP BY peer_id
),
-- PostgreSQL: the version of the row with the highest or lowest rank, by DISTINCT ON (SQLite's max() and
-- min() return the other columns of their row).
best AS (SELECT DISTINCT ON (peer_id) peer_id, version FROM sessions ORDER BY peer_id, version_rank DESC NULLS LAST),
worst AS (SELECT DISTINCT ON (peer_id) peer_id, version FROM sessions ORDER BY peer_id, version_rank NULLS LAST),
ciphers AS (
    SELECT peer_id, group_concat(cipher, ', ') AS ciphers
    FROM (SELECT DISTINCT peer_id, cipher FROM sessions WHERE cipher IS NOT NULL ORDER BY peer_id, cipher) AS sub2
    GROUP BY peer_id
),
verifies AS (
    SELECT peer_id, group_concat(verify || ' ' || n, ', ') AS verify
    FROM (SELECT peer_id, verify, sum(n) AS n FROM sessions GROUP BY peer_id, verify ORDER BY peer_id, n DESC, verify NULLS FIRST) AS sub3
    GROUP BY peer_id
)
SELECT p.value AS peer, t.sessions, t.roles,
       best.version AS best_version, worst.version AS worst_version,
       ciphers.ciphers, verifies.verify,
       t.messages, t.encrypted,
       round(1.0 * t.encrypted / nullif(t.messages, 0), 4) AS encrypted_rate,
       strftime('%Y-%m-%dT%H:%M:%SZ', t.last_seen, 'unixepoch') AS last_seen
FROM totals AS t
JOIN texts AS p ON p.id = t.peer_id
LEFT JOIN best USING (peer_id)
LEFT JOIN worst USING (peer_id)
LEFT JOIN ciphers USING (peer_id)
LEFT JOIN verifies USING (peer_id)
ORDER BY t.sessions + t.messages DESC, p.value
LIMIT coalesce(:limit, 9223372036854775807);
