-- ciphers: sessions and distinct peers per role and cipher, with the cipher's bits.
--
--   sqlite3 -header -column mailtls.db < Queries/ciphers.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound sessions) or 'client' (outbound sessions)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- peers is the number of distinct peer values per (role, cipher). bits is the effective (second)
-- number of sendmail's bits=alg/cipher, the smallest seen; share is of the role's sessions.
-- Speed: reads session_rows (integer times and text ids; the ts index when :since or :until is set),
-- grouped by ids; texts are looked up only for the groups.
WITH
session_groups AS (
    SELECT r.role, r.cipher, r.peer, count(*) AS n, min(r.cipher_bits) AS cipher_bits
    FROM (SELECT ts, host, role, peer, cipher, cipher_bits, loopback FROM session_rows
          WHERE :since IS NULL AND :until IS NULL
          UNION ALL
          SELECT ts, host, role, peer, cipher, cipher_bits, loopback FROM session_rows
          WHERE ts >= ifnull(CAST(strftime('%s', :since) AS INTEGER), -9223372036854775808)
            AND ts < ifnull(CAST(strftime('%s', :until) AS INTEGER), 9223372036854775807)
            AND NOT (:since IS NULL AND :until IS NULL)) AS r
    WHERE 1
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE value GLOB :host))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE value GLOB :peer))
      AND (coalesce(:include_local, 0) OR NOT r.loopback)
    GROUP BY r.role, r.cipher, r.peer
),
sessions AS (
    SELECT ro.value AS role, g.peer, g.n, ifnull(c.value, 'unknown') AS cipher, g.cipher_bits
    FROM session_groups AS g JOIN texts AS ro ON ro.id = g.role LEFT JOIN texts AS c ON c.id = g.cipher
)
SELECT role, cipher,
       min(cipher_bits) AS bits,
       sum(n) AS sessions,
       count(DISTINCT peer) AS peers,
       round(1.0 * sum(n) / sum(sum(n)) OVER (PARTITION BY role), 4) AS share
FROM sessions
GROUP BY role, cipher
ORDER BY CASE role WHEN 'server' THEN 0 ELSE 1 END, sessions DESC, cipher
LIMIT coalesce(:limit, -1);
