-- verify-failures: peers whose certificate did not verify, grouped by role, verify result, reason
-- (the verifymsg of the certificate line) and issuer, with a hint on what to do.
--
--   sqlite3 -header -column mailtls.db < Queries/verify-failures.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (certificates of clients) or 'client' (certificates of servers we send to)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- A verify failure is a session whose verify= is anything but OK, TRUSTED (verified), NO (no
-- certificate), NOT (none requested), NONE or CLEAR (no TLS): FAIL, DANE_FAIL, DANE_TEMP,
-- BOGUS_DANE_RES, ... The session was still encrypted. reason is the certificate line's verifymsg
-- (LogLevel 12+), or the DANE status/note of the STARTTLS line; NULL when none was logged. issuer is
-- the certificate line's cert-issuer. peers counts the distinct peers, peer_list names them.
-- hint says what the common reasons mean and what to do, in the words of the MTA that logged the
-- sessions (sendmail's CACertPath, Postfix's smtp_tls_CAfile or smtpd_tls_CAfile, Exim's
-- tls_verify_certificates); where no reason was logged it says how to get one. A reason that peers
-- of several MTAs gave is a row per MTA, each with its MTA's advice.
-- Speed: reads session_rows (integer times and text ids; the ts index when :since or :until is set),
-- keeps the failed verify ids and groups by ids; texts are looked up only for the groups.
WITH
failure_groups AS (
    SELECT r.mta, r.role, r.peer, r.verify, r.verifymsg, r.dane_status, r.dane_note, r.cert_issuer,
           count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
    FROM (SELECT ts, host, mta, role, peer, verify, verifymsg, dane_status, dane_note, cert_issuer, loopback FROM session_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, role, peer, verify, verifymsg, dane_status, dane_note, cert_issuer, loopback FROM message_sessions
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, role, peer, verify, verifymsg, dane_status, dane_note, cert_issuer, loopback FROM delivery_sessions
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, mta, role, peer, verify, verifymsg, dane_status, dane_note, cert_issuer, loopback FROM session_rows
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, peer, verify, verifymsg, dane_status, dane_note, cert_issuer, loopback FROM message_sessions
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)
          UNION ALL
          SELECT ts, host, mta, role, peer, verify, verifymsg, dane_status, dane_note, cert_issuer, loopback FROM delivery_sessions
          WHERE ts >= coalesce(unixepoch(:since), -9223372036854775808)
            AND ts < coalesce(unixepoch(:until), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE r.verify IS NOT NULL
      AND r.verify NOT IN (SELECT id FROM texts WHERE value IN ('', 'OK', 'TRUSTED', 'NO', 'NOT', 'NONE', 'CLEAR'))
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.mta, r.role, r.peer, r.verify, r.verifymsg, r.dane_status, r.dane_note, r.cert_issuer
),
failures AS (
    SELECT g.n, g.first, g.last, m.name AS mta, ro.value AS role, p.value AS peer, v.value AS verify,
           coalesce(nullif(vm.value, 'ok'), ds.value, dn.value, vm.value) AS reason,
           ci.value AS issuer
    FROM failure_groups AS g
    JOIN mtas AS m ON m.id = g.mta
    JOIN texts AS ro ON ro.id = g.role
    JOIN texts AS v ON v.id = g.verify
    LEFT JOIN texts AS p ON p.id = g.peer
    LEFT JOIN texts AS vm ON vm.id = g.verifymsg
    LEFT JOIN texts AS ds ON ds.id = g.dane_status
    LEFT JOIN texts AS dn ON dn.id = g.dane_note
    LEFT JOIN texts AS ci ON ci.id = g.cert_issuer
),
-- The peers of each group, sorted, for peer_list.
group_peers AS (
    SELECT mta, role, verify, reason, issuer, group_concat(peer, ', ') AS peer_list
    FROM (SELECT DISTINCT mta, role, verify, reason, issuer, peer FROM failures WHERE peer IS NOT NULL ORDER BY 1, 2, 3, 4, 5, 6) AS sub1
    GROUP BY mta, role, verify, reason, issuer
),
groups AS (
    SELECT mta, role, verify, reason, issuer,
           -- Where this MTA keeps the CAs it trusts.
           CASE mta WHEN 'sendmail' THEN 'CACertPath' WHEN 'exim' THEN 'tls_verify_certificates'
                    ELSE CASE role WHEN 'server' THEN 'smtpd_tls_CAfile' ELSE 'smtp_tls_CAfile' END END AS trusted,
           count(DISTINCT peer) AS peers,
           sum(n) AS sessions,
           strftime('%Y-%m-%dT%H:%M:%SZ', min(first), 'unixepoch') AS first_seen,
           strftime('%Y-%m-%dT%H:%M:%SZ', max(last), 'unixepoch') AS last_seen
    FROM failures
    GROUP BY mta, role, verify, reason, issuer
)
SELECT g.role, g.verify, g.reason, g.issuer,
       CASE
           WHEN g.verify = 'DANE_FAIL' THEN 'no TLSA record matches the certificate: check DNS'
           WHEN g.verify = 'DANE_TEMP' THEN 'TLSA lookup failed for now (DNS), or too many TLSA RRs'
           WHEN g.verify = 'BOGUS_DANE_RES' THEN 'inconsistent DANE result: check the TLSA records'
           WHEN g.reason IN ('unable to get local issuer certificate', 'unable to get issuer certificate',
                             'not trusted by local or TLSA policy') OR g.reason LIKE 'untrusted issuer %'
               THEN 'the issuer''s CA is not in ' || CASE g.mta WHEN 'sendmail' THEN 'CACertPath/CACertFile' ELSE g.trusted END
           WHEN g.reason LIKE 'self_signed certificate in certificate chain'
               THEN CASE g.mta WHEN 'sendmail' THEN 'chain ends in a private CA: add it to CACertPath if trusted'
                               ELSE 'chain ends in a private CA: trust it in ' || g.trusted END
           WHEN g.reason LIKE 'self_signed certificate' OR g.reason LIKE 'self_signed certificate.'
               THEN 'self-signed: verifies only if added to ' || g.trusted
           WHEN g.reason LIKE 'unable to verify the first certificate'
               THEN 'the peer does not send its intermediate CA: it must fix'
           WHEN g.reason LIKE 'certificate has expired' THEN 'expired: the peer must renew its certificate'
           WHEN g.reason LIKE 'certificate is not yet valid' THEN 'not valid yet: check the clocks (ours, the peer''s)'
           WHEN g.reason LIKE 'hostname mismatch' THEN 'the certificate is for another name (CN/subjectAltName)'
           WHEN g.reason LIKE 'certificate revoked' THEN 'the CA revoked this certificate (CRLFile)'
           WHEN g.reason LIKE '%CRL%' THEN 'CRLFile: no valid CRL for this CA; update it'
           WHEN g.reason LIKE '%too weak%' OR g.reason LIKE '%too small%'
               THEN 'key or signature below the OpenSSL security level'
           WHEN g.reason LIKE 'unsupported certificate purpose' THEN 'the certificate is not for TLS (extendedKeyUsage)'
           WHEN g.reason IS NULL AND g.mta = 'postfix'
               THEN 'no reason logged: ' || CASE g.role WHEN 'server' THEN 'smtpd' ELSE 'smtp' END || '_tls_loglevel 2 logs it'
           WHEN g.reason IS NULL AND g.mta = 'exim' THEN 'Exim logs no reason: is the CA in tls_verify_certificates?'
           WHEN g.reason IS NULL AND g.issuer IS NULL
               THEN 'no certificate line: set LogLevel 12+ (confLOG_LEVEL)'
           WHEN g.reason IS NULL THEN 'no verifymsg (sendmail 8.12): check the issuer''s CA'
       END AS hint,
       g.peers, g.sessions, g.first_seen, g.last_seen, p.peer_list
FROM groups AS g
LEFT JOIN group_peers AS p
       ON p.mta = g.mta AND p.role = g.role AND p.verify = g.verify AND p.reason IS NOT DISTINCT FROM g.reason AND p.issuer IS NOT DISTINCT FROM g.issuer
ORDER BY g.sessions DESC, g.peers DESC, CASE g.role WHEN 'server' THEN 0 ELSE 1 END, g.verify, g.reason NULLS FIRST, g.issuer NULLS FIRST, g.mta
LIMIT coalesce(:limit, 9223372036854775807);
