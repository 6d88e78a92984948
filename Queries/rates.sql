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
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged (read from the
--                    base tables: the rollups have no mta column)
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :localtime       1 to cut days, weeks and months in the TZ zone instead of UTC
--   :by              'day', 'week' (the Monday it starts), 'month', 'host' or 'peer'; unset: one row 'all'
--   :limit           at most this many rows
--
-- Definitions (README "Definitions"):
--   inbound message     a message received over SMTP (proto present: sendmail from= with proto=,
--                       Postfix smtpd client=, Exim <= with an SMTP P=) from a non-loopback peer;
--                       encrypted (messages.encrypted, set at ingest) when proto has the S flag (ESMTPS,
--                       ...), its SMTP session had a TLS session first, or the log says so (Postfix
--                       disconnect ... starttls=1, wrapper-mode smtps; Exim X=)
--   outbound delivery   a sent delivery (sendmail to= stat=Sent, Postfix status=sent, Exim => and ->) by
--                       a network mailer (esmtp, smtp, relay, any *smtp*; Exim remote transports) to a
--                       non-loopback relay; encrypted (deliveries.encrypted, set at ingest) when linked to
--                       a client TLS session or the line says so (Postfix tls=). Deferred and bounced
--                       attempts are not counted.
--   rate                encrypted / total, 4 decimals; NULL when there is nothing to count
--   loopback peer       peer_ip in 127.0.0.0/8 or ::1, or the peer named localhost (MSP -> MTA hops)
-- Speed: without :peer, :mta, :localtime or :by 'peer', and with :since and :until unset or at midnight
-- UTC, the counts come from the daily rollup rollup_traffic and do not grow with the rows; otherwise
-- from the base tables (message_rows, delivery_rows: the ts index when :since or :until is set),
-- counted per quarter hour, host or peer id first.
-- The guards that choose between rollups and rows are written out in each arm: SQLite skips an arm
-- at once only when its guard is made of parameters (a subquery there is tested on every row).
WITH
options AS (
    SELECT CASE WHEN (coalesce(:localtime, 0) <> 0) THEN 'localtime' ELSE '+0 days' END AS tz,
           date(:since) AS since_day, date(:until) AS until_day
),
-- What the rows are counted by before they go into buckets: a quarter hour (every time zone's
-- offset is a multiple of it), a host or peer id, or nothing.
inbound AS (
    SELECT CASE :by WHEN 'day' THEN r.ts / 900 WHEN 'week' THEN r.ts / 900 WHEN 'month' THEN r.ts / 900
                    WHEN 'host' THEN r.host WHEN 'peer' THEN r.peer END AS k,
           count(*) AS n, sum(r.encrypted) AS encrypted
    FROM (SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :by IS DISTINCT FROM 'peer'
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :by IS DISTINCT FROM 'peer'
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))) AS r
    WHERE r.proto IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY 1
),
outbound AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT CASE :by WHEN 'day' THEN d.ts / 900 WHEN 'week' THEN d.ts / 900 WHEN 'month' THEN d.ts / 900
                    WHEN 'host' THEN d.host WHEN 'peer' THEN coalesce(s.peer, d.peer) END AS k,
           count(*) AS n, sum(d.encrypted) AS encrypted
    FROM (SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :by IS DISTINCT FROM 'peer'
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :by IS DISTINCT FROM 'peer'
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))) AS d
    LEFT JOIN session_rows AS s ON s.id = d.tls_session_id AND (:peer IS NOT NULL OR :by = 'peer')
    WHERE d.status = (SELECT id FROM texts WHERE value = 'sent')
      AND d.network_mailer <> 0
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR d.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR d.loopback = 0)
    GROUP BY 1
),
traffic AS (
    SELECT k, 1 AS inbound, n, encrypted FROM inbound
    UNION ALL
    SELECT k, 0 AS inbound, n, encrypted FROM outbound
),
bucketed AS (
    SELECT CASE :by
               WHEN 'day'   THEN date(k * 900, 'unixepoch', tz)
               WHEN 'week'  THEN date(k * 900, 'unixepoch', tz, 'weekday 0', '-6 days')
               WHEN 'month' THEN strftime('%Y-%m', k * 900, 'unixepoch', tz)
               WHEN 'host'  THEN (SELECT value FROM texts WHERE id = k)
               WHEN 'peer'  THEN coalesce((SELECT value FROM texts WHERE id = k), '(none)')
               ELSE 'all'
           END AS bucket,
           inbound, n, encrypted
    FROM traffic, options
    UNION ALL
    -- The same from the rollup, a row per UTC day.
    SELECT CASE :by
               WHEN 'day'   THEN day
               WHEN 'week'  THEN date(day, 'weekday 0', '-6 days')
               WHEN 'month' THEN substr(day, 1, 7)
               WHEN 'host'  THEN host
               ELSE 'all'
           END,
           CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END, n, encrypted * n
    FROM rollup_traffic
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :by IS DISTINCT FROM 'peer'
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
      AND day >= coalesce((SELECT since_day FROM options), '') AND day < coalesce((SELECT until_day FROM options), '9999')
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR :role = CASE direction WHEN 'inbound' THEN 'server' ELSE 'client' END)
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
)
SELECT bucket,
       sum(inbound * n) AS inbound_messages,
       sum(inbound * encrypted) AS inbound_encrypted,
       round(1.0 * sum(inbound * encrypted) / nullif(sum(inbound * n), 0), 4) AS inbound_rate,
       sum((1 - inbound) * n) AS outbound_deliveries,
       sum((1 - inbound) * encrypted) AS outbound_encrypted,
       round(1.0 * sum((1 - inbound) * encrypted) / nullif(sum((1 - inbound) * n), 0), 4) AS outbound_rate
FROM bucketed
GROUP BY bucket
ORDER BY CASE WHEN :by IN ('host', 'peer') THEN -sum(n) ELSE 0 END, bucket
LIMIT coalesce(:limit, 9223372036854775807);
