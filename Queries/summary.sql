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
-- handshake_failures, daily[].date/sessions/inbound_rate/outbound_rate.
-- by_version and by_cipher count both roles; by_verify groups as verify.sql does; a rate with no
-- denominator is null. Inbound, outbound and handshake failures follow rates.sql and failures.sql.
WITH
options AS (
    SELECT CASE WHEN coalesce(:localtime, 0) THEN 'localtime' ELSE '+0 days' END AS tz
),
sessions AS (
    SELECT ts, role, peer, ifnull(version, 'unknown') AS version, ifnull(cipher, 'unknown') AS cipher,
           cipher_bits,
           CASE WHEN verify IN ('OK', 'FAIL', 'NO', 'NOT', 'TRUSTED') OR verify GLOB 'DANE_*' THEN verify
                ELSE 'other' END AS verify
    FROM tls_sessions
    WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT (ifnull(peer, '') = 'localhost' OR ifnull(peer_ip, '') GLOB '127.*'
                   OR ifnull(peer_ip, '') IN ('::1', '0:0:0:0:0:0:0:1') OR ifnull(peer_ip, '') GLOB '::ffff:127.*'))
),
inbound AS (
    SELECT ts, (proto LIKE '%SMTPS%' OR tls_session_id IS NOT NULL) AS encrypted
    FROM messages
    WHERE proto IS NOT NULL
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT (ifnull(peer, '') = 'localhost' OR ifnull(peer_ip, '') GLOB '127.*'
                   OR ifnull(peer_ip, '') IN ('::1', '0:0:0:0:0:0:0:1') OR ifnull(peer_ip, '') GLOB '::ffff:127.*'))
),
outbound AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT d.ts, d.tls_session_id IS NOT NULL AS encrypted
    FROM deliveries AS d LEFT JOIN tls_sessions AS s ON s.id = d.tls_session_id
    WHERE d.status = 'sent'
      AND (d.mailer IN ('esmtp', 'smtp', 'smtp8', 'dsmtp', 'relay') OR d.mailer LIKE '%smtp%')
      AND d.ts >= coalesce(:since, '') AND d.ts < coalesce(:until, '9999')
      AND d.host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT (ifnull(d.peer, '') = 'localhost' OR ifnull(d.peer_ip, '') GLOB '127.*'
                   OR ifnull(d.peer_ip, '') IN ('::1', '0:0:0:0:0:0:0:1') OR ifnull(d.peer_ip, '') GLOB '::ffff:127.*'))
),

failures AS (
    SELECT ts, kind
    FROM tls_failures
    WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT (ifnull(peer, '') = 'localhost' OR ifnull(peer_ip, '') GLOB '127.*'
                   OR ifnull(peer_ip, '') IN ('::1', '0:0:0:0:0:0:0:1') OR ifnull(peer_ip, '') GLOB '::ffff:127.*'))
),
handshake_failures AS (
    SELECT ts FROM failures WHERE kind IN ('accept_failed', 'connect_failed')
),
activity AS (
    SELECT ts FROM sessions UNION ALL SELECT ts FROM inbound UNION ALL SELECT ts FROM outbound
    UNION ALL SELECT ts FROM failures
),
events AS (
    SELECT ts, 1 AS session, 0 AS msg, 0 AS msg_enc, 0 AS dlv, 0 AS dlv_enc, 0 AS failure FROM sessions
    UNION ALL SELECT ts, 0, 1, encrypted, 0, 0, 0 FROM inbound
    UNION ALL SELECT ts, 0, 0, 0, 1, encrypted, 0 FROM outbound
    UNION ALL SELECT ts, 0, 0, 0, 0, 0, 1 FROM handshake_failures
),
daily AS (
    SELECT date(ts, tz) AS date,
           sum(session) AS sessions,
           sum(msg) AS inbound_messages,
           sum(msg_enc) AS inbound_encrypted,
           round(1.0 * sum(msg_enc) / nullif(sum(msg), 0), 4) AS inbound_rate,
           sum(dlv) AS outbound_deliveries,
           sum(dlv_enc) AS outbound_encrypted,
           round(1.0 * sum(dlv_enc) / nullif(sum(dlv), 0), 4) AS outbound_rate,
           sum(failure) AS handshake_failures
    FROM events, options
    GROUP BY 1
    ORDER BY 1 DESC
    LIMIT coalesce(:limit, -1)
),
peers_per_cipher AS (
    SELECT role, cipher, min(cipher_bits) AS bits, count(DISTINCT peer) AS peers, count(*) AS sessions
    FROM sessions
    GROUP BY role, cipher
    ORDER BY CASE role WHEN 'server' THEN 0 ELSE 1 END, sessions DESC, cipher
    LIMIT coalesce(:limit, -1)
)
SELECT json_object(
    'period', json_object(
        'from', (SELECT min(ts) FROM activity),
        'to', (SELECT max(ts) FROM activity)),
    'sessions', json_object(
        'total', (SELECT count(*) FROM sessions),
        'peers', (SELECT count(DISTINCT peer) FROM sessions),
        'by_role', json_object(
            'server', (SELECT count(*) FROM sessions WHERE role = 'server'),
            'client', (SELECT count(*) FROM sessions WHERE role = 'client')),
        'by_version', json((SELECT json_group_object(version, n) FROM (
            SELECT version, count(*) AS n FROM sessions GROUP BY version ORDER BY n DESC, version))),
        'by_cipher', json((SELECT json_group_object(cipher, n) FROM (
            SELECT cipher, count(*) AS n FROM sessions GROUP BY cipher ORDER BY n DESC, cipher))),
        'by_verify', json_object(
            'server', json((SELECT json_group_object(verify, n) FROM (
                SELECT verify, count(*) AS n FROM sessions WHERE role = 'server'
                GROUP BY verify ORDER BY n DESC, verify))),
            'client', json((SELECT json_group_object(verify, n) FROM (
                SELECT verify, count(*) AS n FROM sessions WHERE role = 'client'
                GROUP BY verify ORDER BY n DESC, verify))))),
    'inbound', json((SELECT json_object(
        'messages', count(*),
        'encrypted', ifnull(sum(encrypted), 0),
        'rate', round(1.0 * sum(encrypted) / nullif(count(*), 0), 4)) FROM inbound)),
    'outbound', json((SELECT json_object(
        'deliveries', count(*),
        'encrypted', ifnull(sum(encrypted), 0),
        'rate', round(1.0 * sum(encrypted) / nullif(count(*), 0), 4)) FROM outbound)),
    'handshake_failures', (SELECT count(*) FROM handshake_failures),
    'ruleset_rejects', (SELECT count(*) FROM failures WHERE kind = 'ruleset_reject'),
    'tls_io_errors', (SELECT count(*) FROM failures WHERE kind IN ('read_error', 'write_error')),
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
