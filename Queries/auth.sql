-- auth: SMTP AUTH by account and mechanism, over TLS or in clear; passwords sent in clear (the
-- finding); AUTH failures by account and by peer.
--
--   sqlite3 -header -column mailtls.db < Queries/auth.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (AUTH=server: clients logging in to us) or 'client' (AUTH=client: we
--                    log in to a smarthost)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows of each kind
--
-- An AUTH is over TLS when auth_events.encrypted is 1 (set at ingest: a TLS session came before it in
-- the same SMTP session, or the MTA's log says so: Postfix starttls=1 counters, Exim X=), else in
-- clear. An AUTH row is one SMTP session's AUTH for sendmail, one message's for Postfix and Exim (their
-- logs show AUTH per message). Rows, one kind after the other:
--   password_in_clear    successful AUTH whose mechanism contains PLAIN or LOGIN in any case (PLAIN,
--                        LOGIN, Exim's dovecot_plain: the password itself crosses the wire) in clear,
--                        per role, account, mechanism and peer: the finding. CRAM-MD5 and other
--                        challenge mechanisms send no password and are not findings.
--   success              successful AUTH (AUTH=server, AUTH=client) per role, account and mechanism.
--   failure_by_account   'AUTH failure' lines per role and account (user=; none before 8.16).
--   failure_by_peer      the same failures per role and peer: many accounts from one peer, or many
--                        peers for one account, is a password-guessing signal.
-- account, mech and peer hold the single value of the row's group, or NULL when there are several
-- (peers and accounts count them); mech lists the mechanisms tried on failure rows. events are
-- AUTH lines, over_tls + in_clear = events. The summary's auth counts the AUTH=server successes.
-- Speed: reads auth_rows (integer times and text ids; the ts index when :since or :until is set),
-- grouped by ids first; texts are looked up only for the groups.
WITH
event_groups AS (
    SELECT r.role, r.success, r.peer, r.authid, r.mech, r.encrypted AS over_tls,
           count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
    FROM (SELECT ts, host, mta, role, success, peer, authid, mech, encrypted, loopback FROM auth_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, role, success, peer, authid, mech, encrypted, loopback FROM message_auth
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, role, success, peer, authid, mech, encrypted, loopback FROM auth_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, success, peer, authid, mech, encrypted, loopback FROM message_auth
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE 1 = 1
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.role, r.success, r.peer, r.authid, r.mech, 6
),
events AS (
    SELECT g.n, g.first, g.last, ro.value AS role, g.success, p.value AS peer, a.value AS account, m.value AS mech,
           g.over_tls, (coalesce(m.value, '') LIKE '%PLAIN%' OR coalesce(m.value, '') LIKE '%LOGIN%') AS sends_password
    FROM event_groups AS g
    JOIN texts AS ro ON ro.id = g.role
    LEFT JOIN texts AS p ON p.id = g.peer
    LEFT JOIN texts AS a ON a.id = g.authid
    LEFT JOIN texts AS m ON m.id = g.mech
),
-- The mechanisms tried, per failure group (sorted, so the lists do not depend on row order).
account_mechs AS (
    SELECT role, account, group_concat(mech, ', ') AS mechs
    FROM (SELECT DISTINCT role, account, mech FROM events WHERE success = 0 AND mech IS NOT NULL ORDER BY 1, 2, 3) AS sub1
    GROUP BY role, account
),
peer_mechs AS (
    SELECT role, peer, group_concat(mech, ', ') AS mechs
    FROM (SELECT DISTINCT role, peer, mech FROM events WHERE success = 0 AND mech IS NOT NULL ORDER BY 1, 2, 3) AS sub2
    GROUP BY role, peer
),
groups AS (
    SELECT 'password_in_clear' AS kind, role, account, mech, peer,
           count(DISTINCT peer) AS peers, count(DISTINCT account) AS accounts,
           sum(n) AS events, sum(over_tls * n) AS over_tls, sum((1 - over_tls) * n) AS in_clear,
           min(first) AS first_seen, max(last) AS last_seen
    FROM events
    WHERE success <> 0 AND over_tls = 0 AND sends_password
    GROUP BY role, account, mech, peer
    UNION ALL
    SELECT 'success', role, account, mech,
           CASE WHEN count(DISTINCT peer) = 1 THEN min(peer) END,
           count(DISTINCT peer), count(DISTINCT account), sum(n), sum(over_tls * n), sum((1 - over_tls) * n), min(first), max(last)
    FROM events
    WHERE success <> 0
    GROUP BY role, account, mech
    UNION ALL
    SELECT 'failure_by_account', role, account, NULL,
           CASE WHEN count(DISTINCT peer) = 1 THEN min(peer) END,
           count(DISTINCT peer), count(DISTINCT account), sum(n), sum(over_tls * n), sum((1 - over_tls) * n), min(first), max(last)
    FROM events
    WHERE success = 0
    GROUP BY role, account
    UNION ALL
    SELECT 'failure_by_peer', role,
           CASE WHEN count(DISTINCT account) = 1 THEN min(account) END,
           NULL, peer,
           count(DISTINCT peer), count(DISTINCT account), sum(n), sum(over_tls * n), sum((1 - over_tls) * n), min(first), max(last)
    FROM events
    WHERE success = 0
    GROUP BY role, peer
),
rows AS (
    SELECT g.kind, g.role, g.account,
           CASE g.kind WHEN 'failure_by_account' THEN a.mechs WHEN 'failure_by_peer' THEN p.mechs ELSE g.mech END AS mech,
           g.peer, g.peers, g.accounts, g.events, g.over_tls, g.in_clear, strftime('%Y-%m-%dT%H:%M:%SZ', g.first_seen, 'unixepoch') AS first_seen,
           strftime('%Y-%m-%dT%H:%M:%SZ', g.last_seen, 'unixepoch') AS last_seen
    FROM groups AS g
    LEFT JOIN account_mechs AS a ON g.kind = 'failure_by_account' AND a.role = g.role AND a.account IS NOT DISTINCT FROM g.account
    LEFT JOIN peer_mechs AS p ON g.kind = 'failure_by_peer' AND p.role = g.role AND p.peer IS NOT DISTINCT FROM g.peer
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY kind ORDER BY events DESC, last_seen DESC, role, account NULLS FIRST, mech NULLS FIRST, peer NULLS FIRST) AS n
    FROM rows
)
SELECT kind, role, account, mech, peer, peers, accounts, events, over_tls, in_clear, first_seen, last_seen
FROM ranked
WHERE :limit IS NULL OR n <= :limit
ORDER BY CASE kind WHEN 'password_in_clear' THEN 0 WHEN 'success' THEN 1 WHEN 'failure_by_account' THEN 2 ELSE 3 END, n;
