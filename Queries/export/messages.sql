-- export messages: the rows of messages (one per from= line), in the order they were stored, for `mailtls export messages`.
--
--   sqlite3 -header -csv mailtls.db < Queries/export/messages.sql > messages.csv
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' or 'client' (messages are inbound: 'client' gives none)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :include_local   1 to include rows of loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
SELECT *
FROM messages
WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
  AND host GLOB coalesce(:host, '*')
  AND (:role IS NULL OR :role = 'server')
  AND (:peer IS NULL OR peer GLOB :peer)
  AND (coalesce(:include_local, 0)
       OR NOT loopback)
ORDER BY id
LIMIT coalesce(:limit, -1);
