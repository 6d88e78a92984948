-- summary: everything at a glance, as one JSON document (the `mailtls report --format json` output).
--
--   sqlite3 mailtls.db < Queries/summary.sql | jq .
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound only) or 'client' (outbound only)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :localtime       1 to cut days in the TZ zone instead of UTC
--   :limit           at most this many peers_per_cipher entries and daily entries (the last days)
--
-- Stable keys (scripts rely on them: add keys, never rename): period.from/to, sessions.total,
-- sessions.by_role/by_version/by_cipher/by_verify, inbound.messages/encrypted/rate,
-- outbound.deliveries/encrypted/rate, peers_per_cipher[].role/cipher/peers/sessions,
-- handshake_failures, daily[].date/sessions/inbound_rate/outbound_rate, auth.total/over_tls/
-- plaintext_password, weak_sessions.
-- by_version and by_cipher count both roles; by_verify groups as verify.sql does; a rate with no
-- denominator is null. Inbound, outbound and handshake failures follow rates.sql and failures.sql.
-- Speed: with no --peer, --since, --until or --timezone filter (a plain `mailtls report`), every figure
-- is read from the daily rollups kept at ingest (rollup_* tables), so the answer does not grow with
-- the raw rows; otherwise from the raw rows. Each input below is "weighted rows" (n) from one or the
-- other; the branch not taken is skipped at once (its WHERE is a constant false).
-- auth counts successful AUTH=server lines (AUTH failures are not counted): over_tls had a
-- STARTTLS before it in its session; plaintext_password is PLAIN or LOGIN without one (auth.sql's
-- password_in_clear rows). weak_sessions counts the sessions that weak.sql lists.
WITH
options AS (
    SELECT CASE WHEN coalesce(:localtime, 0) THEN 'localtime' ELSE '+0 days' END AS tz
),
sessions AS (
    SELECT day, first_ts AS ts, last_ts, role, version, cipher, nullif(cipher_bits, -1) AS cipher_bits,
           CASE WHEN verify IN ('OK', 'FAIL', 'NO', 'NOT', 'TRUSTED') OR verify GLOB 'DANE_*' THEN verify
                ELSE 'other' END AS verify, sessions AS n
    FROM rollup_sessions
    WHERE (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0))
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (coalesce(:include_local, 0) OR NOT loopback)
    UNION ALL
    SELECT date(ts, (SELECT tz FROM options)), ts, ts, role, ifnull(version, 'unknown'), ifnull(cipher, 'unknown'),
           cipher_bits, CASE WHEN verify IN ('OK', 'FAIL', 'NO', 'NOT', 'TRUSTED') OR verify GLOB 'DANE_*' THEN verify
                ELSE 'other' END, 1
    FROM tls_sessions
    WHERE NOT (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0))
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
-- Sessions per (role, cipher, peer): distinct peers.
peer_sessions AS (
    SELECT role, cipher, nullif(peer, '') AS peer, nullif(cipher_bits, -1) AS cipher_bits, sessions AS n
    FROM rollup_peer_ciphers
    WHERE (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0))
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (coalesce(:include_local, 0) OR NOT loopback)
    UNION ALL
    SELECT role, ifnull(cipher, 'unknown'), peer, cipher_bits, 1
    FROM tls_sessions
    WHERE NOT (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0))
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
inbound AS (
    SELECT day, first_ts AS ts, last_ts, encrypted, n
    FROM rollup_traffic
    WHERE (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0)) AND direction = 'inbound'
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'server')
      AND (coalesce(:include_local, 0) OR NOT loopback)
    UNION ALL
    SELECT date(ts, (SELECT tz FROM options)), ts, ts, encrypted, 1
    FROM messages
    WHERE NOT (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0)) AND proto IS NOT NULL
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
outbound AS (
    SELECT day, first_ts AS ts, last_ts, encrypted, n
    FROM rollup_traffic
    WHERE (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0)) AND direction = 'outbound'
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'client')
      AND (coalesce(:include_local, 0) OR NOT loopback)
    UNION ALL
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT date(d.ts, (SELECT tz FROM options)), d.ts, d.ts, d.tls_session_id IS NOT NULL, 1
    FROM deliveries AS d LEFT JOIN tls_sessions AS s ON s.id = d.tls_session_id
    WHERE NOT (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0)) AND d.status = 'sent'
      AND d.network_mailer
      AND d.ts >= coalesce(:since, '') AND d.ts < coalesce(:until, '9999')
      AND d.host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT d.loopback)
),
failures AS (
    SELECT day, first_ts AS ts, last_ts, kind, n
    FROM rollup_failures
    WHERE (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0))
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (coalesce(:include_local, 0) OR NOT loopback)
    UNION ALL
    SELECT date(ts, (SELECT tz FROM options)), ts, ts, kind, 1
    FROM tls_failures
    WHERE NOT (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0))
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
handshake_failures AS (
    SELECT day, ts, n FROM failures WHERE kind IN ('accept_failed', 'connect_failed')
),
auth AS (
    SELECT first_ts AS ts, last_ts, over_tls, mech IN ('PLAIN', 'LOGIN') AS sends_password, n
    FROM rollup_auth
    WHERE (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0)) AND role = 'server' AND success
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'server')
      AND (coalesce(:include_local, 0) OR NOT loopback)
    UNION ALL
    SELECT ts, ts, tls_session_id IS NOT NULL, upper(ifnull(mech, '')) IN ('PLAIN', 'LOGIN'), 1
    FROM auth_events
    WHERE NOT (:peer IS NULL AND :since IS NULL AND :until IS NULL AND NOT coalesce(:localtime, 0)) AND role = 'server' AND success
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
-- The definition of weak.sql.
weak_sessions AS (
    SELECT n FROM sessions
    WHERE version IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1')
       OR cipher LIKE '%RC4%' OR cipher LIKE '%DES%' OR cipher LIKE '%NULL%' OR cipher LIKE '%EXP%'
       OR cipher LIKE '%ADH%' OR cipher LIKE '%AECDH%' OR cipher LIKE '%anon%' OR cipher LIKE '%MD5%'
       OR cipher_bits < 128
),
activity AS (
    SELECT ts, last_ts FROM sessions UNION ALL SELECT ts, last_ts FROM inbound UNION ALL SELECT ts, last_ts FROM outbound
    UNION ALL SELECT ts, last_ts FROM failures UNION ALL SELECT ts, last_ts FROM auth
),
events AS (
    SELECT day, n AS session, 0 AS msg, 0 AS msg_enc, 0 AS dlv, 0 AS dlv_enc, 0 AS failure FROM sessions
    UNION ALL SELECT day, 0, n, encrypted * n, 0, 0, 0 FROM inbound
    UNION ALL SELECT day, 0, 0, 0, n, encrypted * n, 0 FROM outbound
    UNION ALL SELECT day, 0, 0, 0, 0, 0, n FROM handshake_failures
),
daily AS (
    SELECT day AS date,
           sum(session) AS sessions,
           sum(msg) AS inbound_messages,
           sum(msg_enc) AS inbound_encrypted,
           round(1.0 * sum(msg_enc) / nullif(sum(msg), 0), 4) AS inbound_rate,
           sum(dlv) AS outbound_deliveries,
           sum(dlv_enc) AS outbound_encrypted,
           round(1.0 * sum(dlv_enc) / nullif(sum(dlv), 0), 4) AS outbound_rate,
           sum(failure) AS handshake_failures
    FROM events
    GROUP BY 1
    ORDER BY 1 DESC
    LIMIT coalesce(:limit, -1)
),
peers_per_cipher AS (
    SELECT role, cipher, min(cipher_bits) AS bits, count(DISTINCT peer) AS peers, sum(n) AS sessions
    FROM peer_sessions
    GROUP BY role, cipher
    ORDER BY CASE role WHEN 'server' THEN 0 ELSE 1 END, sessions DESC, cipher
    LIMIT coalesce(:limit, -1)
)
SELECT json_object(
    'period', json_object(
        'from', (SELECT min(ts) FROM activity),
        'to', (SELECT max(last_ts) FROM activity)),
    'sessions', json_object(
        'total', (SELECT ifnull(sum(n), 0) FROM sessions),
        'peers', (SELECT count(DISTINCT peer) FROM peer_sessions),
        'by_role', json_object(
            'server', (SELECT ifnull(sum(n), 0) FROM sessions WHERE role = 'server'),
            'client', (SELECT ifnull(sum(n), 0) FROM sessions WHERE role = 'client')),
        'by_version', json((SELECT json_group_object(version, n) FROM (
            SELECT version, sum(n) AS n FROM sessions GROUP BY version ORDER BY n DESC, version))),
        'by_cipher', json((SELECT json_group_object(cipher, n) FROM (
            SELECT cipher, sum(n) AS n FROM sessions GROUP BY cipher ORDER BY n DESC, cipher))),
        'by_verify', json_object(
            'server', json((SELECT json_group_object(verify, n) FROM (
                SELECT verify, sum(n) AS n FROM sessions WHERE role = 'server'
                GROUP BY verify ORDER BY n DESC, verify))),
            'client', json((SELECT json_group_object(verify, n) FROM (
                SELECT verify, sum(n) AS n FROM sessions WHERE role = 'client'
                GROUP BY verify ORDER BY n DESC, verify))))),
    'inbound', json((SELECT json_object(
        'messages', ifnull(sum(n), 0),
        'encrypted', ifnull(sum(encrypted * n), 0),
        'rate', round(1.0 * sum(encrypted * n) / nullif(sum(n), 0), 4)) FROM inbound)),
    'outbound', json((SELECT json_object(
        'deliveries', ifnull(sum(n), 0),
        'encrypted', ifnull(sum(encrypted * n), 0),
        'rate', round(1.0 * sum(encrypted * n) / nullif(sum(n), 0), 4)) FROM outbound)),
    'handshake_failures', (SELECT ifnull(sum(n), 0) FROM handshake_failures),
    'ruleset_rejects', (SELECT ifnull(sum(n), 0) FROM failures WHERE kind = 'ruleset_reject'),
    'tls_io_errors', (SELECT ifnull(sum(n), 0) FROM failures WHERE kind IN ('read_error', 'write_error')),
    'auth', json((SELECT json_object(
        'total', ifnull(sum(n), 0),
        'over_tls', ifnull(sum(over_tls * n), 0),
        'plaintext_password', ifnull(sum((NOT over_tls AND sends_password) * n), 0)) FROM auth)),
    'weak_sessions', (SELECT ifnull(sum(n), 0) FROM weak_sessions),
    'peers_per_cipher', json((SELECT json_group_array(json_object(
        'role', role, 'cipher', cipher, 'bits', bits, 'peers', peers, 'sessions', sessions))
        FROM peers_per_cipher)),
    'daily', json((SELECT json_group_array(json_object(
        'date', date, 'sessions', sessions,
        'inbound_messages', inbound_messages, 'inbound_encrypted', inbound_encrypted, 'inbound_rate', inbound_rate,
        'outbound_deliveries', outbound_deliveries, 'outbound_encrypted', outbound_encrypted,
        'outbound_rate', outbound_rate, 'handshake_failures', handshake_failures))
        FROM (SELECT * FROM daily ORDER BY date)))
) AS summary;
