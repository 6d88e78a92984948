-- export auth: the rows of auth_events (AUTH successes and failures), in the order they were stored, for `mailtls export auth`.
--
--   sqlite3 -header -csv mailtls.db < Queries/export/auth.sql > auth.csv
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' or 'client'
--   :peer            peer name or IP, lowercase GLOB pattern
--   :include_local   1 to include rows of loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
SELECT *
FROM auth_events
WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
  AND host GLOB coalesce(:host, '*')
  AND (:role IS NULL OR role = :role)
  AND (:peer IS NULL OR peer GLOB :peer)
  AND (coalesce(:include_local, 0)
       OR NOT loopback)
ORDER BY id
LIMIT coalesce(:limit, -1);
