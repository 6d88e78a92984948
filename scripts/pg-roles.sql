-- The roles of a mailtls fleet store (docs/fleet.md), run as the database's owner after the schema
-- exists (the owner's first `mailtls status --db postgresql://OWNER@HOST/DB` creates it), and again
-- after each mailtls upgrade that adds tables:
--
--   psql "postgresql://OWNER@HOST/DB" -v ON_ERROR_STOP=1 -f scripts/pg-roles.sql
--
-- mailtls_ingest: what `mailtls ingest` on each mail host needs, and nothing more: add rows (COPY),
--   complete rows it wrote (UPDATE), add repeated texts, keep its checkpoints, its open-session state and
--   the rollup counts, draw row ids from the sequences. It cannot delete, prune, or change the schema.
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

-- Ingest: rows in, completed in place; never deleted.
GRANT SELECT, INSERT, UPDATE ON session_rows, message_rows, delivery_rows, auth_rows, failure_rows TO mailtls_ingest;
GRANT USAGE ON SEQUENCE session_rows_ids, message_rows_ids, delivery_rows_ids, auth_rows_ids, failure_rows_ids TO mailtls_ingest;
GRANT SELECT, INSERT ON texts TO mailtls_ingest;
GRANT SELECT, INSERT, UPDATE ON rollup_sessions, rollup_peer_ciphers, rollup_peer_sessions, rollup_traffic,
    rollup_failures, rollup_auth, local_mail TO mailtls_ingest;
GRANT SELECT, INSERT, UPDATE ON sources, ingest_state TO mailtls_ingest;
GRANT INSERT ON ingest_runs TO mailtls_ingest;
GRANT SELECT ON mtas, schema_migrations TO mailtls_ingest;

-- Reports and dashboards: everything, read only.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO mailtls_read;
