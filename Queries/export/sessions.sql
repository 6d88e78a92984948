-- export sessions: the rows of tls_sessions (one per completed TLS handshake), in the order they were stored, for `mailtls export sessions`.
--
--   sqlite3 -header -csv mailtls.db < Queries/export/sessions.sql > sessions.csv
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
-- The columns of the view tls_sessions, read from its base table session_rows: times as integers and text ids
-- compared to the filters, texts joined for the output. One pass in id order (no sort, constant
-- memory); a time bound is a condition on the pass, not a walk of the ts index followed by a sort.
SELECT r.id,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.ts, 'unixepoch') AS ts,
       host.value AS host,
       mta.name AS mta,
       r.pid,
       role.value AS role,
       peer.value AS peer,
       peer_ip.value AS peer_ip,
       relay.value AS relay,
       r.forged,
       version.value AS version,
       verify.value AS verify,
       version_logged.value AS version_logged,
       verify_logged.value AS verify_logged,
       cipher.value AS cipher,
       r.alg_bits,
       r.cipher_bits,
       dane_pubkey_fp.value AS dane_pubkey_fp,
       dane_status.value AS dane_status,
       dane_note.value AS dane_note,
       cert_subject.value AS cert_subject,
       cert_issuer.value AS cert_issuer,
       verifymsg.value AS verifymsg,
       r.source_id,
       r.source_offset,
       r.loopback
FROM all_session_rows AS r
LEFT JOIN texts AS host ON host.id = r.host
LEFT JOIN mtas AS mta ON mta.id = r.mta
LEFT JOIN texts AS role ON role.id = r.role
LEFT JOIN texts AS peer ON peer.id = r.peer
LEFT JOIN texts AS peer_ip ON peer_ip.id = r.peer_ip
LEFT JOIN texts AS relay ON relay.id = r.relay
LEFT JOIN texts AS version ON version.id = r.version
LEFT JOIN texts AS verify ON verify.id = r.verify
LEFT JOIN texts AS version_logged ON version_logged.id = coalesce(r.version_logged, r.version)
LEFT JOIN texts AS verify_logged ON verify_logged.id = coalesce(r.verify_logged, r.verify)
LEFT JOIN texts AS cipher ON cipher.id = r.cipher
LEFT JOIN texts AS dane_pubkey_fp ON dane_pubkey_fp.id = r.dane_pubkey_fp
LEFT JOIN texts AS dane_status ON dane_status.id = r.dane_status
LEFT JOIN texts AS dane_note ON dane_note.id = r.dane_note
LEFT JOIN texts AS cert_subject ON cert_subject.id = r.cert_subject
LEFT JOIN texts AS cert_issuer ON cert_issuer.id = r.cert_issuer
LEFT JOIN texts AS verifymsg ON verifymsg.id = r.verifymsg
WHERE (:since IS NULL OR r.ts >= unixepoch(:since))
  AND (:until IS NULL OR r.ts < unixepoch(:until))
  AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
  AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
  AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
  AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
  AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
ORDER BY r.id
LIMIT coalesce(:limit, 9223372036854775807);
