-- rates-by-hour: inbound and outbound encryption rates per hour of the day (00 to 23), for
-- `mailtls report rates --by hour`. The hour is UTC, or in the TZ zone with :localtime 1
-- (`--timezone`). Messages and deliveries are those of rates.sql (see its definitions).
--
--   sqlite3 -header -column mailtls.db < Queries/rates-by-hour.sql
--   TZ=Europe/Berlin sqlite3 -header -column -cmd ".param set :localtime 1" mailtls.db < Queries/rates-by-hour.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound only) or 'client' (outbound only)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :localtime       1 for hours in the TZ zone instead of UTC
--   :limit           at most this many rows
--
-- Speed: from the base tables on their ts index (no rollup holds hours), counted per quarter hour
-- first (every zone's offset is a multiple of it), so the hour is computed once per quarter hour.
WITH
options AS (SELECT CASE WHEN (coalesce(:localtime, 0) <> 0) THEN 'localtime' ELSE '+0 days' END AS tz),
inbound AS (
    SELECT r.ts / 900 AS k, count(*) AS n, sum(r.encrypted) AS encrypted
    FROM message_rows AS r
    WHERE r.ts >= coalesce(unixepoch(:since), -9223372036854775808)
      AND r.ts < coalesce(unixepoch(:until), 9223372036854775807)
      AND r.proto IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY 1
),
outbound AS (
    SELECT d.ts / 900 AS k, count(*) AS n, sum(d.encrypted) AS encrypted
    FROM delivery_rows AS d
    LEFT JOIN session_rows AS s ON s.id = d.tls_session_id AND :peer IS NOT NULL
    WHERE d.ts >= coalesce(unixepoch(:since), -9223372036854775808)
      AND d.ts < coalesce(unixepoch(:until), 9223372036854775807)
      AND d.status = (SELECT id FROM texts WHERE value = 'sent')
      AND d.network_mailer <> 0
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR d.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR d.loopback = 0)
    GROUP BY 1
),
bucketed AS (
    SELECT strftime('%H', k * 900, 'unixepoch', tz) AS bucket, 1 AS inbound, n, encrypted FROM inbound, options
    UNION ALL
    SELECT strftime('%H', k * 900, 'unixepoch', tz), 0, n, encrypted FROM outbound, options
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
ORDER BY bucket
LIMIT coalesce(:limit, 9223372036854775807);
