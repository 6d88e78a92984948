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
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged (read from the
--                    base tables: the rollups have no mta column)
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :localtime       1 to cut days in the TZ zone instead of UTC
--   :limit           only the last this many days
--
-- Messages, deliveries and rates follow the definitions of rates.sql; handshake failures are
-- accept_failed and connect_failed rows of tls_failures.
-- Speed: without --peer, --mta or :localtime, and with :since and :until unset or at midnight UTC, the
-- counts come from the daily rollups (rollup_sessions, rollup_traffic, rollup_failures) and do not
-- grow with the rows; otherwise from the base tables (session_rows, ...: the ts index when :since or
-- :until is set), counted per quarter hour (every time zone's offset is a multiple of it) first.
-- The guards that choose between rollups and rows are written out in each arm: SQLite skips an arm
-- at once only when its guard is made of parameters (a subquery there is tested on every row).
WITH
options AS (
    SELECT CASE WHEN (coalesce(:localtime, 0) <> 0) THEN 'localtime' ELSE '+0 days' END AS tz,
           date(:since) AS since_day, date(:until) AS until_day
),
sessions AS (
    SELECT r.ts / 900 AS q, count(*) AS n
    FROM (SELECT ts, host, mta, role, peer, loopback FROM session_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, role, peer, loopback FROM message_sessions
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, role, peer, loopback FROM delivery_sessions
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, role, peer, loopback FROM session_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, role, peer, loopback FROM message_sessions
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, role, peer, loopback FROM delivery_sessions
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))) AS r
    WHERE (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY 1
),
inbound AS (
    SELECT r.ts / 900 AS q, count(*) AS n, sum(r.encrypted) AS encrypted
    FROM (SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
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
    SELECT d.ts / 900 AS q, count(*) AS n, sum(d.encrypted) AS encrypted
    FROM (SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))) AS d
    LEFT JOIN session_rows AS s ON s.id = d.tls_session_id AND :peer IS NOT NULL
    WHERE d.status = (SELECT id FROM texts WHERE value = 'sent')
      AND d.network_mailer <> 0
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR d.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR d.loopback = 0)
    GROUP BY 1
),
failures AS (
    SELECT r.ts / 900 AS q, count(*) AS n
    FROM (SELECT ts, host, mta, role, peer, kind, loopback FROM failure_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
          UNION ALL
          SELECT ts, host, mta, role, peer, kind, loopback FROM failure_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))) AS r
    WHERE r.kind IN (SELECT id FROM texts WHERE value IN ('accept_failed', 'connect_failed'))
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY 1
),
-- The same from the rollups, a row per UTC day.
rollup_events AS (
    SELECT day AS date, sessions AS session, 0 AS msg, 0 AS msg_enc, 0 AS dlv, 0 AS dlv_enc, 0 AS failure
    FROM rollup_sessions
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
      AND day >= coalesce((SELECT since_day FROM options), '') AND day < coalesce((SELECT until_day FROM options), '9999')
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR role = :role)
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
    UNION ALL
    SELECT day, 0, CASE direction WHEN 'inbound' THEN n ELSE 0 END, CASE direction WHEN 'inbound' THEN encrypted * n ELSE 0 END,
           CASE direction WHEN 'outbound' THEN n ELSE 0 END, CASE direction WHEN 'outbound' THEN encrypted * n ELSE 0 END, 0
    FROM rollup_traffic
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
      AND day >= coalesce((SELECT since_day FROM options), '') AND day < coalesce((SELECT until_day FROM options), '9999')
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR :role = CASE direction WHEN 'inbound' THEN 'server' ELSE 'client' END)
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
    UNION ALL
    SELECT day, 0, 0, 0, 0, 0, n
    FROM rollup_failures
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0)) AND kind IN ('accept_failed', 'connect_failed')
      AND day >= coalesce((SELECT since_day FROM options), '') AND day < coalesce((SELECT until_day FROM options), '9999')
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR role = :role)
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
),
events AS (
    SELECT date(q * 900, 'unixepoch', tz) AS date, n AS session, 0 AS msg, 0 AS msg_enc, 0 AS dlv, 0 AS dlv_enc,
           0 AS failure
    FROM sessions, options
    UNION ALL SELECT date(q * 900, 'unixepoch', tz), 0, n, encrypted, 0, 0, 0 FROM inbound, options
    UNION ALL SELECT date(q * 900, 'unixepoch', tz), 0, 0, 0, n, encrypted, 0 FROM outbound, options
    UNION ALL SELECT date(q * 900, 'unixepoch', tz), 0, 0, 0, 0, 0, n FROM failures, options
    UNION ALL SELECT * FROM rollup_events
),
days AS (
    SELECT date,
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
    LIMIT coalesce(:limit, 9223372036854775807)
)
SELECT * FROM days ORDER BY date;
