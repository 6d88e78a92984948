-- check: the figures `mailtls check` judges, in one row: inbound and outbound encryption rates, weak
-- TLS sessions, passwords sent in clear. (Its downgrades are the rows of downgrades.sql.)
--
--   sqlite3 -header -line -cmd ".param set :since \"'2026-03-01'\"" mailtls.db < Queries/check.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound only) or 'client' (outbound only)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--
-- inbound_* and outbound_* follow rates.sql (rates unrounded here: check compares them exactly).
-- weak_sessions counts the sessions of weak.sql: version SSLv2, SSLv3, TLSv1, TLSv1.0 or TLSv1.1
-- ('TLSv1/SSLv3' is judged by its cipher alone), or a cipher containing RC4, DES (3DES too), NULL,
-- EXP (EXPORT), ADH, AECDH, anon or MD5 (any case), or fewer than 128 cipher bits.
-- plaintext_auth counts the summary's auth.plaintext_password: successful AUTH=server lines with
-- mechanism PLAIN or LOGIN and no TLS session before them (the password crossed the wire in clear).
-- Speed: reads the base tables (session_rows, ...: integer times and text ids; the ts index when
-- :since or :until is set), one pass and one aggregate each; the weak versions and ciphers are found
-- among the texts once.
WITH
sessions AS (
    SELECT count(*) AS n,
           sum(r.version IN (SELECT id FROM texts WHERE value IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1'))
               OR r.cipher IN (SELECT id FROM texts WHERE value IN (
                   -- Every cipher stored is in the rollup (which prune keeps): a small table to search.
                   SELECT cipher FROM rollup_sessions
                   WHERE cipher LIKE '%RC4%' OR cipher LIKE '%DES%' OR cipher LIKE '%NULL%' OR cipher LIKE '%EXP%'
                      OR cipher LIKE '%ADH%' OR cipher LIKE '%AECDH%' OR cipher LIKE '%anon%' OR cipher LIKE '%MD5%'))
               OR ifnull(r.cipher_bits < 128, 0)) AS weak
    FROM (SELECT ts, host, role, peer, version, cipher, cipher_bits, loopback FROM session_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, role, peer, version, cipher, cipher_bits, loopback FROM session_rows
          WHERE ts >= ifnull(CAST(strftime('%s', :since) AS INTEGER), -9223372036854775808)
            AND ts < ifnull(CAST(strftime('%s', :until) AS INTEGER), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE value GLOB :host))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE value GLOB :peer))
      AND (coalesce(:include_local, 0) OR NOT r.loopback)
),
inbound AS (
    SELECT count(*) AS n, sum(r.encrypted) AS encrypted
    FROM (SELECT ts, host, peer, proto, encrypted, loopback FROM message_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, peer, proto, encrypted, loopback FROM message_rows
          WHERE ts >= ifnull(CAST(strftime('%s', :since) AS INTEGER), -9223372036854775808)
            AND ts < ifnull(CAST(strftime('%s', :until) AS INTEGER), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE r.proto IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE value GLOB :host))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE value GLOB :peer))
      AND (coalesce(:include_local, 0) OR NOT r.loopback)
),
outbound AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT count(*) AS n, sum(d.tls_session_id IS NOT NULL) AS encrypted
    FROM (SELECT ts, host, peer, status, network_mailer, tls_session_id, loopback FROM delivery_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, peer, status, network_mailer, tls_session_id, loopback FROM delivery_rows
          WHERE ts >= ifnull(CAST(strftime('%s', :since) AS INTEGER), -9223372036854775808)
            AND ts < ifnull(CAST(strftime('%s', :until) AS INTEGER), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS d
    LEFT JOIN session_rows AS s ON s.id = d.tls_session_id AND :peer IS NOT NULL
    WHERE d.status = (SELECT id FROM texts WHERE value = 'sent')
      AND d.network_mailer
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE value GLOB :host))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) IN (SELECT id FROM texts WHERE value GLOB :peer))
      AND (coalesce(:include_local, 0) OR NOT d.loopback)
),
-- Per mechanism id first: whether it sends a password is judged on its text.
auth_groups AS (
    SELECT r.mech, r.tls_session_id IS NULL AS clear, count(*) AS n
    FROM (SELECT ts, host, role, success, peer, mech, tls_session_id, loopback FROM auth_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, role, success, peer, mech, tls_session_id, loopback FROM auth_rows
          WHERE ts >= ifnull(CAST(strftime('%s', :since) AS INTEGER), -9223372036854775808)
            AND ts < ifnull(CAST(strftime('%s', :until) AS INTEGER), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE r.role = (SELECT id FROM texts WHERE value = 'server') AND r.success
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE value GLOB :host))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE value GLOB :peer))
      AND (coalesce(:include_local, 0) OR NOT r.loopback)
    GROUP BY 1, 2
),
auth AS (
    SELECT ifnull(sum(g.n), 0) AS n,
           sum((g.clear AND upper(ifnull(m.value, '')) IN ('PLAIN', 'LOGIN')) * g.n) AS plaintext
    FROM auth_groups AS g LEFT JOIN texts AS m ON m.id = g.mech
)
SELECT inbound.n AS inbound_messages,
       ifnull(inbound.encrypted, 0) AS inbound_encrypted,
       1.0 * inbound.encrypted / nullif(inbound.n, 0) AS inbound_rate,
       outbound.n AS outbound_deliveries,
       ifnull(outbound.encrypted, 0) AS outbound_encrypted,
       1.0 * outbound.encrypted / nullif(outbound.n, 0) AS outbound_rate,
       sessions.n AS sessions,
       ifnull(sessions.weak, 0) AS weak_sessions,
       auth.n AS auth,
       ifnull(auth.plaintext, 0) AS plaintext_auth
FROM inbound, outbound, sessions, auth;
