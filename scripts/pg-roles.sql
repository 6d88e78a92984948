-- The roles of a mailtls fleet store (docs/fleet.md), run as the database's owner after the schema
-- exists (the owner's first `mailtls status --db postgresql://OWNER@HOST/DB` creates it), and again
-- after each mailtls upgrade that adds tables:
--
--   psql "postgresql://OWNER@HOST/DB" -v ON_ERROR_STOP=1 -f scripts/pg-roles.sql
--
-- mailtls_ingest: what `mailtls ingest` on each mail host needs, and nothing more: add rows (COPY),
--   fill in the columns a later line completes (UPDATE of those columns only), add repeated texts, keep
--   its checkpoints, its open-session state and the rollup counts, draw row ids from the sequences,
--   read what `mailtls status` shows. It cannot delete, prune, change the schema, or rewrite what a row
--   says (its time, peer, TLS version, cipher, verify result, encrypted flag).
-- mailtls_read: reports, exports, `mailtls check` and dashboards (Grafana): SELECT only.
--
-- The roles are created without a password when missing; give them one with \password (psql) and put it
-- in ~/.pgpass on the hosts, never on a command line.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mailtls_ingest') THEN CREATE ROLE mailtls_ingest LOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mailtls_read') THEN CREATE ROLE mailtls_read LOGIN; END IF;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO mailtls_ingest', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO mailtls_read', current_database());
END
$$;
GRANT USAGE ON SCHEMA public TO mailtls_ingest, mailtls_read;

-- Ingest: rows in; never deleted, and only the columns a later line completes are ever updated (the
-- certificate of a session, the rest of a delivery's recipient list, the peer and ruleset of a failed
-- handshake). A revoke first, so that running this again over the broader grants of mailtls 0.2
-- narrows them.
REVOKE UPDATE ON session_rows, message_rows, delivery_rows, auth_rows, failure_rows FROM mailtls_ingest;
GRANT SELECT, INSERT ON session_rows, message_rows, delivery_rows, auth_rows, failure_rows TO mailtls_ingest;
GRANT UPDATE (cert_subject, cert_issuer, verifymsg) ON session_rows TO mailtls_ingest;
GRANT UPDATE (recipients, nrcpts) ON delivery_rows TO mailtls_ingest;
GRANT UPDATE (loopback, peer, peer_ip, relay, ruleset, ruleset_arg, reject) ON failure_rows TO mailtls_ingest;
GRANT USAGE ON SEQUENCE session_rows_ids, message_rows_ids, delivery_rows_ids, auth_rows_ids, failure_rows_ids TO mailtls_ingest;
GRANT SELECT, INSERT ON texts TO mailtls_ingest;
-- Rollups: counts added to (an upsert updates the count and the first and last time, not the key).
REVOKE UPDATE ON rollup_sessions, rollup_peer_ciphers, rollup_peer_sessions, rollup_traffic, rollup_failures,
    rollup_auth, local_mail FROM mailtls_ingest;
GRANT SELECT, INSERT ON rollup_sessions, rollup_peer_ciphers, rollup_peer_sessions, rollup_traffic,
    rollup_failures, rollup_auth, local_mail TO mailtls_ingest;
GRANT UPDATE (sessions, first_ts, last_ts) ON rollup_sessions, rollup_peer_ciphers, rollup_peer_sessions TO mailtls_ingest;
GRANT UPDATE (n, first_ts, last_ts) ON rollup_traffic, rollup_failures, rollup_auth, local_mail TO mailtls_ingest;
-- Checkpoints and open-session state: a source's host and id stay as they were made.
REVOKE UPDATE ON sources, ingest_state FROM mailtls_ingest;
GRANT SELECT, INSERT ON sources, ingest_state TO mailtls_ingest;
GRANT UPDATE (path, device, inode, size, mtime, "offset", head_length, head_hash, tail_hash, compression,
    state_before, lines, last_ingest) ON sources TO mailtls_ingest;
GRANT UPDATE (value) ON ingest_state TO mailtls_ingest;
GRANT SELECT, INSERT ON ingest_runs TO mailtls_ingest;
GRANT SELECT ON mtas, schema_migrations TO mailtls_ingest;

-- Reports and dashboards: everything, read only.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO mailtls_read;
