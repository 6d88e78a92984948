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
WITH
bounds AS (
    SELECT strftime('%Y-%m-%dT%H:%M:%SZ',
                    coalesce(:until, (SELECT max(ts) FROM (
                        SELECT max(ts) AS ts FROM tls_sessions UNION ALL SELECT max(ts) FROM messages
                        UNION ALL SELECT max(ts) FROM deliveries UNION ALL SELECT max(ts) FROM auth_events
                        UNION ALL SELECT max(ts) FROM tls_failures))),
                    '-' || coalesce(:recent, 604800) || ' seconds') AS recent_start
),
sessions AS (
    SELECT ts, role, peer, version, verify,
           CASE version
               WHEN 'SSLv2' THEN 1 WHEN 'SSLv3' THEN 2 WHEN 'TLSv1' THEN 3 WHEN 'TLSv1.0' THEN 3
               WHEN 'TLSv1.1' THEN 4 WHEN 'TLSv1.2' THEN 5 WHEN 'TLSv1.3' THEN 6
           END AS version_rank,
           ts >= recent_start AS recent
    FROM tls_sessions, bounds
    WHERE peer IS NOT NULL
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
inbound AS (
    SELECT ts, peer, encrypted
    FROM messages
    WHERE proto IS NOT NULL AND peer IS NOT NULL
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
outbound AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT d.ts, coalesce(s.peer, d.peer) AS peer, d.tls_session_id IS NOT NULL AS encrypted
    FROM deliveries AS d LEFT JOIN tls_sessions AS s ON s.id = d.tls_session_id
    WHERE d.status = 'sent'
      AND d.peer IS NOT NULL
      AND d.network_mailer
      AND d.ts >= coalesce(:since, '') AND d.ts < coalesce(:until, '9999')
      AND d.host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT d.loopback)
),

-- Sessions and mail in groups of equal judgement, with their first and last time (one pass each).
session_groups AS (
    SELECT peer, role, recent, version_rank, version, verify, count(*) AS n, min(ts) AS first, max(ts) AS last
    FROM sessions
    GROUP BY peer, role, recent, version_rank, version, verify
),
mail_groups AS (
    SELECT peer, 'server' AS role, ts >= recent_start AS recent, encrypted, count(*) AS n, min(ts) AS first,
           max(ts) AS last
    FROM inbound, bounds
    GROUP BY peer, ts >= recent_start, encrypted
    UNION ALL
    SELECT peer, 'client', ts >= recent_start, encrypted, count(*), min(ts), max(ts)
    FROM outbound, bounds
    GROUP BY peer, ts >= recent_start, encrypted
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
    SELECT 'verify', peer, role, recent, n, first, last, ifnull(verify IN ('OK', 'TRUSTED'), 0),
           verify IS NOT NULL AND verify NOT IN ('', 'OK', 'TRUSTED', 'NO', 'NOT', 'NONE', 'CLEAR')
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
found AS (
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
    SELECT 'version', s.peer, s.role, s.ts, s.version_rank >= b.rank, s.version_rank < b.rank, s.version
    FROM sessions AS s JOIN earlier_best AS b ON b.peer = s.peer AND b.role = s.role
    WHERE s.version_rank IS NOT NULL AND (s.peer, s.role) IN (SELECT peer, role FROM found WHERE kind = 'version')
    UNION ALL
    SELECT 'verify', peer, role, ts, ifnull(verify IN ('OK', 'TRUSTED'), 0),
           verify IS NOT NULL AND verify NOT IN ('', 'OK', 'TRUSTED', 'NO', 'NOT', 'NONE', 'CLEAR'), verify
    FROM sessions WHERE (peer, role) IN (SELECT peer, role FROM found WHERE kind = 'verify')
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
    WHERE e.bad AND e.ts > coalesce(g.last_good, '') AND e.ts <= f.window_bad
    GROUP BY e.kind, e.peer, e.role
),
-- version: the best version since the first bad session (all below the earlier best).
best_since AS (
    SELECT s.peer, s.role, max(s.version_rank) AS rank, s.version
    FROM sessions AS s JOIN first_bad AS b ON b.kind = 'version' AND b.peer = s.peer AND b.role = s.role
    WHERE s.ts >= b.first_bad AND s.version_rank IS NOT NULL
    GROUP BY s.peer, s.role
)
SELECT f.peer, f.role, f.kind,
       CASE f.kind WHEN 'cleartext' THEN 'encrypted' WHEN 'version' THEN eb.version ELSE g.value END AS was,
       CASE f.kind WHEN 'cleartext' THEN 'clear' WHEN 'version' THEN bs.version ELSE b.value END AS now,
       f.earlier, f.earlier_good, round(1.0 * f.earlier_good / f.earlier, 4) AS earlier_share,
       f.recent, f.recent_good, round(1.0 * f.recent_good / f.recent, 4) AS recent_share,
       g.last_good, b.first_bad
FROM found AS f
JOIN first_bad AS b ON b.kind = f.kind AND b.peer = f.peer AND b.role = f.role
LEFT JOIN last_good AS g ON g.kind = f.kind AND g.peer = f.peer AND g.role = f.role
LEFT JOIN earlier_best AS eb ON eb.peer = f.peer AND eb.role = f.role
LEFT JOIN best_since AS bs ON bs.peer = f.peer AND bs.role = f.role
ORDER BY b.first_bad, f.peer, f.role, f.kind
LIMIT coalesce(:limit, -1);
