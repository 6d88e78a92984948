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
WITH
sessions AS (
    SELECT version, cipher, cipher_bits
    FROM tls_sessions
    WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
inbound AS (
    SELECT encrypted
    FROM messages
    WHERE proto IS NOT NULL
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
outbound AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT d.tls_session_id IS NOT NULL AS encrypted
    FROM deliveries AS d LEFT JOIN tls_sessions AS s ON s.id = d.tls_session_id
    WHERE d.status = 'sent'
      AND d.network_mailer
      AND d.ts >= coalesce(:since, '') AND d.ts < coalesce(:until, '9999')
      AND d.host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT d.loopback)
),
auth AS (
    SELECT mech, tls_session_id
    FROM auth_events
    WHERE role = 'server' AND success
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
)
SELECT (SELECT count(*) FROM inbound) AS inbound_messages,
       (SELECT ifnull(sum(encrypted), 0) FROM inbound) AS inbound_encrypted,
       (SELECT 1.0 * sum(encrypted) / nullif(count(*), 0) FROM inbound) AS inbound_rate,
       (SELECT count(*) FROM outbound) AS outbound_deliveries,
       (SELECT ifnull(sum(encrypted), 0) FROM outbound) AS outbound_encrypted,
       (SELECT 1.0 * sum(encrypted) / nullif(count(*), 0) FROM outbound) AS outbound_rate,
       (SELECT count(*) FROM sessions) AS sessions,
       (SELECT count(*) FROM sessions
        WHERE version IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1')
           OR cipher LIKE '%RC4%' OR cipher LIKE '%DES%' OR cipher LIKE '%NULL%' OR cipher LIKE '%EXP%'
           OR cipher LIKE '%ADH%' OR cipher LIKE '%AECDH%' OR cipher LIKE '%anon%' OR cipher LIKE '%MD5%'
           OR cipher_bits < 128) AS weak_sessions,
       (SELECT count(*) FROM auth) AS auth,
       (SELECT count(*) FROM auth
        WHERE tls_session_id IS NULL AND upper(ifnull(mech, '')) IN ('PLAIN', 'LOGIN')) AS plaintext_auth;
