-- PostgreSQL's copy of Queries/summary.sql (QueryLibrary runs it on a PostgreSQL store): the same figures.
-- Only these differ: json_build_object for json_object, rates as SQLite prints reals (sqlite_real), booleans
-- counted with ::int, no INDEXED BY. Change both files together (docs/reports.md, "Dialects").
-- summary: everything at a glance, as one JSON document (the `mailtls report --format json` output).
--
--   sqlite3 mailtls.db < Queries/summary.sql | jq .
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
--   :limit           at most this many peers_per_cipher entries and daily entries (the last days)
--
-- Stable keys (scripts rely on them: add keys, never rename): period.from/to, sessions.total,
-- sessions.by_role/by_version/by_cipher/by_verify, inbound.messages/encrypted/rate,
-- outbound.deliveries/encrypted/rate, peers_per_cipher[].role/cipher/peers/sessions,
-- handshake_failures, daily[].date/sessions/inbound_rate/outbound_rate, auth.total/over_tls/
-- plaintext_password, weak_sessions, by_mta.<mta>.*, notes[].
-- by_mta (only when more than one MTA has rows in the period): per MTA (sendmail, postfix, exim) the
-- headline figures: sessions.total/by_role, inbound and outbound as above, verify_ok_share.server/client
-- (OK or TRUSTED among the role's sessions), weak_sessions, auth.*, handshake_failures. notes (only
-- when there is one): what the figures cannot say, e.g. Postfix mail encrypted (disconnect ...
-- starttls=1, tls=) with no TLS line to give its version and cipher (smtpd_tls_loglevel 0).
-- by_version and by_cipher count both roles; by_verify groups as verify.sql does; a rate with no
-- denominator is null. Inbound, outbound and handshake failures follow rates.sql and failures.sql.
-- Speed: without --peer, --mta or --timezone, and with --since and --until unset or at midnight UTC, every
-- figure is read from the daily rollups kept at ingest (rollup_* tables; peers_per_cipher only when
-- neither is set: its rollup is not per day), so the answer does not grow with the raw rows. Otherwise
-- sessions come from the per-peer daily rollup (rollup_peer_sessions) for the whole days of the
-- period and from session_rows for the rest (all of it with --timezone), and mail, failures and AUTH
-- from the base tables (message_rows, ...: integer times, text ids, the ts index when a bound is
-- set), grouped by ids and by UTC day (quarter hour with :localtime) before texts are looked up. Each input
-- below is "weighted rows" (n) from one or the other; the branch not taken is skipped at once (its
-- WHERE is a constant false).
-- auth counts successful server AUTH rows (AUTH failures are not counted; one per SMTP session for
-- sendmail, one per message for Postfix and Exim, as their logs show it): over_tls is
-- auth_events.encrypted; plaintext_password is a mechanism containing PLAIN or LOGIN (any case: Exim's
-- authenticator names, dovecot_plain) without TLS (auth.sql's password_in_clear rows). weak_sessions
-- counts the sessions that weak.sql lists.
-- The guards that choose between rollups and rows are written out in each arm: SQLite skips an arm
-- at once only when its guard is made of parameters (a subquery there is tested on every row).
WITH
options AS (
    SELECT CASE WHEN (coalesce(:localtime, 0) <> 0) THEN 'localtime' ELSE '+0 days' END AS tz,
           -- Rows are counted per this many seconds before days are cut.
           CASE WHEN (coalesce(:localtime, 0) <> 0) THEN 900 ELSE 86400 END AS step,
           coalesce(date(:since), '') AS since_day, coalesce(date(:until), '9999') AS until_day
),
-- The period in Unix seconds [lo, hi) and in UTC days: the whole days inside it [first_day, end_day)
-- come from rollup_peer_sessions (unless days are cut in local time), the seconds before and after
-- them ([lo, a_end), [b_start, hi), less than a day each) from session_rows on its ts index.
period AS (
    SELECT lo, hi, first_day, end_day,
           CASE WHEN :since IS NULL THEN '' ELSE date(first_day * 86400, 'unixepoch') END AS first_date,
           CASE WHEN :until IS NULL THEN '9999' ELSE date(end_day * 86400, 'unixepoch') END AS end_date,
           CASE WHEN first_day >= end_day THEN hi WHEN :since IS NULL THEN lo ELSE first_day * 86400 END AS a_end,
           CASE WHEN first_day >= end_day OR :until IS NULL THEN hi ELSE end_day * 86400 END AS b_start
    FROM (SELECT coalesce(unixepoch(:since), -9223372036854775808) AS lo,
                 coalesce(unixepoch(:until), 9223372036854775807) AS hi,
                 coalesce((unixepoch(:since) + 86399) / 86400, -9223372036854775807) AS first_day,
                 coalesce(unixepoch(:until) / 86400, 9223372036854775807) AS end_day) AS sub1
),
-- Sessions of the period as weighted rows (n): b is the UTC day, or the quarter hour with :localtime.
session_src AS NOT MATERIALIZED (
    SELECT day AS b, host, NULL AS mta, role, nullif(peer, 0) AS peer, loopback, nullif(version, 0) AS version,
           nullif(cipher, 0) AS cipher, nullif(cipher_bits, -1) AS cipher_bits, nullif(verify, 0) AS verify,
           sessions AS n, first_ts AS first, last_ts AS last
    FROM rollup_peer_sessions
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL) AND NOT (coalesce(:localtime, 0) <> 0)
      AND :mta IS NULL
      AND day >= (SELECT first_day FROM period) AND day < (SELECT end_day FROM period)
    UNION ALL
    SELECT ts / (SELECT step FROM options), host, mta, role, peer, loopback, version, cipher, cipher_bits, verify, 1, ts, ts
    FROM session_rows
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL) AND ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
    UNION ALL
    SELECT ts / (SELECT step FROM options), host, mta, role, peer, loopback, version, cipher, cipher_bits, verify, 1, ts, ts
    FROM message_sessions
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL) AND ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
    UNION ALL
    SELECT ts / (SELECT step FROM options), host, mta, role, peer, loopback, version, cipher, cipher_bits, verify, 1, ts, ts
    FROM delivery_sessions
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL) AND ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
    UNION ALL
    SELECT ts / (SELECT step FROM options), host, mta, role, peer, loopback, version, cipher, cipher_bits, verify, 1, ts, ts
    FROM session_rows
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL) AND ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
    UNION ALL
    SELECT ts / (SELECT step FROM options), host, mta, role, peer, loopback, version, cipher, cipher_bits, verify, 1, ts, ts
    FROM message_sessions
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL) AND ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
    UNION ALL
    SELECT ts / (SELECT step FROM options), host, mta, role, peer, loopback, version, cipher, cipher_bits, verify, 1, ts, ts
    FROM delivery_sessions
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL) AND ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
    UNION ALL
    SELECT ts / (SELECT step FROM options), host, mta, role, peer, loopback, version, cipher, cipher_bits, verify, 1, ts, ts
    FROM session_rows
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL)
      AND ((coalesce(:localtime, 0) <> 0) OR :mta IS NOT NULL) AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
    UNION ALL
    SELECT ts / (SELECT step FROM options), host, mta, role, peer, loopback, version, cipher, cipher_bits, verify, 1, ts, ts
    FROM message_sessions
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL)
      AND ((coalesce(:localtime, 0) <> 0) OR :mta IS NOT NULL) AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
    UNION ALL
    SELECT ts / (SELECT step FROM options), host, mta, role, peer, loopback, version, cipher, cipher_bits, verify, 1, ts, ts
    FROM delivery_sessions
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL)
      AND ((coalesce(:localtime, 0) <> 0) OR :mta IS NOT NULL) AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
),
session_groups AS (
    SELECT r.b, r.role, r.version, r.cipher, r.cipher_bits, r.verify, sum(r.n) AS n, min(r.first) AS first,
           max(r.last) AS last
    FROM session_src AS r
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY 1, 2, 3, 4, 5, 6
),
sessions AS (
    SELECT day, first_ts AS ts, last_ts, role, version, cipher, nullif(cipher_bits, -1) AS cipher_bits,
           CASE WHEN verify IN ('OK', 'FAIL', 'NO', 'NOT', 'TRUSTED') OR glob('DANE_*', verify) THEN verify
                ELSE 'other' END AS verify, sessions AS n
    FROM rollup_sessions
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)
                 AND (:since IS NULL OR unixepoch(:since) % 86400 = 0)
                 AND (:until IS NULL OR unixepoch(:until) % 86400 = 0))
      AND day >= (SELECT since_day FROM options) AND day < (SELECT until_day FROM options)
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR role = :role)
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
    UNION ALL
    SELECT date(g.b * o.step, 'unixepoch', o.tz), strftime('%Y-%m-%dT%H:%M:%SZ', g.first, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%SZ', g.last, 'unixepoch'), ro.value,
           coalesce(v.value, 'unknown'), coalesce(c.value, 'unknown'), g.cipher_bits,
           CASE WHEN vf.value IN ('OK', 'FAIL', 'NO', 'NOT', 'TRUSTED') OR glob('DANE_*', vf.value) THEN vf.value
                ELSE 'other' END, g.n
    FROM options AS o, session_groups AS g
    JOIN texts AS ro ON ro.id = g.role
    LEFT JOIN texts AS v ON v.id = g.version
    LEFT JOIN texts AS c ON c.id = g.cipher
    LEFT JOIN texts AS vf ON vf.id = g.verify
),
-- Sessions per (role, cipher, peer): distinct peers.
peer_groups AS (
    SELECT r.role, r.cipher, r.peer, min(r.cipher_bits) AS cipher_bits, sum(r.n) AS n
    FROM session_src AS r
    WHERE NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL)
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.role, r.cipher, r.peer
),
peer_sessions AS (
    SELECT role, cipher, nullif(peer, '') AS peer, nullif(cipher_bits, -1) AS cipher_bits, sessions AS n
    FROM rollup_peer_ciphers
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0) AND :since IS NULL AND :until IS NULL)
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR role = :role)
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
    UNION ALL
    SELECT ro.value, coalesce(c.value, 'unknown'), p.value, g.cipher_bits, g.n
    FROM peer_groups AS g
    JOIN texts AS ro ON ro.id = g.role
    LEFT JOIN texts AS c ON c.id = g.cipher
    LEFT JOIN texts AS p ON p.id = g.peer
),
inbound_groups AS (
    SELECT r.ts / (SELECT step FROM options) AS b, r.encrypted, count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
    FROM (-- Without a bound and not mixed: one pass over the table.
          SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          -- The whole days of a bounded period when they are not read from the rollups.
          SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          -- The seconds before and after the whole days.
          SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS r
    WHERE r.proto IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY 1, 2
),
inbound AS (
    SELECT day, first_ts AS ts, last_ts, encrypted, n
    FROM rollup_traffic
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)) AND direction = 'inbound'
      AND day >= (SELECT first_date FROM period) AND day < (SELECT end_date FROM period)
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR :role = 'server')
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
    UNION ALL
    SELECT date(g.b * o.step, 'unixepoch', o.tz), strftime('%Y-%m-%dT%H:%M:%SZ', g.first, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%SZ', g.last, 'unixepoch'), g.encrypted, g.n
    FROM inbound_groups AS g, options AS o
),
outbound_groups AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT d.ts / (SELECT step FROM options) AS b, d.encrypted AS encrypted, count(*) AS n,
           min(d.ts) AS first, max(d.ts) AS last
    FROM (-- Without a bound and not mixed: one pass over the table.
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          -- The whole days of a bounded period when they are not read from the rollups.
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          -- The seconds before and after the whole days.
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS d
    LEFT JOIN session_rows AS s ON s.id = d.tls_session_id AND :peer IS NOT NULL
    WHERE d.status = (SELECT id FROM texts WHERE value = 'sent')
      AND d.network_mailer <> 0
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR d.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR d.loopback = 0)
    GROUP BY 1, 2
),
outbound AS (
    SELECT day, first_ts AS ts, last_ts, encrypted, n
    FROM rollup_traffic
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)) AND direction = 'outbound'
      AND day >= (SELECT first_date FROM period) AND day < (SELECT end_date FROM period)
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR :role = 'client')
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
    UNION ALL
    SELECT date(g.b * o.step, 'unixepoch', o.tz), strftime('%Y-%m-%dT%H:%M:%SZ', g.first, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%SZ', g.last, 'unixepoch'), g.encrypted, g.n
    FROM outbound_groups AS g, options AS o
),
failure_groups AS (
    SELECT r.ts / (SELECT step FROM options) AS b, r.kind, count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
    FROM (-- Without a bound and not mixed: one pass over the table.
          SELECT ts, host, mta, role, peer, kind, loopback FROM failure_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          -- The whole days of a bounded period when they are not read from the rollups.
          SELECT ts, host, mta, role, peer, kind, loopback FROM failure_rows
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          -- The seconds before and after the whole days.
          SELECT ts, host, mta, role, peer, kind, loopback FROM failure_rows WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts, host, mta, role, peer, kind, loopback FROM failure_rows WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS r
    WHERE 1 = 1
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY 1, 2
),
failures AS (
    SELECT day, first_ts AS ts, last_ts, kind, n
    FROM rollup_failures
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
      AND day >= (SELECT first_date FROM period) AND day < (SELECT end_date FROM period)
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR role = :role)
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
    UNION ALL
    SELECT date(g.b * o.step, 'unixepoch', o.tz), strftime('%Y-%m-%dT%H:%M:%SZ', g.first, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%SZ', g.last, 'unixepoch'), k.value, g.n
    FROM options AS o, failure_groups AS g
    JOIN texts AS k ON k.id = g.kind
),
handshake_failures AS (
    SELECT day, ts, n FROM failures WHERE kind IN ('accept_failed', 'connect_failed')
),
auth_groups AS (
    SELECT r.mech, r.encrypted AS over_tls, count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
    FROM (-- Without a bound and not mixed: one pass over the table.
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM auth_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM message_auth
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          -- The whole days of a bounded period when they are not read from the rollups.
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM auth_rows
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM message_auth
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0))
          UNION ALL
          -- The seconds before and after the whole days.
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM auth_rows WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM message_auth WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM auth_rows WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM message_auth WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS r
    WHERE r.role = (SELECT id FROM texts WHERE value = 'server') AND r.success <> 0
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY 1, 2
),
auth AS (
    SELECT first_ts AS ts, last_ts, over_tls, (mech LIKE '%PLAIN%' OR mech LIKE '%LOGIN%') AS sends_password, n
    FROM rollup_auth
    WHERE (:peer IS NULL AND :mta IS NULL AND NOT (coalesce(:localtime, 0) <> 0)) AND role = 'server' AND success <> 0
      AND day >= (SELECT first_date FROM period) AND day < (SELECT end_date FROM period)
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR :role = 'server')
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
    UNION ALL
    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', g.first, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%SZ', g.last, 'unixepoch'), g.over_tls, (coalesce(m.value, '') LIKE '%PLAIN%' OR coalesce(m.value, '') LIKE '%LOGIN%'), g.n
    FROM auth_groups AS g LEFT JOIN texts AS m ON m.id = g.mech
),
-- The definition of weak.sql.
weak_sessions AS (
    SELECT day, n FROM sessions
    WHERE version IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1')
       OR cipher LIKE '%RC4%' OR cipher LIKE '%ARCFOUR%' OR cipher LIKE '%DES%' OR cipher LIKE '%NULL%' OR cipher LIKE '%EXP%'
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
    LIMIT coalesce(:limit, 9223372036854775807)
),
peers_per_cipher AS (
    SELECT role, cipher, min(cipher_bits) AS bits, count(DISTINCT peer) AS peers, sum(n) AS sessions
    FROM peer_sessions
    GROUP BY role, cipher
    ORDER BY CASE role WHEN 'server' THEN 0 ELSE 1 END, sessions DESC, cipher
    LIMIT coalesce(:limit, 9223372036854775807)
),
-- Per MTA (by_mta, notes): the other MTAs' figures are read from their rows of the period (through the
-- partial indexes on mta <> 0, named with INDEXED BY: the planner would rather walk the ts index
-- through every row of the period; the rollups have no mta column), and sendmail's are the rest of the
-- summary's; only when the store holds rows of an MTA other than sendmail (`others`). Figures follow
-- the definitions above.
others AS (
    SELECT EXISTS (SELECT 1 FROM session_rows WHERE mta <> 0) OR EXISTS (SELECT 1 FROM message_rows WHERE mta <> 0)
           OR EXISTS (SELECT 1 FROM delivery_rows WHERE mta <> 0) OR EXISTS (SELECT 1 FROM auth_rows WHERE mta <> 0)
           OR EXISTS (SELECT 1 FROM failure_rows WHERE mta <> 0) AS present
),
-- The texts of the versions and ciphers weak.sql calls weak (every cipher stored is in rollup_sessions).
weak_texts AS MATERIALIZED (
    SELECT id FROM texts WHERE value IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1')
    UNION
    SELECT id FROM texts WHERE value IN (
        SELECT cipher FROM rollup_sessions
        WHERE cipher LIKE '%RC4%' OR cipher LIKE '%ARCFOUR%' OR cipher LIKE '%DES%' OR cipher LIKE '%NULL%'
           OR cipher LIKE '%EXP%' OR cipher LIKE '%ADH%' OR cipher LIKE '%AECDH%' OR cipher LIKE '%anon%'
           OR cipher LIKE '%MD5%')
),
mta_sessions AS MATERIALIZED (
    SELECT r.mta, count(*) AS n,
           sum((r.role = (SELECT id FROM texts WHERE value = 'server'))::int) AS server,
           sum((r.role = (SELECT id FROM texts WHERE value = 'client'))::int) AS client,
           sum((r.role = (SELECT id FROM texts WHERE value = 'server')
               AND r.verify IN (SELECT id FROM texts WHERE value IN ('OK', 'TRUSTED')))::int) AS server_ok,
           sum((r.role = (SELECT id FROM texts WHERE value = 'client')
               AND r.verify IN (SELECT id FROM texts WHERE value IN ('OK', 'TRUSTED')))::int) AS client_ok,
           sum(CASE WHEN r.version IN (SELECT id FROM weak_texts) OR r.cipher IN (SELECT id FROM weak_texts) OR r.cipher_bits < 128 THEN 1 ELSE 0 END) AS weak
    -- Sessions in session_rows and those that live on message and delivery rows (all_session_rows),
    -- each arm on its ts index.
    FROM (SELECT mta, host, role, peer, version, verify, cipher, cipher_bits, loopback FROM session_rows
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT hi FROM period) AND mta <> 0
          UNION ALL
          SELECT mta, host, role, peer, version, verify, cipher, cipher_bits, loopback FROM message_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT hi FROM period) AND mta <> 0
          UNION ALL
          SELECT mta, host, role, peer, version, verify, cipher, cipher_bits, loopback FROM delivery_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT hi FROM period) AND mta <> 0) AS r
    WHERE (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND r.mta <> 0
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.mta
),
mta_inbound AS MATERIALIZED (
    SELECT r.mta, count(*) AS n, sum(r.encrypted) AS encrypted,
           sum((r.encrypted = 1 AND r.tls_session_id IS NULL)::int) AS without_session
    FROM message_rows AS r
    WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT hi FROM period)
      AND r.proto IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND r.mta <> 0
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.mta
),
mta_outbound AS MATERIALIZED (
    SELECT d.mta, count(*) AS n, sum(d.encrypted) AS encrypted,
           sum((d.encrypted = 1 AND d.tls_session_id IS NULL)::int) AS without_session
    FROM delivery_rows AS d
    LEFT JOIN session_rows AS s ON s.id = d.tls_session_id AND :peer IS NOT NULL
    WHERE d.ts >= (SELECT lo FROM period) AND d.ts < (SELECT hi FROM period)
      AND d.status = (SELECT id FROM texts WHERE value = 'sent')
      AND d.network_mailer <> 0
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR d.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND d.mta <> 0
      AND (coalesce(:include_local, 0) <> 0 OR d.loopback = 0)
    GROUP BY d.mta
),
mta_auth AS MATERIALIZED (
    SELECT r.mta, count(*) AS n, sum(r.encrypted) AS over_tls,
           sum((r.encrypted = 0 AND (coalesce(m.value, '') LIKE '%PLAIN%' OR coalesce(m.value, '') LIKE '%LOGIN%'))::int) AS plaintext
    -- AUTH in auth_rows and AUTH that lives on message rows (all_auth_rows), each arm on its ts index.
    FROM (SELECT mta, host, role, success, peer, mech, encrypted, loopback FROM auth_rows
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT hi FROM period) AND mta <> 0
          UNION ALL
          SELECT mta, host, role, success, peer, mech, encrypted, loopback FROM message_auth
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT hi FROM period) AND mta <> 0) AS r
    LEFT JOIN texts AS m ON m.id = r.mech
    WHERE true
      AND r.role = (SELECT id FROM texts WHERE value = 'server') AND r.success <> 0
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND r.mta <> 0
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.mta
),
mta_failures AS MATERIALIZED (
    SELECT r.mta, count(*) AS n
    FROM failure_rows AS r
    WHERE r.ts >= (SELECT lo FROM period) AND r.ts < (SELECT hi FROM period)
      AND r.kind IN (SELECT id FROM texts WHERE value IN ('accept_failed', 'connect_failed'))
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND r.mta <> 0
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.mta
),
-- The summary's figures, all MTAs together.
base AS MATERIALIZED (
    SELECT json_build_object(
    'period', json_build_object(
        'from', (SELECT min(ts) FROM activity),
        'to', (SELECT max(last_ts) FROM activity)),
    'sessions', json_build_object(
        'total', (SELECT coalesce(sum(n), 0) FROM sessions),
        'peers', (SELECT count(DISTINCT peer) FROM peer_sessions),
        'by_role', json_build_object(
            'server', (SELECT coalesce(sum(n), 0) FROM sessions WHERE role = 'server'),
            'client', (SELECT coalesce(sum(n), 0) FROM sessions WHERE role = 'client')),
        'by_version', json((SELECT json_group_object(version, n) FROM (
            SELECT version, sum(n) AS n FROM sessions GROUP BY version ORDER BY n DESC, version) AS sub2)),
        'by_cipher', json((SELECT json_group_object(cipher, n) FROM (
            SELECT cipher, sum(n) AS n FROM sessions GROUP BY cipher ORDER BY n DESC, cipher) AS sub3)),
        'by_verify', json_build_object(
            'server', json((SELECT json_group_object(verify, n) FROM (
                SELECT verify, sum(n) AS n FROM sessions WHERE role = 'server'
                GROUP BY verify ORDER BY n DESC, verify) AS sub4)),
            'client', json((SELECT json_group_object(verify, n) FROM (
                SELECT verify, sum(n) AS n FROM sessions WHERE role = 'client'
                GROUP BY verify ORDER BY n DESC, verify) AS sub5)))),
    'inbound', json((SELECT json_build_object(
        'messages', coalesce(sum(n), 0),
        'encrypted', coalesce(sum(encrypted * n), 0),
        'rate', sqlite_real(round(1.0 * sum(encrypted * n) / nullif(sum(n), 0), 4))) FROM inbound)),
    'outbound', json((SELECT json_build_object(
        'deliveries', coalesce(sum(n), 0),
        'encrypted', coalesce(sum(encrypted * n), 0),
        'rate', sqlite_real(round(1.0 * sum(encrypted * n) / nullif(sum(n), 0), 4))) FROM outbound)),
    'handshake_failures', (SELECT coalesce(sum(n), 0) FROM handshake_failures),
    'ruleset_rejects', (SELECT coalesce(sum(n), 0) FROM failures WHERE kind = 'ruleset_reject'),
    'tls_io_errors', (SELECT coalesce(sum(n), 0) FROM failures WHERE kind IN ('read_error', 'write_error')),
    'auth', json((SELECT json_build_object(
        'total', coalesce(sum(n), 0),
        'over_tls', coalesce(sum(over_tls * n), 0),
        'plaintext_password', coalesce(sum((over_tls = 0 AND sends_password)::int * n), 0)) FROM auth)),
    'weak_sessions', (SELECT coalesce(sum(n), 0) FROM weak_sessions),
    'peers_per_cipher', json((SELECT json_group_array(json_build_object(
        'role', role, 'cipher', cipher, 'bits', bits, 'peers', peers, 'sessions', sessions))
        FROM peers_per_cipher)),
    'daily', json((SELECT json_group_array(json_build_object(
        'date', date, 'sessions', sessions,
        'inbound_messages', inbound_messages, 'inbound_encrypted', inbound_encrypted, 'inbound_rate', sqlite_real(inbound_rate),
        'outbound_deliveries', outbound_deliveries, 'outbound_encrypted', outbound_encrypted,
        'outbound_rate', sqlite_real(outbound_rate), 'handshake_failures', handshake_failures))
        FROM (SELECT * FROM daily ORDER BY date) AS sub6))
) AS doc
),
other_figures AS MATERIALIZED (
    SELECT m.id, m.name,
           coalesce(s.n, 0) AS sessions, coalesce(s.server, 0) AS server, coalesce(s.client, 0) AS client,
           s.server_ok, s.client_ok, coalesce(s.weak, 0) AS weak,
           coalesce(i.n, 0) AS messages, coalesce(i.encrypted, 0) AS messages_encrypted, coalesce(i.without_session, 0) AS messages_without_session,
           coalesce(o.n, 0) AS deliveries, coalesce(o.encrypted, 0) AS deliveries_encrypted, coalesce(o.without_session, 0) AS deliveries_without_session,
           coalesce(a.n, 0) AS auth, coalesce(a.over_tls, 0) AS auth_over_tls, coalesce(a.plaintext, 0) AS auth_plaintext,
           coalesce(f.n, 0) AS failures
    FROM mtas AS m
    LEFT JOIN mta_sessions AS s ON s.mta = m.id
    LEFT JOIN mta_inbound AS i ON i.mta = m.id
    LEFT JOIN mta_outbound AS o ON o.mta = m.id
    LEFT JOIN mta_auth AS a ON a.mta = m.id
    LEFT JOIN mta_failures AS f ON f.mta = m.id
    WHERE s.mta IS NOT NULL OR i.mta IS NOT NULL OR o.mta IS NOT NULL OR a.mta IS NOT NULL OR f.mta IS NOT NULL
),
-- The UTC day of the oldest row kept: `prune` deletes rows and keeps the rollups, so days before it
-- are in the summary's figures (from the rollups) but in no MTA's rows.
kept AS (
    -- (Days cut in local time come from the rows only: nothing to leave out.)
    SELECT CASE WHEN (coalesce(:localtime, 0) <> 0) THEN '' ELSE date(min(first), 'unixepoch') END AS first_date
    FROM (SELECT min(ts) AS first FROM session_rows UNION ALL SELECT min(ts) FROM message_rows
          UNION ALL SELECT min(ts) FROM delivery_rows UNION ALL SELECT min(ts) FROM auth_rows
          UNION ALL SELECT min(ts) FROM failure_rows) AS sub9
),
-- The summary's figures as numbers, over the days whose rows are kept, for sendmail's row below: from
-- the same CTEs as `base`, not read back from its JSON. SQLite copies a CTE's whole definition at each
-- place that names it, even a materialized one, and `base` holds some forty subqueries: naming it from
-- here (by_mta and notes reach this through mta_figures) made preparing the statement take 0.08 s
-- instead of 0.02. One pass over each CTE: each name is a copy too. (A day that `prune` cut in two
-- still counts whole here.)
totals AS MATERIALIZED (
    SELECT s.sessions, s.server, s.client, s.server_ok, s.client_ok, w.weak, i.messages, i.messages_encrypted,
           o.deliveries, o.deliveries_encrypted, a.auth, a.auth_over_tls, a.auth_plaintext, f.failures
    FROM (SELECT coalesce(sum(n), 0) AS sessions,
                 coalesce(sum(CASE WHEN role = 'server' THEN n ELSE 0 END), 0) AS server,
                 coalesce(sum(CASE WHEN role = 'client' THEN n ELSE 0 END), 0) AS client,
                 coalesce(sum(CASE WHEN role = 'server' AND verify IN ('OK', 'TRUSTED') THEN n ELSE 0 END), 0) AS server_ok,
                 coalesce(sum(CASE WHEN role = 'client' AND verify IN ('OK', 'TRUSTED') THEN n ELSE 0 END), 0) AS client_ok
          FROM sessions WHERE day >= (SELECT first_date FROM kept)) AS s,
         (SELECT coalesce(sum(n), 0) AS weak FROM weak_sessions WHERE day >= (SELECT first_date FROM kept)) AS w,
         (SELECT coalesce(sum(n), 0) AS messages, coalesce(sum(encrypted * n), 0) AS messages_encrypted
          FROM inbound WHERE day >= (SELECT first_date FROM kept)) AS i,
         (SELECT coalesce(sum(n), 0) AS deliveries, coalesce(sum(encrypted * n), 0) AS deliveries_encrypted
          FROM outbound WHERE day >= (SELECT first_date FROM kept)) AS o,
         (SELECT coalesce(sum(n), 0) AS auth, coalesce(sum(over_tls * n), 0) AS auth_over_tls,
                 coalesce(sum((over_tls = 0 AND sends_password)::int * n), 0) AS auth_plaintext
          FROM auth WHERE substr(ts, 1, 10) >= (SELECT first_date FROM kept)) AS a,
         (SELECT coalesce(sum(n), 0) AS failures FROM handshake_failures WHERE day >= (SELECT first_date FROM kept)) AS f
),
-- sendmail's figures: the whole summary's less the other MTAs' (so its rows are never read one by one).
mta_figures AS MATERIALIZED (
    SELECT * FROM other_figures
    UNION ALL
    SELECT 0, (SELECT name FROM mtas WHERE id = 0),
           t.sessions - o.sessions, t.server - o.server, t.client - o.client,
           t.server_ok - o.server_ok, t.client_ok - o.client_ok, t.weak - o.weak,
           t.messages - o.messages, t.messages_encrypted - o.messages_encrypted, 0,
           t.deliveries - o.deliveries, t.deliveries_encrypted - o.deliveries_encrypted, 0,
           t.auth - o.auth, t.auth_over_tls - o.auth_over_tls, t.auth_plaintext - o.auth_plaintext,
           t.failures - o.failures
    FROM totals AS t,
         (SELECT coalesce(sum(sessions), 0) AS sessions, coalesce(sum(server), 0) AS server, coalesce(sum(client), 0) AS client,
                 coalesce(sum(server_ok), 0) AS server_ok, coalesce(sum(client_ok), 0) AS client_ok, coalesce(sum(weak), 0) AS weak,
                 coalesce(sum(messages), 0) AS messages, coalesce(sum(messages_encrypted), 0) AS messages_encrypted,
                 coalesce(sum(deliveries), 0) AS deliveries, coalesce(sum(deliveries_encrypted), 0) AS deliveries_encrypted,
                 coalesce(sum(auth), 0) AS auth, coalesce(sum(auth_over_tls), 0) AS auth_over_tls,
                 coalesce(sum(auth_plaintext), 0) AS auth_plaintext, coalesce(sum(failures), 0) AS failures
          FROM other_figures) AS o
    WHERE t.sessions > o.sessions OR t.messages > o.messages OR t.deliveries > o.deliveries OR t.auth > o.auth
       OR t.failures > o.failures
),
-- by_mta: only when more than one MTA has rows in the period (else it would repeat the figures above).
by_mta AS (
    SELECT CASE WHEN (SELECT present FROM others) THEN
        (SELECT CASE WHEN count(*) > 1 THEN json_group_object(name, json(figures)) END FROM (
            SELECT name, json_build_object(
                'sessions', json_build_object('total', sessions, 'by_role', json_build_object('server', server, 'client', client)),
                'inbound', json_build_object('messages', messages, 'encrypted', messages_encrypted,
                                       'rate', sqlite_real(round(1.0 * messages_encrypted / nullif(messages, 0), 4))),
                'outbound', json_build_object('deliveries', deliveries, 'encrypted', deliveries_encrypted,
                                        'rate', sqlite_real(round(1.0 * deliveries_encrypted / nullif(deliveries, 0), 4))),
                'verify_ok_share', json_build_object('server', sqlite_real(round(1.0 * server_ok / nullif(server, 0), 4)),
                                               'client', sqlite_real(round(1.0 * client_ok / nullif(client, 0), 4))),
                'weak_sessions', weak,
                'auth', json_build_object('total', auth, 'over_tls', auth_over_tls, 'plaintext_password', auth_plaintext),
                'handshake_failures', failures) AS figures
            FROM mta_figures ORDER BY id) AS sub7)
    END AS doc
),
-- notes: what the figures cannot say. Postfix logs no TLS line at its default smtpd_tls_loglevel = 0
-- (nor smtp_tls_loglevel = 0 outbound): its mail is known encrypted (disconnect ... starttls=1, tls=)
-- without a session to give the version and cipher.
notes AS (
    SELECT CASE WHEN (SELECT present FROM others) THEN
        (SELECT CASE WHEN count(*) > 0 THEN json_group_array(note) END FROM (
            -- The per-MTA figures come from rows: days whose rows prune removed are in the totals
            -- only (from the daily rollups), which the table would not say.
            SELECT 0 AS k, 'per MTA: the figures leave out the days before ' || kept.first_date
                   || ', whose rows prune removed (the totals count them from the daily rollups)' AS note
            FROM kept
            WHERE kept.first_date <> '' AND EXISTS (
                SELECT 1 FROM sessions WHERE day < kept.first_date UNION ALL
                SELECT 1 FROM inbound WHERE day < kept.first_date UNION ALL
                SELECT 1 FROM outbound WHERE day < kept.first_date)
            UNION ALL
            SELECT k.k, name || ': TLS versions and ciphers are unknown for '
                   || CASE k.k WHEN 1 THEN messages_without_session || ' inbound message'
                                           || CASE messages_without_session WHEN 1 THEN '' ELSE 's' END
                               ELSE deliveries_without_session || ' outbound deliver'
                                    || CASE deliveries_without_session WHEN 1 THEN 'y' ELSE 'ies' END END
                   || ' encrypted without a TLS line in the log (Postfix logs none at '
                   || CASE k.k WHEN 1 THEN 'smtpd' ELSE 'smtp' END || '_tls_loglevel 0); to log them: '
                   || 'postconf -e smtpd_tls_loglevel=1 smtp_tls_loglevel=1 && postfix reload' AS note
            -- One pass over mta_figures (each place that names it costs SQLite a copy of it): k 1 is
            -- the inbound note, k 2 the outbound one.
            FROM mta_figures, (SELECT 1 AS k UNION ALL SELECT 2) AS k
            WHERE name = 'postfix'
              AND ((k.k = 1 AND messages_without_session > 0) OR (k.k = 2 AND deliveries_without_session > 0))
            ORDER BY 1) AS sub8)
    END AS doc
)

SELECT CASE WHEN notes.doc IS NULL THEN d.doc ELSE json_set(d.doc, '$.notes', json(notes.doc)) END AS summary
FROM (SELECT CASE WHEN by_mta.doc IS NULL THEN base.doc ELSE json_set(base.doc, '$.by_mta', json(by_mta.doc)) END AS doc
      FROM by_mta, base) AS d, notes;
