/// The store's schema: documented SQL that users query with `sqlite3` directly.
///
/// `mailtls schema` prints `Schema.documentation`. Versions live in `PRAGMA user_version`; each entry
/// of `migrations` brings a store from version `index` to `index + 1`, so old stores move forward.
public enum Schema {
    /// One step of the schema's history, as GRDB's migrator names them: `user_version` counts the steps
    /// a store has been through.
    struct Migration {
        let name: String
        /// Statements run in order, in one transaction with the other steps.
        let statements: [String]
    }

    /// Forward migrations, oldest first: each brings a store from version `index` to `index + 1`, so old
    /// stores move forward and a new store goes through the same steps (on empty tables).
    static let migrations: [Migration] = [
        Migration(name: "v1: tables", statements: [v1]),
        Migration(name: "v2: daily rollups", statements: [Rollups.migration]),
        Migration(name: "v3: compact rows behind views",
                  statements: CompactRows.migrationSteps + [LocalMailCounts.schema] + Rollups.v3Steps),
        Migration(name: "v4: the MTA of every row; normalised and logged version and verify; encrypted deliveries and AUTH",
                  statements: CompactRows.v4Steps),
        Migration(name: "v5: mtas lists the MTAs whose rows the store holds; ts indexes with mta instead of partial mta indexes",
                  statements: CompactRows.v5Steps),
        Migration(name: "v6: a TLS session logged on a message's or delivery's line (Exim) lives on that row; all_session_rows",
                  statements: CompactRows.v6Steps),
    ]

    /// The newest schema version this build writes.
    public static var version: Int32 { Int32(migrations.count) }

