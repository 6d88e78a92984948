-- verify: certificate verification results (the verify= of STARTTLS lines) per role, with their share.
--
--   sqlite3 -header -column mailtls.db < Queries/verify.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound sessions) or 'client' (outbound sessions)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- verify is OK, FAIL, NO, NOT, TRUSTED, a DANE_* result, or 'other' for anything else.
-- share is the fraction of the role's sessions (4 decimals); peers counts distinct peers.
WITH
sessions AS (
    SELECT role, peer,
           CASE WHEN verify IN ('OK', 'FAIL', 'NO', 'NOT', 'TRUSTED') OR verify GLOB 'DANE_*' THEN verify
                ELSE 'other' END AS verify
    FROM tls_sessions
    WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
)
SELECT role, verify,
       CASE verify
           WHEN 'OK'        THEN 'certificate verified'
           WHEN 'FAIL'      THEN 'certificate did not verify (still encrypted)'
           WHEN 'NO'        THEN 'no certificate presented'
           WHEN 'NOT'       THEN 'no certificate requested'
           WHEN 'TRUSTED'   THEN 'DANE verification succeeded'
           WHEN 'DANE_FAIL' THEN 'DANE verification failed'
           WHEN 'DANE_TEMP' THEN 'DANE verification failed temporarily'
           WHEN 'other'     THEN 'unusual value (see export sessions)'
           ELSE 'DANE result'
       END AS meaning,
       count(*) AS sessions,
       round(1.0 * count(*) / sum(count(*)) OVER (PARTITION BY role), 4) AS share,
       count(DISTINCT peer) AS peers
FROM sessions
GROUP BY role, verify
ORDER BY CASE role WHEN 'server' THEN 0 ELSE 1 END, sessions DESC, verify
LIMIT coalesce(:limit, -1);
