-- downgrades: peers whose TLS got worse: per peer and role, the recent window against the earlier
-- history. Mail that went encrypted before and in clear now (STARTTLS stripped, or a broken peer), a
-- best TLS version that dropped, certificate verification that went from OK to failing.
--
--   sqlite3 -header -column mailtls.db < Queries/downgrades.sql
--   sqlite3 -header -column -cmd ".param set :recent 86400" mailtls.db < Queries/downgrades.sql
--
-- Parameters (all optional; unset means no filter):
--   :recent          seconds of the recent window (default 604800, 7 days). The window ends at
--                    :until, else at the newest row of the store (any table, any host); the
--                    earlier history is everything before it (from :since)
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound: the peer connects to us) or 'client' (outbound)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- One row per (peer, role, kind); earlier/recent count what the kind is about, good/bad as below:
--   cleartext  the peer's inbound messages (role server) or outbound deliveries (role client), as
--              rates.sql defines them; good = encrypted, bad = in clear. A downgrade when at least
--              half of the earlier ones were encrypted, the recent share encrypted is lower, and
--              at least one recent one went in clear. was/now: 'encrypted' / 'clear'.
--   version    TLS sessions of a known version, ranked SSLv2 < SSLv3 < TLSv1 = TLSv1.0 < TLSv1.1 <
--              TLSv1.2 < TLSv1.3 ('TLSv1/SSLv3', what sendmail before 8.15 logs, and other values
--              are left out: the version is unknown). good = at least the best earlier version,
--              bad = below it. A downgrade when a recent session was below it and none since
--              reached it again (the best version since dropped). was/now: the best earlier
--              version and the best version since first_bad.
--   verify     TLS sessions; good = verify OK or TRUSTED (DANE); bad = a failure as in
--              verify-failures.sql: anything but OK, TRUSTED, NO, NOT, NONE or CLEAR (FAIL,
--              DANE_FAIL, DANE_TEMP, ...); NO and NOT (no certificate given or asked for) are neither.
--              A downgrade when at least half of the earlier sessions verified, the recent share
--              verified is lower, and at least one recent session failed. was/now: the verify
--              of the last good and of the first bad session.
-- earlier_share and recent_share are good / all (4 decimals). last_good is the last good one
-- before the first bad one of the window, first_bad the first bad one after last_good (so when
-- the peer went bad before the window, first_bad is when it did). Rows are in first_bad order.
-- Speed: reads the base tables (session_rows, ...: integer times and text ids; the ts index when
-- :since or :until is set), judges groups of rows, and reads single rows only for the peers found.
WITH
bounds AS (
    SELECT coalesce(unixepoch(:until), (SELECT max(ts) FROM (
               SELECT max(ts) AS ts FROM session_rows UNION ALL SELECT max(ts) FROM message_rows
               UNION ALL SELECT max(ts) FROM delivery_rows UNION ALL SELECT max(ts) FROM auth_rows
               UNION ALL SELECT max(ts) FROM failure_rows
               -- local mail is counted, not stored as rows: its last time counts too
               UNION ALL SELECT unixepoch(max(last_ts)) FROM local_mail) AS sub1))
           - coalesce(:recent, 604800) AS recent_start
),
-- The rows of the period (the first arm runs without a bound, the second, on the ts index, with
-- one); peers, versions and verify results as text ids. Not materialized: read again only for the
-- peers found.
sessions AS NOT MATERIALIZED (
    SELECT r.ts, CASE WHEN r.role = (SELECT id FROM texts WHERE value = 'server') THEN 'server' ELSE 'client' END AS role,
           r.peer, r.version, r.verify, r.ts >= (SELECT recent_start FROM bounds) AS recent
    FROM (SELECT ts, host, mta, role, peer, version, verify, loopback FROM session_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, role, peer, version, verify, loopback FROM message_sessions
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, role, peer, version, verify, loopback FROM delivery_sessions
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, role, peer, version, verify, loopback FROM session_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, verify, loopback FROM message_sessions
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, verify, loopback FROM delivery_sessions
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE r.peer IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
),
inbound AS NOT MATERIALIZED (
    SELECT r.ts, r.peer, r.encrypted
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
),
outbound AS NOT MATERIALIZED (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT d.ts, coalesce(s.peer, d.peer) AS peer, d.encrypted AS encrypted
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
),
-- The rank of each version id that occurs (NULL: not ranked) and whether a verify id is good or bad.
versions AS (
    SELECT id, value,
           CASE value
               WHEN 'SSLv2' THEN 1 WHEN 'SSLv3' THEN 2 WHEN 'TLSv1' THEN 3 WHEN 'TLSv1.0' THEN 3
               WHEN 'TLSv1.1' THEN 4 WHEN 'TLSv1.2' THEN 5 WHEN 'TLSv1.3' THEN 6
           END AS rank
    FROM texts WHERE value IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3')
),

-- Sessions and mail in groups of equal judgement, with their first and last time (one pass each).
session_groups AS (
    SELECT g.peer, g.role, g.recent, v.rank AS version_rank, g.version, g.verify, vf.value AS verify_text,
           g.n, g.first, g.last
    FROM (SELECT peer, role, recent, version, verify, count(*) AS n, min(ts) AS first, max(ts) AS last
          FROM sessions GROUP BY peer, role, recent, version, verify) AS g
    LEFT JOIN versions AS v ON v.id = g.version
    LEFT JOIN texts AS vf ON vf.id = g.verify
),
mail_groups AS (
    SELECT peer, 'server' AS role, ts >= (SELECT recent_start FROM bounds) AS recent, encrypted, count(*) AS n,
           min(ts) AS first, max(ts) AS last
    FROM inbound
    GROUP BY peer, 3, encrypted
    UNION ALL
    SELECT peer, 'client', ts >= (SELECT recent_start FROM bounds), encrypted, count(*), min(ts), max(ts)
    FROM outbound
    GROUP BY peer, 3, encrypted
),
-- The best version before the window; SQLite returns the version of the row with the max().
earlier_best AS (
    SELECT peer, role, max(version_rank) AS rank, version FROM session_groups
    WHERE NOT recent AND version_rank IS NOT NULL GROUP BY peer, role
),
-- good and bad per kind: cleartext (mail), version (ranked sessions), verify (sessions).
judged AS (
    SELECT 'cleartext' AS kind, peer, role, recent, n, first, last, encrypted AS good, NOT encrypted AS bad
    FROM mail_groups
    UNION ALL
    SELECT 'version', g.peer, g.role, g.recent, g.n, g.first, g.last,
           g.version_rank >= b.rank, g.version_rank < b.rank
    FROM session_groups AS g JOIN earlier_best AS b ON b.peer = g.peer AND b.role = g.role
    WHERE g.version_rank IS NOT NULL
    UNION ALL
    SELECT 'verify', peer, role, recent, n, first, last, coalesce(verify_text IN ('OK', 'TRUSTED'), 0),
           verify_text IS NOT NULL AND verify_text NOT IN ('', 'OK', 'TRUSTED', 'NO', 'NOT', 'NONE', 'CLEAR')
    FROM session_groups
),
stats AS (
    SELECT kind, peer, role,
           sum(CASE WHEN NOT recent THEN n ELSE 0 END) AS earlier,
           sum(CASE WHEN NOT recent AND good THEN n ELSE 0 END) AS earlier_good,
           sum(CASE WHEN recent THEN n ELSE 0 END) AS recent,
           sum(CASE WHEN recent AND good THEN n ELSE 0 END) AS recent_good,
           sum(CASE WHEN recent AND bad THEN n ELSE 0 END) AS recent_bad,
           min(CASE WHEN recent AND bad THEN first END) AS window_bad,
           max(CASE WHEN recent AND good THEN last END) AS window_good
    FROM judged
    GROUP BY kind, peer, role
),
found AS MATERIALIZED (
    SELECT * FROM stats
    WHERE earlier > 0 AND recent_bad > 0
      AND CASE kind
              WHEN 'version' THEN window_good IS NULL OR window_good < window_bad
              ELSE 2 * earlier_good >= earlier AND recent_good * earlier < earlier_good * recent
          END
),
-- The good and bad ones of the peers found, one by one.
events AS (
    SELECT 'cleartext' AS kind, peer, 'server' AS role, ts, encrypted AS good, NOT encrypted AS bad, NULL AS value
    FROM inbound WHERE peer IN (SELECT peer FROM found WHERE kind = 'cleartext' AND role = 'server')
    UNION ALL
    SELECT 'cleartext', peer, 'client', ts, encrypted, NOT encrypted, NULL
    FROM outbound WHERE peer IN (SELECT peer FROM found WHERE kind = 'cleartext' AND role = 'client')
    UNION ALL
    SELECT 'version', s.peer, s.role, s.ts, v.rank >= b.rank, v.rank < b.rank, s.version
    FROM sessions AS s JOIN versions AS v ON v.id = s.version
    JOIN earlier_best AS b ON b.peer = s.peer AND b.role = s.role
    WHERE (s.peer, s.role) IN (SELECT peer, role FROM found WHERE kind = 'version')
    UNION ALL
    SELECT 'verify', s.peer, s.role, s.ts, coalesce(vf.value IN ('OK', 'TRUSTED'), 0),
           vf.value IS NOT NULL AND vf.value NOT IN ('', 'OK', 'TRUSTED', 'NO', 'NOT', 'NONE', 'CLEAR'), s.verify
    FROM sessions AS s LEFT JOIN texts AS vf ON vf.id = s.verify
    WHERE (s.peer, s.role) IN (SELECT peer, role FROM found WHERE kind = 'verify')
),
-- The last good one before the window's first bad one, then the first bad one after it (the bad
-- run that reaches into the window may have started before it). SQLite returns the value of the
-- row with the max() or min().
last_good AS (
    SELECT e.kind, e.peer, e.role, max(e.ts) AS last_good, e.value
    FROM events AS e JOIN found AS f ON f.kind = e.kind AND f.peer = e.peer AND f.role = e.role
    WHERE e.good AND e.ts < f.window_bad
    GROUP BY e.kind, e.peer, e.role
),
first_bad AS (
    SELECT e.kind, e.peer, e.role, min(e.ts) AS first_bad, e.value
    FROM events AS e
    JOIN found AS f ON f.kind = e.kind AND f.peer = e.peer AND f.role = e.role
    LEFT JOIN last_good AS g ON g.kind = e.kind AND g.peer = e.peer AND g.role = e.role
    WHERE e.bad AND e.ts > coalesce(g.last_good, -9223372036854775808) AND e.ts <= f.window_bad
    GROUP BY e.kind, e.peer, e.role
),
-- version: the best version since the first bad session (all below the earlier best).
best_since AS (
    SELECT s.peer, s.role, max(v.rank) AS rank, s.version
    FROM sessions AS s JOIN versions AS v ON v.id = s.version
    JOIN first_bad AS b ON b.kind = 'version' AND b.peer = s.peer AND b.role = s.role
    WHERE s.ts >= b.first_bad
    GROUP BY s.peer, s.role
)
SELECT p.value AS peer, f.role, f.kind,
       CASE f.kind WHEN 'cleartext' THEN 'encrypted' WHEN 'version' THEN ebv.value ELSE gv.value END AS was,
       CASE f.kind WHEN 'cleartext' THEN 'clear' WHEN 'version' THEN bsv.value ELSE bv.value END AS now,
       f.earlier, f.earlier_good, round(1.0 * f.earlier_good / f.earlier, 4) AS earlier_share,
       f.recent, f.recent_good, round(1.0 * f.recent_good / f.recent, 4) AS recent_share,
       strftime('%Y-%m-%dT%H:%M:%SZ', g.last_good, 'unixepoch') AS last_good,
       strftime('%Y-%m-%dT%H:%M:%SZ', b.first_bad, 'unixepoch') AS first_bad
FROM found AS f
JOIN texts AS p ON p.id = f.peer
JOIN first_bad AS b ON b.kind = f.kind AND b.peer = f.peer AND b.role = f.role
LEFT JOIN last_good AS g ON g.kind = f.kind AND g.peer = f.peer AND g.role = f.role
LEFT JOIN earlier_best AS eb ON eb.peer = f.peer AND eb.role = f.role
LEFT JOIN best_since AS bs ON bs.peer = f.peer AND bs.role = f.role
LEFT JOIN texts AS ebv ON ebv.id = eb.version
LEFT JOIN texts AS bsv ON bsv.id = bs.version
LEFT JOIN texts AS gv ON gv.id = g.value
LEFT JOIN texts AS bv ON bv.id = b.value
ORDER BY b.first_bad, p.value, f.role, f.kind
LIMIT coalesce(:limit, 9223372036854775807);
