-- PostgreSQL's copy of Queries/rates-by-domain.sql (QueryLibrary runs it on a PostgreSQL store): the same figures;
-- only the lines marked 'PostgreSQL:' differ. Change both files together (docs/reports.md, "Dialects").
-- rates-by-domain: encryption per domain, for `mailtls report rates --by domain`: outbound
-- deliveries per recipient domain (the list to read before requiring TLS for a domain: sendmail
-- access `TLS_Rcpt:`, Postfix smtp_tls_policy_maps, MTA-STS), inbound messages per sender domain
-- and per peer. Messages and deliveries are those of rates.sql (see its definitions).
--
--   sqlite3 -header -column mailtls.db < Queries/rates-by-domain.sql
--   sqlite3 -header -column -cmd ".param set :role client" mailtls.db < Queries/rates-by-domain.sql
--
-- Parameters (all optional; unset means no filter):
--   :since :until    UTC times 'YYYY-MM-DDTHH:MM:SSZ' or dates; since <= ts < until
--   :host            syslog host, GLOB pattern
--   :role            'server' (inbound rows only) or 'client' (outbound rows only)
--   :peer            peer name or IP, lowercase GLOB pattern
--   :mta             'sendmail', 'postfix' or 'exim': only that MTA's rows
--   :include_local   1 to count loopback peers (127.0.0.0/8, ::1, localhost)
--   :limit           at most this many rows of each kind
--
-- Rows, one per kind and domain:
--   kind 'recipient'  outbound deliveries by recipient domain: the part after the last '@' of each
--                     address of recipients (comma-separated, '<...>' taken off), lowercased, without
--                     a trailing dot; '(local)' for an address without '@'. A delivery to several
--                     domains counts once for each of them (so the rows add up to more deliveries
--                     than rates shows); one to two addresses of a domain counts once for it.
--   kind 'sender'     inbound messages by the sender's domain, the same way; '(null sender)' for <>
--                     (bounces), '(none)' for a message without sender.
--   kind 'peer'       inbound messages by the peer (its name, or its IP when it had none;
--                     '(no name)' when neither was logged). `mailtls report rates --by domain` merges
--                     these rows into the peers' registered domains by the Public Suffix List
--                     (example.co.uk for mail-1.example.co.uk), which SQL cannot do.
-- Columns:
--   mail             deliveries (recipient) or messages (sender, peer)
--   encrypted        of them, over TLS (rates.sql); encrypted_share = encrypted / mail
--   verified         of them, over a linked TLS session whose verify was OK or TRUSTED (DANE);
--                    verified_share = verified / encrypted (NULL when nothing was encrypted)
--   versions         the linked sessions' TLS versions with their mail counts, most first
-- A domain whose recipient rows show encrypted_share 1.0 over enough deliveries can have TLS
-- required; verified_share 1.0 too, verified TLS.
-- Order: kind (recipient, sender, peer), then most mail first, then domain.
-- Speed: from the base tables (the ts index when :since or :until is set), counted per recipient
-- domain (lists of one address) or list, sender id and peer id first, so a list is split and a
-- sender's domain cut once.
WITH RECURSIVE
deliveries AS (
    -- The peer is the linked STARTTLS=client session's when there is one: to= lines shorten long names.
    -- A session that lives on a delivery row (Exim, schema v6) is not in session_rows: that row, and
    -- the rows of the same transport run (->), carry its version and verify as tls_version, tls_verify.
    SELECT d.recipients AS list,
           CASE WHEN d.tls_session_id IS NOT NULL THEN coalesce(s.version, d.tls_version) END AS version,
           CASE WHEN d.tls_session_id IS NOT NULL THEN coalesce(s.verify, d.tls_verify) END AS verify,
           d.encrypted AS encrypted
    FROM delivery_rows AS d
    LEFT JOIN session_rows AS s ON s.id = d.tls_session_id
    WHERE d.ts >= coalesce(unixepoch(:since), -9223372036854775808)
      AND d.ts < coalesce(unixepoch(:until), 9223372036854775807)
      AND d.status = (SELECT id FROM texts WHERE value = 'sent')
      AND d.network_mailer <> 0
      AND (:host IS NULL OR d.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'client')
      AND (:peer IS NULL OR coalesce(s.peer, d.peer) IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR d.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR d.loopback = 0)
),
-- Deliveries per recipient list, version and verify result. Most lists hold one address, nearly
-- always another one: such a list is counted as '@' and the part after its last '@' ('@gmail.com>'),
-- so a domain's deliveries are one group, cut once below. The part after the last '@' is the part
-- after the first when there is no other; else rtrim(a, replace(a, '@', '')), a up to its last '@',
-- finds it (rtrim tests each character against the whole set: slow, so only for the rare address
-- with two '@').
outbound AS (
    SELECT CASE WHEN instr(list, ',') > 0 OR instr(list, '@') = 0 THEN list
                ELSE '@' || CASE WHEN instr(substr(list, instr(list, '@') + 1), '@') = 0 THEN substr(list, instr(list, '@') + 1)
                             ELSE substr(list, length(rtrim(list, replace(list, '@', ''))) + 1) END END AS list,
           version, verify, count(*) AS n, sum(encrypted) AS encrypted
    FROM deliveries
    GROUP BY 1, 2, 3
),
inbound AS (
    SELECT r.sender, r.peer,
           CASE WHEN r.tls_session_id IS NOT NULL THEN coalesce(s.version, r.tls_version) END AS version,
           CASE WHEN r.tls_session_id IS NOT NULL THEN coalesce(s.verify, r.tls_verify) END AS verify,
           count(*) AS n, sum(r.encrypted) AS encrypted
    FROM message_rows AS r
    LEFT JOIN session_rows AS s ON s.id = r.tls_session_id
    WHERE r.ts >= coalesce(unixepoch(:since), -9223372036854775808)
      AND r.ts < coalesce(unixepoch(:until), 9223372036854775807)
      AND r.proto IS NOT NULL
      AND (:host IS NULL OR r.host IN (SELECT id FROM texts WHERE glob(:host, value)))
      AND (:role IS NULL OR :role = 'server')
      AND (:peer IS NULL OR r.peer IN (SELECT id FROM texts WHERE glob(:peer, value)))
      AND (:mta IS NULL OR r.mta = (SELECT id FROM mtas WHERE name = :mta))
      AND (coalesce(:include_local, 0) <> 0 OR r.loopback = 0)
    GROUP BY 1, 2, 3, 4
),
-- Each distinct list cut at its commas into addresses, '<', '>' and spaces taken off.
addresses(list, rest, address) AS (
    SELECT list, list || ',', NULL FROM (SELECT DISTINCT list FROM outbound WHERE list IS NOT NULL) AS sub1
    UNION ALL
    SELECT list, substr(rest, instr(rest, ',') + 1), trim(substr(rest, 1, instr(rest, ',') - 1), ' <>')
    FROM addresses
    WHERE rest <> ''
),
-- The distinct domains of each list.
recipient_domains AS (
    SELECT DISTINCT list,
           CASE WHEN instr(address, '@') = 0 THEN '(local)'
                ELSE coalesce(nullif(rtrim(lower(CASE WHEN instr(substr(address, instr(address, '@') + 1), '@') = 0 THEN substr(address, instr(address, '@') + 1)
                                               ELSE substr(address, length(rtrim(address, replace(address, '@', ''))) + 1) END), '.'), ''),
                              '(local)')
           END AS domain
    FROM addresses
    WHERE address <> ''
),
-- The groups again by sender and by peer alone: far fewer rows to cut and sum below than the
-- (sender, peer) pairs, which are nearly as many as the messages.
by_sender AS (
    SELECT sender, version, verify, sum(n) AS n, sum(encrypted) AS encrypted FROM inbound GROUP BY 1, 2, 3
),
by_peer AS (
    SELECT peer, version, verify, sum(n) AS n, sum(encrypted) AS encrypted FROM inbound GROUP BY 1, 2, 3
),
senders AS (
    SELECT DISTINCT i.sender AS id, trim(t.value, ' <>') AS address
    FROM by_sender AS i LEFT JOIN texts AS t ON t.id = i.sender
),
sender_domains AS (
    SELECT id,
           CASE WHEN address IS NULL THEN '(none)'
                WHEN address = '' THEN '(null sender)'
                WHEN instr(address, '@') = 0 THEN '(local)'
                ELSE coalesce(nullif(rtrim(lower(CASE WHEN instr(substr(address, instr(address, '@') + 1), '@') = 0 THEN substr(address, instr(address, '@') + 1)
                                               ELSE substr(address, length(rtrim(address, replace(address, '@', ''))) + 1) END), '.'), ''),
                              '(local)')
           END AS domain
    FROM senders
),
keyed AS (
    SELECT 0 AS k, r.domain, o.version, o.verify, o.n, o.encrypted
    FROM outbound AS o JOIN recipient_domains AS r ON r.list = o.list
    UNION ALL
    SELECT 1, sd.domain, i.version, i.verify, i.n, i.encrypted
    -- PostgreSQL: an equality it can hash (IS NOT DISTINCT FROM makes a nested loop); ids start at 1.
    FROM by_sender AS i JOIN sender_domains AS sd ON coalesce(sd.id, 0) = coalesce(i.sender, 0)
    UNION ALL
    SELECT 2, coalesce(p.value, '(no name)'), i.version, i.verify, i.n, i.encrypted
    FROM by_peer AS i LEFT JOIN texts AS p ON p.id = i.peer
),
totals AS (
    SELECT k, domain, sum(n) AS mail, sum(encrypted) AS encrypted,
           sum(CASE WHEN verify IN (SELECT id FROM texts WHERE value IN ('OK', 'TRUSTED')) THEN n ELSE 0 END) AS verified
    FROM keyed
    GROUP BY k, domain
),
versions AS (
    SELECT k, domain, group_concat(version || ' ' || n, ', ') AS versions
    FROM (SELECT k, domain, t.value AS version, sum(n) AS n
          FROM keyed JOIN texts AS t ON t.id = keyed.version
          GROUP BY k, domain, t.value
          ORDER BY k, domain, n DESC, t.value) AS sub2
    GROUP BY k, domain
),
ranked AS (
    SELECT t.*, v.versions, row_number() OVER (PARTITION BY t.k ORDER BY t.mail DESC, t.domain) AS position
    FROM totals AS t LEFT JOIN versions AS v ON v.k = t.k AND v.domain = t.domain
)
SELECT CASE k WHEN 0 THEN 'recipient' WHEN 1 THEN 'sender' ELSE 'peer' END AS kind,
       domain, mail, encrypted,
       round(1.0 * encrypted / nullif(mail, 0), 4) AS encrypted_share,
       verified,
       round(1.0 * verified / nullif(encrypted, 0), 4) AS verified_share,
       versions
FROM ranked
WHERE :limit IS NULL OR position <= :limit
ORDER BY k, position;
