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
WITH
sessions AS (
    SELECT ts, peer, verify, cipher_bits
    FROM tls_sessions
    WHERE role = 'client' AND peer IS NOT NULL
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
outbound AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    SELECT d.ts, coalesce(s.peer, d.peer) AS peer, d.tls_session_id IS NOT NULL AS encrypted
    FROM deliveries AS d LEFT JOIN tls_sessions AS s ON s.id = d.tls_session_id
    WHERE d.status = 'sent'
      AND d.peer IS NOT NULL
      AND d.network_mailer
      AND d.ts >= coalesce(:since, '') AND d.ts < coalesce(:until, '9999')
      AND d.host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT d.loopback)
),
failures AS (
    SELECT peer
    FROM tls_failures
    WHERE kind = 'connect_failed' AND peer IS NOT NULL
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),

tls_peers AS (
    SELECT peer, count(*) AS sessions, sum(ifnull(verify IN ('OK', 'TRUSTED'), 0)) AS verified,
           min(cipher_bits) AS min_bits, max(ts) AS last_seen
    FROM sessions
    GROUP BY peer
),
verifies AS (
    SELECT peer, group_concat(verify || ' ' || n, ', ') AS verify
    FROM (SELECT peer, verify, count(*) AS n FROM sessions GROUP BY peer, verify ORDER BY peer, n DESC, verify)
    GROUP BY peer
),
mail AS (
    SELECT peer, count(*) AS deliveries, sum(encrypted) AS encrypted, max(ts) AS last_seen
    FROM outbound
    GROUP BY peer
),
failed AS (
    SELECT peer, count(*) AS handshake_failures FROM failures GROUP BY peer
),
suggestions AS (
    SELECT 'enforce' AS action, t.peer, t.sessions, v.verify, t.min_bits,
           ifnull(m.deliveries, 0) AS deliveries, ifnull(m.deliveries - m.encrypted, 0) AS clear_deliveries,
           ifnull(f.handshake_failures, 0) AS handshake_failures,
           max(t.last_seen, ifnull(m.last_seen, '')) AS last_seen,
           'TLS_Srv:' || t.peer || ' ' || CASE WHEN t.min_bits >= 128 THEN 'VERIFY:128' ELSE 'VERIFY' END AS sendmail,
           t.peer || ' verify' AS postfix
    FROM tls_peers AS t
    LEFT JOIN verifies AS v ON v.peer = t.peer
    LEFT JOIN mail AS m ON m.peer = t.peer
    LEFT JOIN failed AS f ON f.peer = t.peer
    WHERE t.verified = t.sessions AND t.sessions >= coalesce(:min, 3)
    UNION ALL
    SELECT 'contact', m.peer, 0, NULL, NULL, m.deliveries, m.deliveries, 0, m.last_seen, NULL, NULL
    FROM mail AS m
    WHERE m.encrypted = 0
      AND m.peer NOT IN (SELECT peer FROM tls_peers)
      AND m.peer NOT IN (SELECT peer FROM failed)
)
SELECT action, peer, sessions, verify, min_bits, deliveries, clear_deliveries, handshake_failures, last_seen,
       sendmail, postfix
FROM suggestions
ORDER BY CASE action WHEN 'enforce' THEN 0 ELSE 1 END, sessions DESC, deliveries DESC, peer
LIMIT coalesce(:limit, -1);
