-- versions: negotiated TLS versions (the version= of STARTTLS lines) per role, with their share.
--
--   sqlite3 -header -column mailtls.db < Queries/versions.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound sessions) or 'client' (outbound sessions)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- version is as logged. 'TLSv1/SSLv3' is what sendmail before 8.15 with OpenSSL before 1.1 logs for
-- any SSLv3-or-later session: the exact version is unknown. Rows are newest version first.
WITH
sessions AS (
    SELECT role, peer, ifnull(version, 'unknown') AS version
    FROM tls_sessions
    WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
)
SELECT role, version,
       count(*) AS sessions,
       round(1.0 * count(*) / sum(count(*)) OVER (PARTITION BY role), 4) AS share,
       count(DISTINCT peer) AS peers
FROM sessions
GROUP BY role, version
ORDER BY CASE role WHEN 'server' THEN 0 ELSE 1 END,
         CASE version
             WHEN 'TLSv1.3' THEN 1 WHEN 'TLSv1.2' THEN 2 WHEN 'TLSv1.1' THEN 3
             WHEN 'TLSv1' THEN 4 WHEN 'TLSv1.0' THEN 4 WHEN 'TLSv1/SSLv3' THEN 5
             WHEN 'SSLv3' THEN 6 WHEN 'SSLv2' THEN 7 ELSE 8 END,
         version
LIMIT coalesce(:limit, -1);
