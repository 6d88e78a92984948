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
    public init(path: String, readOnly: Bool = false) throws {
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
            return
        }
        // Large pages for a new store: bulk inserts split fewer pages (measured ~10 % faster than 4096).
        // An existing store keeps its page size (it cannot change in WAL mode).
        try database.execute("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        // Readers without write access to the folder need -wal and -shm to exist (docs/store.md):
        // keep them, and let the last close truncate the WAL to nothing rather than delete it.
        try database.persistWAL()
        try database.execute("PRAGMA journal_size_limit=67108864")
        try migrate()
    }

    private func migrate() throws {
        let current = try database.userVersion
        if current > Schema.version {
            throw StoreError.schemaTooNew(path: path, found: current, supported: Schema.version)
        }
        guard current < Schema.version else { return }
        try database.transaction {
            for v in Int(current)..<Schema.migrations.count {
                try database.execute(Schema.migrations[v])
            }
            try database.execute("PRAGMA user_version = \(Schema.version)")
        }
    }

    /// The id the next TLS session row must get.
    public func nextSessionID() throws -> Int64 {
        (try database.scalarInt("SELECT max(id) FROM tls_sessions") ?? 0) + 1
    }

    /// The id the next TLS failure row must get.
    public func nextFailureID() throws -> Int64 {
        (try database.scalarInt("SELECT max(id) FROM tls_failures") ?? 0) + 1
    }

    /// The id the next delivery row must get.
    public func nextDeliveryID() throws -> Int64 {
        (try database.scalarInt("SELECT max(id) FROM deliveries") ?? 0) + 1
    }

    /// Row counts per data table.
    public func rowCounts() throws -> [(table: String, rows: Int64)] {
        try ["tls_sessions", "messages", "deliveries", "auth_events", "tls_failures", "sources"].map {
            ($0, try database.scalarInt("SELECT count(*) FROM \($0)") ?? 0)
        }
    }
}

/// UTC timestamps as text.
enum ISO8601 {
    static func now() -> String {
        let t = Int64(Date().timeIntervalSince1970)
        return TimeText.iso(t)
    }
}
