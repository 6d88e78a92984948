-- export auth: the rows of auth_events (AUTH successes and failures), in the order they were stored, for `mailtls export auth`.
--
--   sqlite3 -header -csv mailtls.db < Queries/export/auth.sql > auth.csv
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
-- The columns of the view auth_events, read from its base table auth_rows: times as integers and text ids
-- compared to the filters, texts joined for the output. One pass in id order (no sort, constant
-- memory); a time bound is a condition on the pass, not a walk of the ts index followed by a sort.
SELECT r.id,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.ts, 'unixepoch') AS ts,
       host.value AS host,
       mta.name AS mta,
       r.pid,
       r.queue_id,
       role.value AS role,
       r.success,
       peer.value AS peer,
       peer_ip.value AS peer_ip,
       relay.value AS relay,
       authid.value AS authid,
       mech.value AS mech,
       r.bits,
       reason.value AS reason,
       r.tls_session_id,
       r.source_id,
       r.source_offset,
       r.loopback,
       r.encrypted
FROM all_auth_rows AS r
LEFT JOIN texts AS host ON host.id = r.host
LEFT JOIN mtas AS mta ON mta.id = r.mta
LEFT JOIN texts AS role ON role.id = r.role
LEFT JOIN texts AS peer ON peer.id = r.peer
LEFT JOIN texts AS peer_ip ON peer_ip.id = r.peer_ip
LEFT JOIN texts AS relay ON relay.id = r.relay
LEFT JOIN texts AS authid ON authid.id = r.authid
LEFT JOIN texts AS mech ON mech.id = r.mech
LEFT JOIN texts AS reason ON reason.id = r.reason
WHERE (:since IS NULL OR r.ts >= unixepoch(:since))
  AND (:until IS NULL OR r.ts < unixepoch(:until))
  AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
  AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
  AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
  AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
  AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
ORDER BY r.id
LIMIT coalesce(:limit, 9223372036854775807);
