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
--   :include_local   1 to list loopback peers (127.0.0.0/8, ::1, localhost)
--   :cipher          only peers with a session using this cipher (GLOB pattern)
--   :version         only peers with a session of this version (GLOB pattern, e.g. 'TLSv1')
--   :limit           at most this many rows (busiest peers first)
--
-- roles: 'server' (it connected to us), 'client' (we connected to it), or 'server+client'.
-- messages / encrypted / encrypted_rate count its inbound messages and outbound deliveries with the
-- definitions of rates.sql. Versions rank SSLv2 < SSLv3 < TLSv1/SSLv3 (unknown, old sendmail) <
-- TLSv1 < TLSv1.1 < TLSv1.2 < TLSv1.3; other values are not ranked.
WITH
sessions AS (
    SELECT ts, role, peer, version, cipher, verify,
           CASE version
               WHEN 'SSLv2' THEN 1 WHEN 'SSLv3' THEN 2 WHEN 'TLSv1/SSLv3' THEN 2.5
               WHEN 'TLSv1' THEN 3 WHEN 'TLSv1.0' THEN 3 WHEN 'TLSv1.1' THEN 4
               WHEN 'TLSv1.2' THEN 5 WHEN 'TLSv1.3' THEN 6
           END AS version_rank
    FROM tls_sessions
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

-- With :cipher or :version, only the peers that had such a session.
selected AS (
    SELECT DISTINCT peer FROM sessions
    WHERE (:cipher IS NULL OR cipher GLOB :cipher) AND (:version IS NULL OR version GLOB :version)
),
activity AS (
    SELECT peer, ts, role, 1 AS session, 0 AS mail, 0 AS encrypted FROM sessions
    UNION ALL SELECT peer, ts, 'server', 0, 1, encrypted FROM inbound
    UNION ALL SELECT peer, ts, 'client', 0, 1, encrypted FROM outbound
),
totals AS (
    SELECT peer,
           sum(session) AS sessions,
           CASE WHEN max(role = 'server') AND max(role = 'client') THEN 'server+client'
                WHEN max(role = 'server') THEN 'server' ELSE 'client' END AS roles,
           sum(mail) AS messages,
           sum(encrypted) AS encrypted,
           max(ts) AS last_seen
    FROM activity
    WHERE peer IN (SELECT peer FROM selected) OR (:cipher IS NULL AND :version IS NULL)
    GROUP BY peer
),
-- SQLite returns the other columns of the row that holds the max() or min().
best AS (SELECT peer, version, max(version_rank) FROM sessions GROUP BY peer),
worst AS (SELECT peer, version, min(version_rank) FROM sessions GROUP BY peer),
ciphers AS (
    SELECT peer, group_concat(cipher, ', ') AS ciphers
    FROM (SELECT DISTINCT peer, cipher FROM sessions ORDER BY peer, cipher)
    GROUP BY peer
),
verifies AS (
    SELECT peer, group_concat(verify || ' ' || n, ', ') AS verify
    FROM (SELECT peer, verify, count(*) AS n FROM sessions GROUP BY peer, verify ORDER BY peer, n DESC, verify)
    GROUP BY peer
)
SELECT t.peer, t.sessions, t.roles,
       best.version AS best_version, worst.version AS worst_version,
       ciphers.ciphers, verifies.verify,
       t.messages, t.encrypted,
       round(1.0 * t.encrypted / nullif(t.messages, 0), 4) AS encrypted_rate,
       t.last_seen
FROM totals AS t
LEFT JOIN best USING (peer)
LEFT JOIN worst USING (peer)
LEFT JOIN ciphers USING (peer)
LEFT JOIN verifies USING (peer)
ORDER BY t.sessions + t.messages DESC, t.peer
LIMIT coalesce(:limit, -1);
