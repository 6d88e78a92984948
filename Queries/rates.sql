-- rates: inbound and outbound encryption rates, overall or per day, week, month, host or peer.
--
--   sqlite3 mailtls.db < Queries/rates.sql
--   sqlite3 mailtls.db -cmd ".param set :by day" < Queries/rates.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern (* and ? wildcards)
--   :role            'server' (inbound only) or 'client' (outbound only)
--   :peer            peer name or IP, lowercase GLOB pattern ('*.example.org')
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :localtime       1 to cut days, weeks and months in the TZ zone instead of UTC
--   :by              'day', 'week' (the Monday it starts), 'month', 'host' or 'peer'; unset: one row 'all'
--   :limit           at most this many rows
--
-- Definitions (README "Definitions"):
--   inbound message     a from= line received over SMTP (proto= present) from a non-loopback peer;
--                       encrypted when proto has the S flag (ESMTPS, ESMTPSA, UTF8SMTPS, ...) or its
--                       SMTP session had a STARTTLS=server line (before 8.15 sendmail logs ESMTP over TLS)
--   outbound delivery   a to= line with stat=Sent and a network mailer (esmtp, smtp, smtp8, dsmtp, relay,
--                       any *smtp* mailer) to a non-loopback relay; encrypted when linked to a
--                       STARTTLS=client session. Deferred and bounced attempts are not counted.
--   rate                encrypted / total, 4 decimals; NULL when there is nothing to count
--   loopback peer       peer_ip in 127.0.0.0/8 or ::1, or the peer named localhost (MSP -> MTA hops)
WITH
options AS (
    SELECT CASE WHEN coalesce(:localtime, 0) THEN 'localtime' ELSE '+0 days' END AS tz
),
inbound AS (
    SELECT ts, host, peer, encrypted
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
    SELECT d.ts, d.host, coalesce(s.peer, d.peer) AS peer, d.tls_session_id IS NOT NULL AS encrypted
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

traffic AS (
    SELECT ts, host, peer, 1 AS inbound, encrypted FROM inbound
    UNION ALL
    SELECT ts, host, peer, 0 AS inbound, encrypted FROM outbound
),
bucketed AS (
    SELECT CASE :by
               WHEN 'day'   THEN date(ts, tz)
               WHEN 'week'  THEN date(ts, tz, 'weekday 0', '-6 days')
               WHEN 'month' THEN strftime('%Y-%m', ts, tz)
               WHEN 'host'  THEN host
               WHEN 'peer'  THEN ifnull(peer, '(none)')
               ELSE 'all'
           END AS bucket,
           inbound, encrypted
    FROM traffic, options
)
SELECT bucket,
       sum(inbound) AS inbound_messages,
       sum(inbound AND encrypted) AS inbound_encrypted,
       round(1.0 * sum(inbound AND encrypted) / nullif(sum(inbound), 0), 4) AS inbound_rate,
       sum(NOT inbound) AS outbound_deliveries,
       sum(NOT inbound AND encrypted) AS outbound_encrypted,
       round(1.0 * sum(NOT inbound AND encrypted) / nullif(sum(NOT inbound), 0), 4) AS outbound_rate
FROM bucketed
GROUP BY bucket
ORDER BY CASE WHEN :by IN ('host', 'peer') THEN -count(*) ELSE 0 END, bucket
LIMIT coalesce(:limit, -1);
