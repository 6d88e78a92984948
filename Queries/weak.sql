-- weak: TLS sessions with a weak version, cipher or key size, by kind, role, peer, version and
-- cipher, with the reasons and when they were first and last seen. Anonymous sessions come first.
--
--   sqlite3 -header -column mailtls.db < Queries/weak.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound sessions) or 'client' (outbound sessions)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only the rows that MTA logged (read from the
--                    base tables: the rollups have no mta column)
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows of each kind
--
-- A session is weak when (each match is a reason; cipher names are matched case-insensitively):
--   version   SSLv2, SSLv3, TLSv1 (TLSv1.0) or TLSv1.1 (stored normalised, for every MTA). 'TLSv1/SSLv3' (sendmail before
--             8.15: the exact version is unknown) is not weak by itself: it is judged by its cipher.
--   cipher    contains RC4, ARCFOUR (GnuTLS's RC4), DES (3DES and DES-CBC3 too), NULL, EXP (EXPORT),
--             ADH, AECDH, ANON or MD5;
--   bits      cipher_bits (the effective bits, bits=alg/cipher) below 128.
-- kind is 'anonymous' for ADH, AECDH and *anon* ciphers (encrypted, but no certificate: open to a
-- man in the middle), else 'weak'. version is as logged, except that 'TLSv1/SSLv3' (or none) is
-- refined from the cipher where it can be: TLS 1.3 suites (TLS_AES_*, TLS_CHACHA20_*) are TLSv1.3;
-- GCM, CCM, CHACHA20/POLY1305 and SHA256/SHA384 ciphers need TLS 1.2, so TLSv1.2. bits is the
-- smallest cipher_bits seen. The summary's weak_sessions counts the same sessions.
-- Speed: sessions over whole UTC days (or all time) come from rollup_peer_sessions (per day, peer,
-- version, verify, cipher), other periods from session_rows (integer times and text ids; the ts index when :since or :until is set),
-- keeps the rows whose version, cipher or bits can be weak (the texts of such versions and ciphers are
-- found once), and judges groups of them.
WITH
-- The period in Unix seconds [lo, hi) and in UTC days: the whole days inside it [first_day, end_day)
-- come from rollup_peer_sessions, the seconds before and after them ([lo, a_end), [b_start, hi),
-- less than a day each) from session_rows on its ts index.
period AS (
    SELECT lo, hi, first_day, end_day,
           CASE WHEN first_day >= end_day THEN hi WHEN :since IS NULL THEN lo ELSE first_day * 86400 END AS a_end,
           CASE WHEN first_day >= end_day OR :until IS NULL THEN hi ELSE end_day * 86400 END AS b_start
    FROM (SELECT coalesce(unixepoch(:since), -9223372036854775808) AS lo,
                 coalesce(unixepoch(:until), 9223372036854775807) AS hi,
                 coalesce((unixepoch(:since) + 86399) / 86400, -9223372036854775807) AS first_day,
                 coalesce(unixepoch(:until) / 86400, 9223372036854775807) AS end_day) AS sub1
),
-- Sessions of the period that may be weak, grouped by (role, peer, version, cipher, bits) ids.
session_groups AS (
    SELECT r.role, r.peer, r.version, r.cipher, r.cipher_bits, sum(r.n) AS n, min(r.first) AS first, max(r.last) AS last
    FROM (-- Whole UTC days from the per-peer rollup, weighted by n; the rest of the period from the rows.
          SELECT host, NULL AS mta, role, nullif(peer, 0) AS peer, loopback, nullif(version, 0) AS version, nullif(cipher, 0) AS cipher, nullif(cipher_bits, -1) AS cipher_bits, sessions AS n, first_ts AS first, last_ts AS last
          FROM rollup_peer_sessions
          WHERE :mta IS NULL AND day >= (SELECT first_day FROM period) AND day < (SELECT end_day FROM period)
          UNION ALL
          -- With --mta (the rollup has no mta column) the whole days too come from the rows.
          SELECT host, mta, role, peer, loopback, version, cipher, cipher_bits, 1, ts, ts FROM session_rows
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, cipher_bits, 1, ts, ts FROM message_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, cipher_bits, 1, ts, ts FROM delivery_sessions
          WHERE :mta IS NOT NULL AND ts >= (SELECT a_end FROM period) AND ts < (SELECT b_start FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, cipher_bits, 1, ts, ts FROM session_rows
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, cipher_bits, 1, ts, ts FROM message_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, cipher_bits, 1, ts, ts FROM delivery_sessions
          WHERE ts >= (SELECT lo FROM period) AND ts < (SELECT a_end FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, cipher_bits, 1, ts, ts FROM session_rows
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, cipher_bits, 1, ts, ts FROM message_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)
          UNION ALL
          SELECT host, mta, role, peer, loopback, version, cipher, cipher_bits, 1, ts, ts FROM delivery_sessions
          WHERE ts >= (SELECT b_start FROM period) AND ts < (SELECT hi FROM period)) AS r
    WHERE (r.version IN (SELECT id FROM texts WHERE value IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1'))
           OR r.cipher IN (SELECT id FROM texts WHERE value IN (
                  -- Every cipher stored is in the rollup (which prune keeps): a small table to search.
                  SELECT cipher FROM rollup_sessions
                  WHERE cipher LIKE '%ADH%' OR cipher LIKE '%AECDH%' OR cipher LIKE '%anon%'
                     OR cipher LIKE '%NULL%' OR cipher LIKE '%EXP%' OR cipher LIKE '%RC4%' OR cipher LIKE '%ARCFOUR%'
                     OR cipher LIKE '%DES%' OR cipher LIKE '%MD5%'))
           OR r.cipher_bits < 128)
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR r.role = (SELECT id FROM texts WHERE value = :role))
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY r.role, r.peer, r.version, r.cipher, r.cipher_bits
),
sessions AS (
    SELECT g.n, g.first, g.last, ro.value AS role, p.value AS peer, v.value AS version, c.value AS cipher,
           g.cipher_bits,
           v.value IN ('SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1') AS old_version,
           (c.value LIKE '%ADH%' OR c.value LIKE '%AECDH%' OR c.value LIKE '%anon%') AS anonymous
    FROM session_groups AS g
    JOIN texts AS ro ON ro.id = g.role
    LEFT JOIN texts AS p ON p.id = g.peer
    LEFT JOIN texts AS v ON v.id = g.version
    LEFT JOIN texts AS c ON c.id = g.cipher
),
judged AS (
    SELECT n, first, last, role, peer, cipher, cipher_bits, anonymous,
           CASE WHEN version IS NOT NULL AND version <> 'TLSv1/SSLv3' THEN version
                WHEN glob('TLS_AES_*', cipher) OR glob('TLS_CHACHA20_*', cipher) THEN 'TLSv1.3'
                WHEN cipher LIKE '%GCM%' OR cipher LIKE '%CCM%' OR cipher LIKE '%CHACHA20%'
                     OR cipher LIKE '%POLY1305%' OR cipher LIKE '%SHA256%' OR cipher LIKE '%SHA384%' THEN 'TLSv1.2'
                ELSE coalesce(version, 'unknown')
           END AS version,
           substr(
               CASE WHEN old_version THEN ', ' || version ELSE '' END
               || CASE WHEN anonymous THEN ', anonymous' ELSE '' END
               || CASE WHEN cipher LIKE '%NULL%' THEN ', NULL' ELSE '' END
               || CASE WHEN cipher LIKE '%EXP%' THEN ', EXPORT' ELSE '' END
               || CASE WHEN cipher LIKE '%RC4%' OR cipher LIKE '%ARCFOUR%' THEN ', RC4' ELSE '' END
               || CASE WHEN cipher LIKE '%3DES%' OR cipher LIKE '%DES-CBC3%' OR cipher LIKE '%DES_EDE%' THEN ', 3DES'
                       WHEN cipher LIKE '%DES%' THEN ', DES' ELSE '' END
               || CASE WHEN cipher LIKE '%MD5%' THEN ', MD5' ELSE '' END
               || CASE WHEN cipher_bits < 128 THEN ', ' || cipher_bits || ' bits' ELSE '' END,
               3) AS reasons
    FROM sessions
),
weak AS (
    SELECT CASE WHEN anonymous THEN 'anonymous' ELSE 'weak' END AS kind,
           role, peer, version, coalesce(cipher, 'unknown') AS cipher,
           min(cipher_bits) AS bits, reasons,
           sum(n) AS sessions,
           strftime('%Y-%m-%dT%H:%M:%SZ', min(first), 'unixepoch') AS first_seen,
           strftime('%Y-%m-%dT%H:%M:%SZ', max(last), 'unixepoch') AS last_seen
    FROM judged
    WHERE reasons <> ''
    GROUP BY kind, role, peer, version, cipher, reasons
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY kind ORDER BY sessions DESC, last_seen DESC, role, peer NULLS FIRST, version NULLS FIRST, cipher NULLS FIRST) AS n
    FROM weak
)
SELECT kind, role, peer, version, cipher, bits, reasons, sessions, first_seen, last_seen
FROM ranked
WHERE :limit IS NULL OR n <= :limit
ORDER BY CASE kind WHEN 'anonymous' THEN 0 ELSE 1 END, n;
