-- failures: TLS failures by kind, reason and peer: failed handshakes first, then TLS ruleset rejects
-- and read/write errors on established sessions (counted apart).
--
--   sqlite3 -header -column mailtls.db < Queries/failures.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound) or 'client' (outbound)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- kind: accept_failed (STARTTLS=server, error: accept failed) and connect_failed (STARTTLS=client,
-- error: connect failed) are handshake failures; the ruleset=tls_server|tls_client ... reject= line
-- that follows one is the same failure (its reject is kept on the row), not another.
-- ruleset_reject is a TLS ruleset reject with no failed handshake before it (e.g. verify
-- requirements); read_error and write_error happened on an established session.
-- reason is the OpenSSL reason, else the reject text, else the error text.
-- Speed: reads failure_rows (integer times and text ids; the ts index when :since or :until is set),
-- grouped by ids first; texts are looked up only for the groups.
WITH
failure_groups AS (
    SELECT r.kind, r.role, r.peer, r.reason, r.reject, r.ruleset_arg, count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
    FROM (SELECT ts, host, mta, kind, role, peer, reason, reject, ruleset_arg, loopback FROM failure_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, kind, role, peer, reason, reject, ruleset_arg, loopback FROM failure_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE 1 = 1
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.kind, r.role, r.peer, r.reason, r.reject, r.ruleset_arg
),
failures AS (
    SELECT g.n, g.first, g.last, k.value AS kind, ro.value AS role, p.value AS peer,
           coalesce(re.value, rj.value, ra.value) AS reason
    FROM failure_groups AS g
    JOIN texts AS k ON k.id = g.kind
    LEFT JOIN texts AS ro ON ro.id = g.role
    LEFT JOIN texts AS p ON p.id = g.peer
    LEFT JOIN texts AS re ON re.id = g.reason
    LEFT JOIN texts AS rj ON rj.id = g.reject
    LEFT JOIN texts AS ra ON ra.id = g.ruleset_arg
)
SELECT kind, role, reason, peer,
       sum(n) AS failures,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(first), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(last), 'unixepoch') AS last_seen
FROM failures
GROUP BY kind, role, reason, peer
ORDER BY CASE kind WHEN 'accept_failed' THEN 0 WHEN 'connect_failed' THEN 0
                   WHEN 'ruleset_reject' THEN 1 ELSE 2 END,
         failures DESC, kind, reason, peer
LIMIT coalesce(:limit, 9223372036854775807);