    /// The schema as a user reads it: what SQLite holds after every migration, in the order it was made
    /// (base tables, views, indexes, rollups), with its comments.
    public static var documentation: String {
        let header = """
            -- mailtls store schema, version \(version) (PRAGMA user_version).
            -- Query the views (tls_sessions, messages, deliveries, auth_events, tls_failures): they show times as
            -- UTC text 'YYYY-MM-DDTHH:MM:SSZ' and every value as text. Their base tables (session_rows, ...)
            -- hold times as Unix seconds and repeated text as ids into texts. Peers are lowercased, without a
            -- trailing dot or '(may be forged)' (kept in the forged column); the IP when the relay has no name.
            -- Every row knows its input: source_id (sources.id) and source_offset (byte offset of its line),
            -- and the MTA that logged it: mta (sendmail, postfix or exim).
            -- A TLS session or AUTH logged on the line of a message or delivery (Exim's X= and A=) lives on that
            -- row (session_role, tls_*, auth_*) instead of a row of its own: all_session_rows and all_auth_rows
            -- are every session and AUTH in base-table form.

            """
        guard let store = try? Store(path: ":memory:"),
              let s = try? store.database.prepare(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
        else { return header }
        var parts: [String] = []
        while (try? s.step()) == true { parts.append((s.string(0) ?? "") + ";") }
        return header + parts.joined(separator: "\n\n") + "\n"
    }

    static let v1 = """
        -- Input files read into the store.
        CREATE TABLE sources (
            id            INTEGER PRIMARY KEY,
            path          TEXT NOT NULL,          -- where it was last seen ('-' for standard input)
            device        INTEGER,                -- st_dev, st_ino, st_size, st_mtime of the file when last read:
            inode         INTEGER,                -- unchanged means nothing new, without reading it
            size          INTEGER,
            mtime         INTEGER,                -- (NULL while a file is only partly read: it commits in parts)
            offset        INTEGER NOT NULL DEFAULT 0,  -- bytes of (decompressed) content read: after the last complete line
            head_length   INTEGER,                -- content bytes covered by head_hash (up to 4096)
            head_hash     TEXT,                   -- fingerprint of the first content bytes: identifies the file
                                                  -- after a rename or compression by logrotate
            tail_hash     TEXT,                   -- fingerprint of the 4096 content bytes before offset
            compression   TEXT,                   -- 'none', 'gzip', 'bzip2', 'xz'
            state_before  TEXT,                   -- open SMTP sessions when its first line was read (JSON):
                                                  -- lets --reingest read it again in the same context
            lines         INTEGER NOT NULL DEFAULT 0,
            first_ingest  TEXT,
            last_ingest   TEXT
        );

        -- One row per completed TLS handshake (sendmail's STARTTLS=server|client main line).
        CREATE TABLE tls_sessions (
            id              INTEGER PRIMARY KEY,
            ts              TEXT NOT NULL,        -- UTC, YYYY-MM-DDTHH:MM:SSZ
            host            TEXT NOT NULL,        -- syslog host that logged it
            pid             INTEGER NOT NULL,     -- syslog pid
            role            TEXT NOT NULL CHECK (role IN ('server', 'client')),  -- server = inbound, client = outbound
            peer            TEXT,                 -- normalised peer name, or its IP when unnamed
            peer_ip         TEXT,                 -- NULL where the line has none (client lines carry no IP)
            relay           TEXT,                 -- relay= as logged
            forged          INTEGER NOT NULL DEFAULT 0,  -- 1 when logged '(may be forged)'
            version         TEXT,                 -- as logged: TLSv1.3, TLSv1.2, TLSv1, SSLv3, TLSv1/SSLv3 (old sendmail: unknown), ...
            verify          TEXT,                 -- OK, NO, NOT, FAIL, TRUSTED, DANE_FAIL, ...
            cipher          TEXT,
            alg_bits        INTEGER,              -- sendmail bits=alg/cipher: the first number
            cipher_bits     INTEGER,              -- the second number (effective bits)
            dane_pubkey_fp  TEXT,                 -- DANE suffixes (sendmail 8.16+)
            dane_status     TEXT,
            dane_note       TEXT,
            cert_subject    TEXT,                 -- certificate line (LogLevel 12+), xtext-decoded
            cert_issuer     TEXT,
            verifymsg       TEXT,                 -- why verification failed, e.g. 'unable to get local issuer certificate'
            source_id       INTEGER REFERENCES sources(id),
            source_offset   INTEGER,
            -- 1 for loopback peers (127.0.0.0/8, ::1, ::ffff:127.x, or the peer localhost: MSP -> MTA hops),
            -- which reports leave out unless --include-local. Set at ingest from peer and peer_ip.
            loopback        INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX tls_sessions_ts ON tls_sessions(ts);

        -- One row per accepted message (from= line).
        CREATE TABLE messages (
            id              INTEGER PRIMARY KEY,
            ts              TEXT NOT NULL,
            host            TEXT NOT NULL,
            pid             INTEGER NOT NULL,
            queue_id        TEXT,
            sender          TEXT,
            size            INTEGER,
            nrcpts          INTEGER,
            msgid           TEXT,
            proto           TEXT,                 -- SMTP, ESMTP, ESMTPS, ESMTPSA, ...; NULL for command-line submission
            daemon          TEXT,
            peer            TEXT,
            peer_ip         TEXT,
            relay           TEXT,
            forged          INTEGER NOT NULL DEFAULT 0,
            auth            TEXT,                 -- auth= (LOG_MORE builds)
            tls_verify      TEXT,                 -- tls_verify= / tls_version= / cipher= (LOG_MORE builds)
            tls_version     TEXT,
            tls_cipher      TEXT,
            tls_session_id  INTEGER REFERENCES tls_sessions(id),  -- the STARTTLS=server session it came over, or NULL
            source_id       INTEGER REFERENCES sources(id),
            source_offset   INTEGER,
            -- 1 for loopback peers (127.0.0.0/8, ::1, ::ffff:127.x, or the peer localhost: MSP -> MTA hops),
            -- which reports leave out unless --include-local. Set at ingest from peer and peer_ip.
            loopback        INTEGER NOT NULL DEFAULT 0,
            -- Set at ingest. 1 when the message came over TLS: proto has the S flag (ESMTPS, ESMTPSA, UTF8SMTPS, ...) or its
            -- session had a STARTTLS=server line (sendmail before 8.15 logs ESMTP even over TLS).
            encrypted       INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX messages_ts ON messages(ts);

        -- One row per delivery attempt (to= line; a to= ... [more] list is joined into one row).
        CREATE TABLE deliveries (
            id              INTEGER PRIMARY KEY,
            ts              TEXT NOT NULL,
            host            TEXT NOT NULL,
            pid             INTEGER NOT NULL,
            queue_id        TEXT,
            recipients      TEXT,
            nrcpts          INTEGER,              -- addresses in recipients
            mailer          TEXT,                 -- esmtp, relay, smtp, local, prog, *file*, ...
            peer            TEXT,
            peer_ip         TEXT,
            relay           TEXT,
            dsn             TEXT,
            -- sent, deferred, bounced or other. (Not written as IN (...): SQLite would build a temporary
            -- table for that list on every insert.)
            status          TEXT NOT NULL
                CHECK (status = 'sent' OR status = 'deferred' OR status = 'bounced' OR status = 'other'),
            stat            TEXT,                 -- stat= as logged
            delay           TEXT,
            xdelay          TEXT,
            tls_verify      TEXT,                 -- LOG_MORE builds
            tls_version     TEXT,
            tls_cipher      TEXT,
            tls_session_id  INTEGER REFERENCES tls_sessions(id),  -- the STARTTLS=client session that carried it, or NULL
            source_id       INTEGER REFERENCES sources(id),
            source_offset   INTEGER,
            -- 1 for loopback peers (127.0.0.0/8, ::1, ::ffff:127.x, or the peer localhost: MSP -> MTA hops),
            -- which reports leave out unless --include-local. Set at ingest from peer and peer_ip.
            loopback        INTEGER NOT NULL DEFAULT 0,
            -- Set at ingest. 1 for network mailers (esmtp, smtp, smtp8, dsmtp, relay, any *smtp*), not local,
            -- prog, *file*, *include*.
            network_mailer  INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX deliveries_ts ON deliveries(ts);

        -- AUTH=server / AUTH=client successes and AUTH failure lines.
        CREATE TABLE auth_events (
            id              INTEGER PRIMARY KEY,
            ts              TEXT NOT NULL,
            host            TEXT NOT NULL,
            pid             INTEGER NOT NULL,
            queue_id        TEXT,
            role            TEXT NOT NULL CHECK (role IN ('server', 'client')),
            success         INTEGER NOT NULL,     -- 1 for AUTH=..., 0 for 'AUTH failure (...)'
            peer            TEXT,
            peer_ip         TEXT,
            relay           TEXT,
            authid          TEXT,                 -- authid= (success) or user= (failure)
            mech            TEXT,                 -- PLAIN, LOGIN, CRAM-MD5, ...
            bits            INTEGER,              -- SASL security layer, not TLS bits
            reason          TEXT,                 -- failure text
            tls_session_id  INTEGER REFERENCES tls_sessions(id),  -- NULL: AUTH happened without TLS
            source_id       INTEGER REFERENCES sources(id),
            source_offset   INTEGER,
            -- 1 for loopback peers (127.0.0.0/8, ::1, ::ffff:127.x, or the peer localhost: MSP -> MTA hops),
            -- which reports leave out unless --include-local. Set at ingest from peer and peer_ip.
            loopback        INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX auth_events_ts ON auth_events(ts);

        -- Handshake failures, TLS ruleset rejects and TLS read/write errors.
        CREATE TABLE tls_failures (
            id              INTEGER PRIMARY KEY,
            ts              TEXT NOT NULL,
            host            TEXT NOT NULL,
            pid             INTEGER NOT NULL,
            queue_id        TEXT,
            kind            TEXT NOT NULL,        -- accept_failed, connect_failed (handshake failures; the
                                                  -- ruleset reject that follows is merged in), ruleset_reject,
                                                  -- read_error, write_error
            role            TEXT,
            peer            TEXT,
            peer_ip         TEXT,
            relay           TEXT,
            reason          TEXT,                 -- reason= / error= text
            ssl_error       INTEGER,
            errno           INTEGER,
            ruleset         TEXT,                 -- tls_server, tls_client, tls_rcpt, try_tls
            ruleset_arg     TEXT,                 -- arg1= (the ${verify} value: SOFTWARE, FAIL, NONE, ...)
            reject          TEXT,                 -- reject= text
            tls_session_id  INTEGER REFERENCES tls_sessions(id),  -- read/write errors: the session
            source_id       INTEGER REFERENCES sources(id),
            source_offset   INTEGER,              -- a handshake failure merged with the ruleset or to= line
                                                  -- that named its peer belongs to that later line
            -- 1 for loopback peers (127.0.0.0/8, ::1, ::ffff:127.x, or the peer localhost: MSP -> MTA hops),
            -- which reports leave out unless --include-local. Set at ingest from peer and peer_ip.
            loopback        INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX tls_failures_ts ON tls_failures(ts);

        -- Ingest state kept between runs (e.g. the open SMTP sessions, so a session split across two
        -- cron runs links as in one run). Internal: key/value, value is JSON.
        CREATE TABLE ingest_state (
            key    TEXT PRIMARY KEY,
            value  TEXT NOT NULL
        );

        -- One row per `mailtls ingest` run.
        CREATE TABLE ingest_runs (
            id          INTEGER PRIMARY KEY,
            started     TEXT NOT NULL,
            finished    TEXT,
            files       INTEGER, files_failed INTEGER, bytes INTEGER, lines INTEGER,
            sessions    INTEGER, messages INTEGER, deliveries INTEGER, auth INTEGER, failures INTEGER,
            skipped     INTEGER, malformed INTEGER,
            summary     TEXT
        );
        """
}
