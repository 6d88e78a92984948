-- notes/postfix-without-tls-line: Postfix mail known encrypted with no TLS line to give its version
-- and cipher, as the note under `report versions`, `ciphers` and `weak` (the summary says the same
-- in its notes). Postfix logs no TLS line at its default smtpd_tls_loglevel = 0 (nor at
-- smtp_tls_loglevel = 0 outbound), yet a connection's `disconnect ... starttls=1` counters (and a
-- delivery's 3.11+ `tls=` field) say its mail went over TLS: those sessions are in no count of
-- versions or ciphers, and the note says how many and how to turn the logging on.
--
--   sqlite3 -header -column mailtls.db < Queries/notes/postfix-without-tls-line.sql
--
-- Parameters (all optional; unset means no filter), as the sections':
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound messages) or 'client' (outbound deliveries)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': no row unless postfix
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--
-- One row per role with such mail: role, n (inbound messages or outbound deliveries, counted as
-- rates.sql counts them), note. No row when the store holds no Postfix mail (one look at mtas).
-- Speed: without Postfix mail in the store (or with another --mta) nothing is read (postfix, the
-- outer loop, has no row); else the ts indexes (ts, mta) hold the MTA, so only Postfix rows are
-- read from the tables.
WITH
postfix AS (
    SELECT id FROM mtas WHERE name = 'postfix' AND (:mta IS NULL OR :mta = 'postfix')
),
counts AS (
    SELECT 1 AS k, 'server' AS role, count(*) AS n
    FROM postfix AS p CROSS JOIN message_rows AS r
    WHERE r.mta = p.id
      AND r.ts >= coalesce(unixepoch(:since), -9223372036854775808)
      AND r.ts < coalesce(unixepoch(:until), 9223372036854775807)
      AND r.proto IS NOT NULL AND r.encrypted <> 0 AND r.tls_session_id IS NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    UNION ALL
    SELECT 2, 'client', count(*)
    FROM postfix AS p CROSS JOIN delivery_rows AS d
    WHERE d.mta = p.id
      AND d.ts >= coalesce(unixepoch(:since), -9223372036854775808)
      AND d.ts < coalesce(unixepoch(:until), 9223372036854775807)
      AND d.status = (SELECT id FROM texts WHERE value = 'sent') AND d.network_mailer <> 0
      AND d.encrypted <> 0 AND d.tls_session_id IS NULL
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR d.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (coalesce(:include_local, 0) <> 0 OR d.loopback = 0)
)
SELECT role, n,
       'postfix: TLS versions and ciphers are unknown for '
       || CASE k WHEN 1 THEN n || ' inbound message' || CASE n WHEN 1 THEN '' ELSE 's' END
                 ELSE n || ' outbound deliver' || CASE n WHEN 1 THEN 'y' ELSE 'ies' END END
       || ' encrypted without a TLS line in the log (Postfix logs none at '
       || CASE k WHEN 1 THEN 'smtpd' ELSE 'smtp' END || '_tls_loglevel 0); to log them: '
       || 'postconf -e smtpd_tls_loglevel=1 smtp_tls_loglevel=1 && postfix reload' AS note
FROM counts
WHERE n > 0
ORDER BY k;
