-- export messages: the rows of messages (one per from= line), in the order they were stored, for `mailtls export messages`.
--
--   sqlite3 -header -csv mailtls.db < Queries/export/messages.sql > messages.csv
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' or 'client' (messages are inbound: 'client' gives none)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim'
--   :include_local   1 to include rows of loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- The columns of the view messages, read from its base table message_rows: times as integers and text ids
-- compared to the filters, texts joined for the output. One pass in id order (no sort, constant
-- memory); a time bound is a condition on the pass, not a walk of the ts index followed by a sort.
SELECT r.id,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.ts, 'unixepoch') AS ts,
       host.value AS host,
       mta.name AS mta,
       r.pid,
       r.queue_id,
       sender.value AS sender,
       r.size,
       r.nrcpts,
       r.msgid,
       proto.value AS proto,
       daemon.value AS daemon,
       peer.value AS peer,
       peer_ip.value AS peer_ip,
       relay.value AS relay,
       r.forged,
       auth.value AS auth,
       tls_verify.value AS tls_verify,
       tls_version.value AS tls_version,
       tls_cipher.value AS tls_cipher,
       r.tls_bits,
       tls_cert_subject.value AS tls_cert_subject,
       coalesce(tls_version_logged.value, tls_version.value) AS tls_version_logged,
       coalesce(tls_verify_logged.value, tls_verify.value) AS tls_verify_logged,
       session_role.value AS session_role,
       auth_authid.value AS auth_authid,
       auth_mech.value AS auth_mech,
       auth_role.value AS auth_role,
       r.tls_session_id,
       r.source_id,
       r.source_offset,
       r.loopback,
       r.encrypted
FROM message_rows AS r
LEFT JOIN texts AS host ON host.id = r.host
LEFT JOIN mtas AS mta ON mta.id = r.mta
LEFT JOIN texts AS sender ON sender.id = r.sender
LEFT JOIN texts AS proto ON proto.id = r.proto
LEFT JOIN texts AS daemon ON daemon.id = r.daemon
LEFT JOIN texts AS peer ON peer.id = r.peer
LEFT JOIN texts AS peer_ip ON peer_ip.id = r.peer_ip
LEFT JOIN texts AS relay ON relay.id = r.relay
LEFT JOIN texts AS auth ON auth.id = r.auth
LEFT JOIN texts AS tls_verify ON tls_verify.id = r.tls_verify
LEFT JOIN texts AS tls_version ON tls_version.id = r.tls_version
LEFT JOIN texts AS tls_cipher ON tls_cipher.id = r.tls_cipher
LEFT JOIN texts AS tls_cert_subject ON tls_cert_subject.id = r.tls_cert_subject
LEFT JOIN texts AS tls_version_logged ON tls_version_logged.id = r.tls_version_logged
LEFT JOIN texts AS tls_verify_logged ON tls_verify_logged.id = r.tls_verify_logged
LEFT JOIN texts AS session_role ON session_role.id = r.session_role
LEFT JOIN texts AS auth_authid ON auth_authid.id = r.auth_authid
LEFT JOIN texts AS auth_mech ON auth_mech.id = r.auth_mech
LEFT JOIN texts AS auth_role ON auth_role.id = r.auth_role
WHERE (:since IS NULL OR r.ts >= unixepoch(:since))
  AND (:until IS NULL OR r.ts < unixepoch(:until))
  AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
  AND (:role IS NULL OR :role = 'server')
  AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
  AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
  AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
ORDER BY r.id
LIMIT coalesce(:limit, 9223372036854775807);
