-- daily: the trend, one row per day: TLS sessions, inbound and outbound encryption rates, handshake
-- failures.
--
--   sqlite3 -header -column mailtls.db < Queries/daily.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound only) or 'client' (outbound only)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :localtime       1 to cut days in the TZ zone instead of UTC
--   :limit           only the last this many days
--
-- Messages, deliveries and rates follow the definitions of rates.sql; handshake failures are
-- accept_failed and connect_failed rows of tls_failures.
WITH
options AS (
    SELECT CASE WHEN coalesce(:localtime, 0) THEN 'localtime' ELSE '+0 days' END AS tz
),
sessions AS (
    SELECT ts
    FROM tls_sessions
    WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
inbound AS (
    SELECT ts, encrypted
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
    SELECT d.ts, d.tls_session_id IS NOT NULL AS encrypted
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

failures AS (
    SELECT ts
    FROM tls_failures
    WHERE kind IN ('accept_failed', 'connect_failed')
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
events AS (
    SELECT ts, 1 AS session, 0 AS msg, 0 AS msg_enc, 0 AS dlv, 0 AS dlv_enc, 0 AS failure FROM sessions
    UNION ALL SELECT ts, 0, 1, encrypted, 0, 0, 0 FROM inbound
    UNION ALL SELECT ts, 0, 0, 0, 1, encrypted, 0 FROM outbound
    UNION ALL SELECT ts, 0, 0, 0, 0, 0, 1 FROM failures
),
days AS (
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
)
SELECT * FROM days ORDER BY date;
