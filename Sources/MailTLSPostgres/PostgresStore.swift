import MailTLSStore

/// The fleet store: the mailtls schema in a PostgreSQL database that many hosts write at once.
///
/// Opening migrates the schema (once, under an advisory lock, in one transaction: PostgreSQL's DDL is
/// transactional). Each (ingesting host, source path) has its own checkpoint row in `sources`; an
/// ingest takes that pair's advisory lock (`lockSource`) while it reads the file, so two ingests of
/// the same file on the same host are kept apart, and nothing else is locked store-wide.
public final class PostgresStore {
    /// The newest schema version this build writes (the SQLite store's numbering).
    public static var version: Int { PostgresSchema.version }
    /// Key of the advisory lock held while migrating ("mailtls" in ASCII).
    static let migrationLock: Int64 = 0x6D61_696C_746C_73

    public let connection: PostgresConnection
    public let url: PostgresURL

    public init(url: PostgresURL) throws {
        self.url = url
        connection = try PostgresConnection(url: url)
        try migrate()
    }

    /// The versions applied, in order.
    public func appliedVersions() throws -> [Int] {
        try connection.query("SELECT version FROM schema_migrations ORDER BY version").compactMap { $0[0].flatMap { Int($0) } }
    }

    /// The version the database holds (0 for a database without the mailtls schema).
    public func schemaVersion() throws -> Int {
        guard try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL").first?.first == "t" else { return 0 }
        return Int(try connection.scalarInt("SELECT max(version) FROM schema_migrations") ?? 0)
    }

    /// Brings the schema up to date. An up-to-date store runs no DDL at all, so roles that may only
    /// insert (ingesting hosts) or read (reports, dashboards) open it (docs/fleet.md: roles); the first
    /// command run by a role that may create tables creates or upgrades it.
    private func migrate() throws {
        let found = try schemaVersion()
        if found == Self.version { return }
        if found > Self.version { throw PostgresError.schemaTooNew(url: url.redacted, found: found, supported: Self.version) }
        do {
            try applyMigrations()
        } catch let e as PostgresError where e.sqlState == "42501" {  // insufficient_privilege
            guard case .statement(let message, _, _) = e else { throw e }
            throw PostgresError.cannotMigrate(url: url.redacted, found: found, current: Self.version, message: message)
        }
    }

