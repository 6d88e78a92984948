import Foundation

/// The mailtls store: one SQLite file in WAL mode, migrated to the current schema on open.
public final class Store {
    /// `--db PATH`, else `$MAILTLS_DB`, else `./mailtls.db`.
    public static func defaultPath(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = ProcessInfo.processInfo.environment["MAILTLS_DB"], !env.isEmpty { return env }
        return "mailtls.db"
    }

    public let database: Database
    public var path: String { database.path }

    /// Opens or creates the store and brings its schema up to date.
    ///
    /// `progress` hears each step of a migration (`step` of `steps`, its name): an old store is migrated
    /// in place on first open, which takes a while for a large one. A store whose version is current but
    /// whose tables are not what this version writes is refused with `StoreError.damagedSchema`.
    public init(path: String, readOnly: Bool = false,
                progress: ((_ step: Int, _ steps: Int, _ name: String) -> Void)? = nil) throws {
        if readOnly && path != ":memory:" && !FileManager.default.fileExists(atPath: path) {
            throw StoreError.cannotOpen(path: path, message: "no such file (run `mailtls ingest` first)")
        }
        database = try Database(path: path, readOnly: readOnly)
        database.setBusyTimeout(milliseconds: 5000)
        if readOnly {
            let v: Int32
            do {
                v = try database.userVersion
            } catch let e as StoreError where e.isPermissionDenied && path != ":memory:"
                        && !FileManager.default.isReadableFile(atPath: path + "-shm") {
                // A WAL reader that may not create or read -shm (docs/store.md: read-only users).
                throw StoreError.walFilesMissing(path: path, message: e.sqliteMessage,
                                                 missing: !FileManager.default.fileExists(atPath: path + "-shm"))
            }
            if v > Schema.version { throw StoreError.schemaTooNew(path: path, found: v, supported: Schema.version) }
            if v < Schema.version {
                throw StoreError.needsMigration(path: path, found: v, current: Schema.version)
            }
            try checkSchema()
            return
        }
        // Large pages for a new store: bulk inserts split fewer pages (measured ~10 % faster than 4096).
        // An existing store keeps its page size (it cannot change in WAL mode).
        try database.execute("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        // Readers without write access to the folder need -wal and -shm to exist (docs/store.md):
        // keep them, and let the last close truncate the WAL to nothing rather than delete it.
        try database.persistWAL()
        try database.execute("PRAGMA journal_size_limit=67108864")
        try migrate(progress: progress)
        try checkSchema()
    }

    private func migrate(progress: ((Int, Int, String) -> Void)?) throws {
        let current = try database.userVersion
        if current > Schema.version {
            throw StoreError.schemaTooNew(path: path, found: current, supported: Schema.version)
        }
        guard current < Schema.version else { return }
        let pending = Schema.migrations[Int(current)...]
        let steps = pending.reduce(0) { $0 + $1.statements.count }
        var done = 0
        try database.transaction {
            for m in pending {
                for sql in m.statements {
                    done += 1
                    progress?(done, steps, m.name)
                    try database.execute(sql)
                }
            }
            try database.execute("PRAGMA user_version = \(Schema.version)")
        }
    }

    /// Compares the store's tables and views, column by column, with those a new store of this version
    /// has: a store whose `user_version` is current but whose tables are wrong (restored from a damaged
    /// copy, edited by hand) gets a message naming the file instead of a raw SQLite error later.
    private func checkSchema() throws {
        let expected = try Self.expectedColumns
        let found = try Self.columns(of: database)
        for (name, columns) in expected.sorted(by: { $0.key < $1.key }) {
            guard let have = found[name] else {
                throw StoreError.damagedSchema(path: path, problem: "\(name) is missing")
            }
            let missing = columns.filter { !have.contains($0) }
            if !missing.isEmpty {
                throw StoreError.damagedSchema(path: path, problem: "\(name) lacks \(missing.joined(separator: ", "))")
            }
        }
    }

    /// The columns of every table and view, by name.
    private static func columns(of db: Database) throws -> [String: [String]] {
        let s = try db.prepare("""
            SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p
            WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid
            """)
        var out: [String: [String]] = [:]
        while try s.step() { out[s.string(0) ?? "", default: []].append(s.string(1) ?? "") }
        return out
    }

    /// The columns a new store has: made once per process in memory.
    private static var expectedColumns: [String: [String]] {
        get throws {
            if let cached = expectedCache.value { return cached }
            let db = try Database(path: ":memory:")
            try db.transaction {
                for m in Schema.migrations { for sql in m.statements { try db.execute(sql) } }
            }
            let columns = try Self.columns(of: db)
            expectedCache.value = columns
            return columns
        }
    }
    private static let expectedCache = ExpectedColumns()

    /// The id the next TLS session must get: past `session_rows`' ids and, with `scan`, past the ids of
    /// the sessions that live on message and delivery rows (`all_session_rows`), which only a scan of
    /// those tables finds. An ingest that read the linker's saved state skips the scan: the state's
    /// counter is past every id it handed out.
    public func nextSessionID(scan: Bool = true) throws -> Int64 {
        var sql = "SELECT max(coalesce((SELECT max(id) FROM session_rows), 0)"
        if scan {
            for t in ["message_rows", "delivery_rows"] {
                sql += ", coalesce((SELECT max(tls_session_id) FROM \(t) WHERE session_role IS NOT NULL), 0)"
            }
        } else {
            sql += ", 0"
        }
        return (try database.scalarInt(sql + ")") ?? 0) + 1
    }

    /// The id the next TLS failure row must get.
    public func nextFailureID() throws -> Int64 {
        (try database.scalarInt("SELECT max(id) FROM failure_rows") ?? 0) + 1
    }

    /// The id the next delivery row must get.
    public func nextDeliveryID() throws -> Int64 {
        (try database.scalarInt("SELECT max(id) FROM delivery_rows") ?? 0) + 1
    }

    /// Row counts per data table.
    public func rowCounts() throws -> [(table: String, rows: Int64)] {
        // Counted on the base tables: a view would look up every text of every row.
        try CompactRows.tables.map { ($0.view, try database.scalarInt("SELECT count(*) FROM \(CompactRows.allRows($0))") ?? 0) }
            + [("sources", try database.scalarInt("SELECT count(*) FROM sources") ?? 0)]
    }

    /// Local mail counted instead of stored (`local_mail`): deliveries by non-network mailers and
    /// command-line submissions, in all.
    public func localMailCounts() throws -> (deliveries: Int64, submissions: Int64) {
        let s = try database.prepare("""
            SELECT coalesce(sum(n) FILTER (WHERE kind = 'delivery'), 0), coalesce(sum(n) FILTER (WHERE kind = 'submission'), 0)
            FROM local_mail
            """)
        guard try s.step() else { return (0, 0) }
        return (s.int64(0), s.int64(1))
    }
}

/// The columns of a new store, computed once (guarded: reports may open stores from several threads).
private final class ExpectedColumns: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String: [String]]?
    var value: [String: [String]]? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// UTC timestamps as text.
enum ISO8601 {
    static func now() -> String {
        let t = Int64(Date().timeIntervalSince1970)
        return TimeText.iso(t)
    }
}
