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
-- Speed: reads session_rows (integer times and text ids; the ts index when :since or :until is set),
-- grouped by ids; texts are looked up only for the groups.
WITH
session_groups AS (
    SELECT r.role, r.version, r.peer, count(*) AS n
    FROM (SELECT ts, host, role, peer, version, loopback FROM session_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, role, peer, version, loopback FROM session_rows
          WHERE ts >= ifnull(CAST(strftime('%s', :since) AS INTEGER), -9223372036854775808)
            AND ts < ifnull(CAST(strftime('%s', :until) AS INTEGER), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE 1
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE value GLOB :host))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE value GLOB :peer))
      AND (coalesce(:include_local, 0) OR NOT r.loopback)
    GROUP BY r.role, r.version, r.peer
),
sessions AS (
    SELECT ro.value AS role, g.peer, g.n, ifnull(v.value, 'unknown') AS version
    FROM session_groups AS g JOIN texts AS ro ON ro.id = g.role LEFT JOIN texts AS v ON v.id = g.version
)
SELECT role, version,
       sum(n) AS sessions,
       round(1.0 * sum(n) / sum(sum(n)) OVER (PARTITION BY role), 4) AS share,
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
