-- failures: TLS failures by kind, reason and peer: failed handshakes first, then TLS ruleset rejects
-- and read/write errors on established sessions (counted apart).
--
--   sqlite3 -header -column mailtls.db < Queries/failures.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound) or 'client' (outbound)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows
--
-- kind: accept_failed (STARTTLS=server, error: accept failed) and connect_failed (STARTTLS=client,
-- error: connect failed) are handshake failures; the ruleset=tls_server|tls_client ... reject= line
-- that follows one is the same failure (its reject is kept on the row), not another.
-- ruleset_reject is a TLS ruleset reject with no failed handshake before it (e.g. verify
-- requirements); read_error and write_error happened on an established session.
-- reason is the OpenSSL reason, else the reject text, else the error text.
WITH
failures AS (
    SELECT ts, kind, role, peer, coalesce(reason, reject, ruleset_arg) AS reason
    FROM tls_failures
    WHERE ts >= coalesce(:since, '') AND ts < coalesce(:until, '9999')
      AND host GLOB coalesce(:host, '*')
      AND (:role IS NULL OR role = :role)
      AND (:peer IS NULL OR peer GLOB :peer)
      AND (coalesce(:include_local, 0)
           OR NOT loopback)
)
SELECT kind, role, reason, peer,
       count(*) AS failures,
       min(ts) AS first_seen,
       max(ts) AS last_seen
FROM failures
GROUP BY kind, role, reason, peer
ORDER BY CASE kind WHEN 'accept_failed' THEN 0 WHEN 'connect_failed' THEN 0
                   WHEN 'ruleset_reject' THEN 1 ELSE 2 END,
         failures DESC, kind, reason, peer
LIMIT coalesce(:limit, -1);
