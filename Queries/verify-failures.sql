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
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- A verify failure is a session whose verify= is anything but OK, TRUSTED (verified), NO (no
-- certificate), NOT (none requested), NONE or CLEAR (no TLS): FAIL, DANE_FAIL, DANE_TEMP,
-- BOGUS_DANE_RES, ... The session was still encrypted. reason is the certificate line's verifymsg
-- (LogLevel 12+), or the DANE status/note of the STARTTLS line; NULL when none was logged. issuer is
-- the certificate line's cert-issuer. peers counts the distinct peers, peer_list names them.
-- hint says what the common reasons mean and what to do; where no certificate line was logged it
-- says how to get one.
WITH
failures AS (
    SELECT ts, role, peer, verify,
           coalesce(nullif(verifymsg, 'ok'), dane_status, dane_note, verifymsg) AS reason,
           cert_issuer AS issuer
    FROM tls_sessions
    WHERE verify IS NOT NULL AND verify NOT IN ('', 'OK', 'TRUSTED', 'NO', 'NOT', 'NONE', 'CLEAR')
      AND ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
),
-- The peers of each group, sorted, for peer_list.
group_peers AS (
    SELECT role, verify, reason, issuer, group_concat(peer, ', ') AS peer_list
    FROM (SELECT DISTINCT role, verify, reason, issuer, peer FROM failures WHERE peer IS NOT NULL ORDER BY 1, 2, 3, 4, 5)
    GROUP BY role, verify, reason, issuer
),
groups AS (
    SELECT role, verify, reason, issuer,
           count(DISTINCT peer) AS peers,
           count(*) AS sessions,
           min(ts) AS first_seen,
           max(ts) AS last_seen
    FROM failures
    GROUP BY role, verify, reason, issuer
)
SELECT g.role, g.verify, g.reason, g.issuer,
       CASE
           WHEN g.verify = 'DANE_FAIL' THEN 'no TLSA record matches the certificate: check DNS'
           WHEN g.verify = 'DANE_TEMP' THEN 'TLSA lookup failed for now (DNS), or too many TLSA RRs'
           WHEN g.verify = 'BOGUS_DANE_RES' THEN 'inconsistent DANE result: check the TLSA records'
           WHEN g.reason IN ('unable to get local issuer certificate', 'unable to get issuer certificate')
               THEN 'the issuer''s CA is not in CACertPath/CACertFile'
           WHEN g.reason LIKE 'self_signed certificate in certificate chain'
               THEN 'chain ends in a private CA: add it to CACertPath if trusted'
           WHEN g.reason LIKE 'self_signed certificate'
               THEN 'self-signed: verifies only if added to CACertPath'
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
           WHEN g.reason IS NULL AND g.issuer IS NULL
               THEN 'no certificate line: set LogLevel 12+ (confLOG_LEVEL)'
           WHEN g.reason IS NULL THEN 'no verifymsg (sendmail 8.12): check the issuer''s CA'
       END AS hint,
       g.peers, g.sessions, g.first_seen, g.last_seen, p.peer_list
FROM groups AS g
LEFT JOIN group_peers AS p
       ON p.role = g.role AND p.verify = g.verify AND p.reason IS g.reason AND p.issuer IS g.issuer
ORDER BY g.sessions DESC, g.peers DESC, CASE g.role WHEN 'server' THEN 0 ELSE 1 END, g.verify, g.reason, g.issuer
LIMIT coalesce(:limit, -1);
