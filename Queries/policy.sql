-- policy: TLS policy suggestions for outbound mail, to review (nothing is applied): peers that
-- verified on every session, as sendmail access-db and Postfix smtp_tls_policy_maps lines; then the
-- peers that never offered STARTTLS, to contact.
--
--   sqlite3 -header -column mailtls.db < Queries/policy.sql
--   sqlite3 -json -cmd ".param set :min 10" mailtls.db < Queries/policy.sql \
--       | jq -r '.[] | select(.action == "enforce") | .sendmail'
--
-- Parameters (all optional; unset means no filter):
--   :min             the fewest outbound TLS sessions an 'enforce' peer needs (default 3)
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            only 'client' (outbound) has rows; 'server' gives none
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged (read from the
--                    base tables: the rollups have no mta column)
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- action 'enforce': an outbound peer (STARTTLS=client sessions) whose every session in the period
-- had verify OK or TRUSTED (DANE), with at least :min sessions. sendmail is the access-db line
-- 'TLS_Srv:<peer> VERIFY:128' (VERIFY alone when some session had fewer than 128 cipher bits);
-- postfix is the smtp_tls_policy_maps line '<peer> verify' (Postfix looks the table up by next-hop
-- destination: a recipient domain, or [host] for a relayhost or transport; adjust the key to
-- yours). clear_deliveries (deliveries to the peer without TLS) and handshake_failures
-- (connect failed with it) are what the policy would have deferred: look at them first.
-- action 'contact': an outbound peer with deliveries in the period, none of them encrypted, and no
-- TLS session or handshake failure with it: it never offered STARTTLS. Deliveries follow rates.sql.
-- Speed: sessions over whole UTC days (or all time) come from rollup_peer_sessions (per day, peer,
-- version, verify, cipher), the rest from the base tables (session_rows, ...: integer times and text ids; the ts index when
-- :since or :until is set), grouped by peer id; texts are looked up only for the groups.
WITH
-- The period in Unix seconds [lo, hi) and in UTC days: the whole days inside it [first_day, end_day)
-- come from rollup_peer_sessions, the seconds before and after them ([lo, a_end), [b_start, hi),
-- less than a day each) from session_rows on its ts index.
period AS (
    SELECT lo, hi, first_day, end_day,
           CASE WHEN first_day >= end_day THEN hi WHEN :since IS NULL THEN lo ELSE first_day * 86400 END AS a_end,
           CASE WHEN first_day >= end_day OR :until IS NULL THEN hi ELSE end_day * 86400 END AS b_start
    FROM (SELECT coalesce(unixepoch(:since), -9223372036854775808) AS lo,
                 coalesce(unixepoch(:until), 9223372036854775807) AS hi,
                 coalesce((unixepoch(:since) + 86399) / 86400, -9223372036854775807) AS first_day,
                 coalesce(unixepoch(:until) / 86400, 9223372036854775807) AS end_day) AS sub1
),
-- Outbound sessions per peer and verify result.
session_groups AS (
    SELECT r.peer, r.verify, sum(r.n) AS n, min(r.cipher_bits) AS min_bits, max(r.last) AS last
    FROM (-- Whole UTC days from the per-peer rollup, weighted by n; the rest of the period from the rows.
          SELECT host, NULL AS mta, role, nullif(peer, 0) AS peer, loopback, nullif(verify, 0) AS verify, nullif(cipher_bits, -1) AS cipher_bits, sessions AS n, first_ts AS first, last_ts AS last
          FROM rollup_peer_sessions
          WHERE :mta IS NULL AND day >= (SELECT first_day FROM period) AND day < (SELECT end_day FROM period)
          UNION ALL
          -- With --mta (the rollup has no mta column) the whole days too come from the rows.
          SELECT host, mta, role, peer, loopback, verify, cipher_bits, 1, ts, ts FROM session_rows
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, verify, cipher_bits, 1, ts, ts FROM message_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, verify, cipher_bits, 1, ts, ts FROM delivery_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, verify, cipher_bits, 1, ts, ts FROM session_rows
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, verify, cipher_bits, 1, ts, ts FROM message_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, verify, cipher_bits, 1, ts, ts FROM delivery_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, verify, cipher_bits, 1, ts, ts FROM session_rows
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, verify, cipher_bits, 1, ts, ts FROM message_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, verify, cipher_bits, 1, ts, ts FROM delivery_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS r
    WHERE r.role = (SELECT id FROM texts WHERE value = 'client') AND r.peer IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.peer, r.verify
),
sessions AS (
    SELECT g.peer, v.value AS verify, g.n, g.min_bits, g.last
    FROM session_groups AS g LEFT JOIN texts AS v ON v.id = g.verify
),
mail AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT coalesce(s.peer, d.peer) AS peer, count(*) AS deliveries, sum(d.encrypted) AS encrypted,
           max(d.ts) AS last_seen
    FROM (SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, peer, status, network_mailer, tls_session_id, encrypted, loopback FROM delivery_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS d
    LEFT JOIN session_rows AS s ON s.id = d.tls_session_id
    WHERE d.status = (SELECT id FROM texts WHERE value = 'sent')
      AND d.peer IS NOT NULL
      AND d.network_mailer <> 0
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR d.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR d.loopback = 0)
    GROUP BY 1
),
failed AS (
    SELECT r.peer, count(*) AS handshake_failures
    FROM (SELECT ts, host, mta, peer, kind, loopback FROM failure_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, peer, kind, loopback FROM failure_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE r.kind = (SELECT id FROM texts WHERE value = 'connect_failed') AND r.peer IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.peer
),

tls_peers AS (
    SELECT peer, sum(n) AS sessions, sum(CASE WHEN verify IN ('OK', 'TRUSTED') THEN n ELSE 0 END) AS verified,
           min(min_bits) AS min_bits, max(last) AS last_seen
    FROM sessions
    GROUP BY peer
),
verifies AS (
    SELECT peer, group_concat(verify || ' ' || n, ', ') AS verify
    FROM (SELECT peer, verify, n FROM sessions ORDER BY peer, n DESC, verify NULLS FIRST) AS sub2
    GROUP BY peer
),
suggestions AS (
    SELECT 'enforce' AS action, p.value AS peer, t.sessions, v.verify, t.min_bits,
           coalesce(m.deliveries, 0) AS deliveries, coalesce(m.deliveries - m.encrypted, 0) AS clear_deliveries,
           coalesce(f.handshake_failures, 0) AS handshake_failures,
           strftime('%Y-%m-%dT%H:%M:%SZ', max(t.last_seen, coalesce(m.last_seen, t.last_seen)), 'unixepoch') AS last_seen,
           'TLS_Srv:' || p.value || ' ' || CASE WHEN t.min_bits >= 128 THEN 'VERIFY:128' ELSE 'VERIFY' END AS sendmail,
           p.value || ' verify' AS postfix
    FROM tls_peers AS t
    JOIN texts AS p ON p.id = t.peer
    LEFT JOIN verifies AS v ON v.peer = t.peer
    LEFT JOIN mail AS m ON m.peer = t.peer
    LEFT JOIN failed AS f ON f.peer = t.peer
    WHERE t.verified = t.sessions AND t.sessions >= coalesce(:min, 3)
    UNION ALL
    SELECT 'contact', p.value, 0, NULL, NULL, m.deliveries, m.deliveries, 0,
           strftime('%Y-%m-%dT%H:%M:%SZ', m.last_seen, 'unixepoch'), NULL, NULL
    FROM mail AS m
    JOIN texts AS p ON p.id = m.peer
    WHERE m.encrypted = 0
      AND m.peer NOT IN (SELECT peer FROM tls_peers)
      AND m.peer NOT IN (SELECT peer FROM failed)
)
SELECT action, peer, sessions, verify, min_bits, deliveries, clear_deliveries, handshake_failures, last_seen,
       sendmail, postfix
FROM suggestions
ORDER BY CASE action WHEN 'enforce' THEN 0 ELSE 1 END, sessions DESC, deliveries DESC, peer
LIMIT coalesce(:limit, 9223372036854775807);
