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
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged (read from the
--                    base tables: the rollups have no mta column)
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--
-- inbound_* and outbound_* follow rates.sql (rates unrounded here: check compares them exactly).
-- weak_sessions counts the sessions of weak.sql: version SSLv2, SSLv3, TLSv1 (TLSv1.0) or TLSv1.1
-- ('TLSv1/SSLv3' is judged by its cipher alone), or a cipher containing RC4, ARCFOUR, DES (3DES too),
-- NULL, EXP (EXPORT), ADH, AECDH, ANON or MD5 (any case), or fewer than 128 cipher bits.
-- plaintext_auth counts the summary's auth.plaintext_password: successful AUTH=server lines with
-- mechanism containing PLAIN or LOGIN and not over TLS (auth_events.encrypted) (the password crossed the wire in clear).
-- Speed: without --peer, whole UTC days come from the daily rollups (rollup_sessions, rollup_traffic,
-- rollup_auth) and only the seconds around them from the base tables (session_rows, ...: integer
-- times and text ids, the ts index); with --peer, the base tables for the whole period. One pass and
-- one aggregate per table; the weak versions and ciphers are found among the texts once.
WITH
-- The period in Unix seconds [lo, hi) and in UTC days: without --peer, the whole days inside it
-- [first_date, end_date) are counted from the daily rollups, the seconds before and after them
-- ([lo, a_end), [b_start, hi), less than a day each) from the base tables on their ts index.
period AS (
    SELECT lo, hi,
           CASE WHEN :since IS NULL THEN '' ELSE date(first_day * 86400, 'unixepoch') END AS first_date,
           CASE WHEN :until IS NULL THEN '9999' ELSE date(end_day * 86400, 'unixepoch') END AS end_date,
           CASE WHEN first_day >= end_day THEN hi WHEN :since IS NULL THEN lo ELSE first_day * 86400 END AS a_end,
           CASE WHEN first_day >= end_day OR :until IS NULL THEN hi ELSE end_day * 86400 END AS b_start
    FROM (SELECT coalesce(unixepoch(:since), -9223372036854775808) AS lo,
                 coalesce(unixepoch(:until), 9223372036854775807) AS hi,
                 coalesce((unixepoch(:since) + 86399) / 86400, -9223372036854775807) AS first_day,
                 coalesce(unixepoch(:until) / 86400, 9223372036854775807) AS end_day) AS sub1
),
sessions AS (
    SELECT count(*) AS n,
           sum(CASE WHEN r.version IN (SELECT id FROM texts WHERE value IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1'))
               OR r.cipher IN (SELECT id FROM texts WHERE value IN (
                   -- Every cipher stored is in the rollup (which prune keeps): a small table to search.
                   SELECT cipher FROM rollup_sessions
                   WHERE cipher LIKE '%RC4%' OR cipher LIKE '%ARCFOUR%' OR cipher LIKE '%DES%' OR cipher LIKE '%NULL%' OR cipher LIKE '%EXP%'
                      OR cipher LIKE '%ADH%' OR cipher LIKE '%AECDH%' OR cipher LIKE '%anon%' OR cipher LIKE '%MD5%'))
               OR r.cipher_bits < 128 THEN 1 ELSE 0 END) AS weak
    FROM (-- No bound and --peer: one pass over the table.
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM session_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM message_sessions
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM delivery_sessions
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          -- The whole days of a bounded period when the rollups cannot answer (--peer).
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM session_rows
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM message_sessions
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM delivery_sessions
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          -- The seconds before and after the whole days.
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM session_rows WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM message_sessions WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM delivery_sessions WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM session_rows WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM message_sessions WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT ts, host, mta, role, peer, version, cipher, cipher_bits, loopback FROM delivery_sessions WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS r
    WHERE (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
),
inbound AS (
    SELECT count(*) AS n, sum(r.encrypted) AS encrypted
    FROM (-- No bound and --peer: one pass over the table.
          SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          -- The whole days of a bounded period when the rollups cannot answer (--peer).
          SELECT ts, host, mta, peer, proto, encrypted, loopback FROM message_rows
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL)
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
),
outbound AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT count(*) AS n, sum(d.encrypted) AS encrypted
    FROM (-- No bound and --peer: one pass over the table.
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          -- The whole days of a bounded period when the rollups cannot answer (--peer).
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL)
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
),
-- Per mechanism id first: whether it sends a password is judged on its text.
auth_groups AS (
    SELECT r.mech, 1 - r.encrypted AS clear, count(*) AS n
    FROM (-- No bound and --peer: one pass over the table.
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM auth_rows
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM message_auth
          WHERE :since IS NULL AND :until IS NULL AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          -- The whole days of a bounded period when the rollups cannot answer (--peer).
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM auth_rows
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, success, peer, mech, encrypted, loopback FROM message_auth
          WHERE ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
            AND NOT (:since IS NULL AND :until IS NULL) AND NOT (:peer IS NULL AND :mta IS NULL)
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
-- The whole days from the daily rollups (none with --peer). The guards are written with parameters
-- only, so SQLite skips an arm not taken at once.
rollup_sessions_counted AS (
    SELECT coalesce(sum(sessions), 0) AS n,
           sum(CASE WHEN version IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1')
                         OR cipher LIKE '%RC4%' OR cipher LIKE '%ARCFOUR%' OR cipher LIKE '%DES%' OR cipher LIKE '%NULL%' OR cipher LIKE '%EXP%'
                         OR cipher LIKE '%ADH%' OR cipher LIKE '%AECDH%' OR cipher LIKE '%anon%' OR cipher LIKE '%MD5%'
                         OR (cipher_bits <> -1 AND cipher_bits < 128)
                    THEN sessions ELSE 0 END) AS weak
    FROM rollup_sessions
    WHERE :peer IS NULL AND :mta IS NULL
      AND day >= (SELECT first_date FROM period) AND day < (SELECT end_date FROM period)
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR role = :role)
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
),
rollup_traffic_counted AS (
    SELECT coalesce(sum(CASE direction WHEN 'inbound' THEN n END), 0) AS inbound,
           sum(CASE direction WHEN 'inbound' THEN encrypted * n END) AS inbound_encrypted,
           coalesce(sum(CASE direction WHEN 'outbound' THEN n END), 0) AS outbound,
           sum(CASE direction WHEN 'outbound' THEN encrypted * n END) AS outbound_encrypted
    FROM rollup_traffic
    WHERE :peer IS NULL AND :mta IS NULL
      AND day >= (SELECT first_date FROM period) AND day < (SELECT end_date FROM period)
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR :role = CASE direction WHEN 'inbound' THEN 'server' ELSE 'client' END)
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
),
rollup_auth_counted AS (
    SELECT coalesce(sum(n), 0) AS n, sum(CASE WHEN over_tls = 0 AND (mech LIKE '%PLAIN%' OR mech LIKE '%LOGIN%') THEN n ELSE 0 END) AS plaintext
    FROM rollup_auth
    WHERE :peer IS NULL AND :mta IS NULL AND role = 'server' AND success <> 0
      AND day >= (SELECT first_date FROM period) AND day < (SELECT end_date FROM period)
      AND glob(coalesce(:host, '*'), host)
      AND (:role IS NULL OR :role = 'server')
      AND (coalesce(:include_local, 0) <> 0 OR loopback = 0)
),
auth AS (
    SELECT coalesce(sum(g.n), 0) AS n,
           sum(CASE WHEN g.clear = 1 AND (coalesce(m.value, '') LIKE '%PLAIN%' OR coalesce(m.value, '') LIKE '%LOGIN%') THEN g.n ELSE 0 END) AS plaintext
    FROM auth_groups AS g LEFT JOIN texts AS m ON m.id = g.mech
)
SELECT inbound.n + rt.inbound AS inbound_messages,
       coalesce(inbound.encrypted, 0) + coalesce(rt.inbound_encrypted, 0) AS inbound_encrypted,
       1.0 * (coalesce(inbound.encrypted, 0) + coalesce(rt.inbound_encrypted, 0)) / nullif(inbound.n + rt.inbound, 0)
           AS inbound_rate,
       outbound.n + rt.outbound AS outbound_deliveries,
       coalesce(outbound.encrypted, 0) + coalesce(rt.outbound_encrypted, 0) AS outbound_encrypted,
       1.0 * (coalesce(outbound.encrypted, 0) + coalesce(rt.outbound_encrypted, 0)) / nullif(outbound.n + rt.outbound, 0)
           AS outbound_rate,
       sessions.n + rs.n AS sessions,
       coalesce(sessions.weak, 0) + coalesce(rs.weak, 0) AS weak_sessions,
       auth.n + ra.n AS auth,
       coalesce(auth.plaintext, 0) + coalesce(ra.plaintext, 0) AS plaintext_auth
FROM inbound, outbound, sessions, auth, rollup_sessions_counted AS rs, rollup_traffic_counted AS rt,
     rollup_auth_counted AS ra;
