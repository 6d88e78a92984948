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
WITH
sessions AS (
    SELECT role, peer, ifnull(cipher, 'unknown') AS cipher, cipher_bits
    FROM tls_sessions
    WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
)
SELECT role, cipher,
       min(cipher_bits) AS bits,
       count(*) AS sessions,
       count(DISTINCT peer) AS peers,
       round(1.0 * count(*) / sum(count(*)) OVER (PARTITION BY role), 4) AS share
FROM sessions
GROUP BY role, cipher
ORDER BY CASE role WHEN 'server' THEN 0 ELSE 1 END, sessions DESC, cipher
LIMIT coalesce(:limit, -1);
