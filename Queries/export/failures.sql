-- export failures: the rows of tls_failures (handshake failures, TLS rejects, read/write errors), in the order they were stored, for `mailtls export failures`.
--
--   sqlite3 -header -csv mailtls.db < Queries/export/failures.sql > failures.csv
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' or 'client'
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim'
--   :include_local   1 to include rows of loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- The columns of the view tls_failures, read from its base table failure_rows: times as integers and text ids
-- compared to the filters, texts joined for the output. One pass in id order (no sort, constant
-- memory); a time bound is a condition on the pass, not a walk of the ts index followed by a sort.
SELECT r.id,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.ts, 'unixepoch') AS ts,
       host.value AS host,
       mta.name AS mta,
       r.pid,
       r.queue_id,
       kind.value AS kind,
       role.value AS role,
       peer.value AS peer,
       peer_ip.value AS peer_ip,
       relay.value AS relay,
       reason.value AS reason,
       r.ssl_error,
       r.errno,
       ruleset.value AS ruleset,
       ruleset_arg.value AS ruleset_arg,
       reject.value AS reject,
       r.tls_session_id,
       r.source_id,
       r.source_offset,
       r.loopback
FROM failure_rows AS r
LEFT JOIN texts AS host ON host.id = r.host
LEFT JOIN mtas AS mta ON mta.id = r.mta
LEFT JOIN texts AS kind ON kind.id = r.kind
LEFT JOIN texts AS role ON role.id = r.role
LEFT JOIN texts AS peer ON peer.id = r.peer
LEFT JOIN texts AS peer_ip ON peer_ip.id = r.peer_ip
LEFT JOIN texts AS relay ON relay.id = r.relay
LEFT JOIN texts AS reason ON reason.id = r.reason
LEFT JOIN texts AS ruleset ON ruleset.id = r.ruleset
LEFT JOIN texts AS ruleset_arg ON ruleset_arg.id = r.ruleset_arg
LEFT JOIN texts AS reject ON reject.id = r.reject
WHERE (:since IS NULL OR r.ts >= unixepoch(:since))
  AND (:until IS NULL OR r.ts < unixepoch(:until))
  AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
  AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
  AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
  AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
  AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
ORDER BY r.id
LIMIT coalesce(:limit, 9223372036854775807);