    private func applyMigrations() throws {
        try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock(\(Self.migrationLock))")
            try connection.execute(PostgresSchema.migrationsTable)
            let current = try connection.scalarInt("SELECT max(version) FROM schema_migrations").map(Int.init) ?? 0
            if current > Self.version {
                throw PostgresError.schemaTooNew(url: url.redacted, found: current, supported: Self.version)
            }
            if current == 0 {
                // A new store goes only into a database of its own: a mistyped database name would
                // otherwise install mailtls beside an application's tables (or fail on a name both use).
                let others = try connection.query("""
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
                      AND c.relname <> 'schema_migrations'
                    ORDER BY c.relname LIMIT 4
                    """).compactMap { $0[0] }
                if !others.isEmpty {
                    throw PostgresError.notAMailtlsDatabase(url: url.redacted, tables: Array(others.prefix(3)) + (others.count > 3 ? ["…"] : []))
                }
            }
            for m in PostgresSchema.migrations where m.version > current {
                for sql in m.statements { try connection.execute(sql) }
                try connection.query("INSERT INTO schema_migrations(version, name) VALUES ($1, $2)", [String(m.version), m.name])
            }
        }
    }

    // MARK: Checkpoints, per ingesting host

    static let sourceColumns = """
        id, path, device, inode, size, mtime, "offset", head_length, head_hash, tail_hash, compression, lines, last_ingest
        """

    func sources(_ rows: [[String?]]) -> [SourceRecord] {
        rows.map { r in
            SourceRecord(id: Int64(r[0]!)!, path: r[1] ?? "", device: r[2].flatMap { Int64($0) },
                         inode: r[3].flatMap { Int64($0) }, size: r[4].flatMap { Int64($0) },
                         mtime: r[5].flatMap { Int64($0) }, offset: Int64(r[6]!)!, headLength: r[7].flatMap { Int($0) },
                         headHash: r[8], tailHash: r[9], compression: r[10], lines: Int64(r[11]!)!, lastIngest: r[12])
        }
    }

    /// The sources `ingestHost` has read, oldest first.
    public func sources(ingestHost: String) throws -> [SourceRecord] {
        sources(try connection.query("SELECT \(Self.sourceColumns) FROM sources WHERE ingest_host = $1 ORDER BY id",
                                     [ingestHost]))
    }

    /// The source `ingestHost` last read from exactly this file (same device, inode, size, mtime).
    public func source(ingestHost: String, device: Int64, inode: Int64, size: Int64, mtime: Int64) throws -> SourceRecord? {
        sources(try connection.query("""
            SELECT \(Self.sourceColumns) FROM sources
            WHERE ingest_host = $1 AND device = $2 AND inode = $3 AND size = $4 AND mtime = $5 ORDER BY id DESC LIMIT 1
            """, [ingestHost, String(device), String(inode), String(size), String(mtime)])).first
    }

    /// Sources of `ingestHost` whose first `headLength` content bytes hash to `headHash`.
    public func sources(ingestHost: String, headHash: String, headLength: Int) throws -> [SourceRecord] {
        sources(try connection.query("""
            SELECT \(Self.sourceColumns) FROM sources WHERE ingest_host = $1 AND head_hash = $2 AND head_length = $3
            ORDER BY id DESC
            """, [ingestHost, headHash, String(headLength)]))
    }

    private func parameters(_ r: SourceRecord) -> [String?] {
        [r.path, r.device.map(String.init), r.inode.map(String.init), r.size.map(String.init), r.mtime.map(String.init),
         String(r.offset), r.headLength.map(String.init), r.headHash, r.tailHash, r.compression, String(r.lines)]
    }

    /// Adds a source read by `ingestHost` and returns its id.
    public func insertSource(ingestHost: String, _ r: SourceRecord) throws -> Int64 {
        let rows = try connection.query("""
            INSERT INTO sources(path, device, inode, size, mtime, "offset", head_length, head_hash, tail_hash, compression,
                lines, ingest_host, first_ingest, last_ingest)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \(Self.now), \(Self.now)) RETURNING id
            """, parameters(r) + [ingestHost])
        return Int64(rows[0][0]!)!
    }

    /// Saves a source's new checkpoint (in the caller's transaction: with the rows it covers).
    public func updateSource(_ r: SourceRecord) throws {
        try connection.query("""
            UPDATE sources SET path = $1, device = $2, inode = $3, size = $4, mtime = $5, "offset" = $6, head_length = $7,
                head_hash = $8, tail_hash = $9, compression = $10, lines = $11, last_ingest = \(Self.now)
            WHERE id = $12
            """, parameters(r) + [String(r.id)])
    }

    static let now = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

    // MARK: Locks

    /// Takes the advisory lock of (ingest host, source path) for this connection's session: waits for
    /// another ingest of the same file to finish when `wait`, else throws `sourceBusy`. Ingests of
    /// other files, on this host or others, are not held up.
    public func lockSource(ingestHost: String, path: String, wait: Bool = true) throws {
        if wait {
            try connection.query("SELECT pg_advisory_lock(hashtext($1), hashtext($2))", [ingestHost, path])
        } else {
            let got = try connection.query("SELECT pg_try_advisory_lock(hashtext($1), hashtext($2))", [ingestHost, path])
            guard got.first?.first == "t" else { throw PostgresError.sourceBusy(ingestHost: ingestHost, path: path) }
        }
    }

    public func unlockSource(ingestHost: String, path: String) throws {
        try connection.query("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", [ingestHost, path])
    }

    /// Row counts per documented table (counted on the base tables).
    public func rowCounts() throws -> [(table: String, rows: Int64)] {
        // The same list as the SQLite store's (`Store.rowCounts`), so `mailtls status` shows the same lines.
        try CompactRows.tables.map { ($0.view, try connection.scalarInt("SELECT count(*) FROM \(CompactRows.allRows($0))") ?? 0) }
            + [("sources", try connection.scalarInt("SELECT count(*) FROM sources") ?? 0)]
    }
}
