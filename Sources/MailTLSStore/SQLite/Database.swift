import CSQLite3
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SQLITE_TRANSIENT is a C macro Swift does not import: SQLite copies the bound bytes.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A connection to one SQLite file: a thin wrapper over the C API.
///
/// Not thread-safe: use one connection per thread.
public final class Database {
    public let path: String
    let handle: OpaquePointer

    /// Opens (and with `create`, creates owner-only, mode 0600) the database at `path`.
    public init(path: String, readOnly: Bool = false, create: Bool = true) throws {
        self.path = path
        if create && !readOnly && path != ":memory:" && access(path, F_OK) != 0 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if fd < 0 && errno != EEXIST {
                throw StoreError.cannotOpen(path: path, message: String(cString: strerror(errno)))
            }
            if fd >= 0 { close(fd) }
        }
        _ = Database.configured
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0))
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close(db) }
            throw StoreError.cannotOpen(path: path, message: message)
        }
        self.handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let configured: Bool = {
        mailtls_sqlite3_disable_memstatus() == SQLITE_OK
    }()

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(err)
            throw StoreError.sqlite(code: rc, message: path + ": " + message, sql: sql)
        }
    }

    /// Compiles one statement.
    public func prepare(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        return Statement(database: self, handle: stmt)
    }

    /// The first column of the first row of a query, as an integer (nil when no row or NULL).
    public func scalarInt(_ sql: String) throws -> Int64? {
        let s = try prepare(sql)
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.int64(0)
    }

    /// `PRAGMA user_version`.
    public var userVersion: Int32 {
        get throws { Int32(try scalarInt("PRAGMA user_version") ?? 0) }
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Keeps the `-wal` and `-shm` files when the last connection closes (`SQLITE_FCNTL_PERSIST_WAL`).
    ///
    /// A reader that may not write the store's folder can open a WAL database read-only only while
    /// both files exist (SQLite's "read-only databases" rules for WAL, since 3.22): it cannot create
    /// them. Normally the last writer to close deletes them; persisted, they stay, with the store
    /// file's permissions, so a group that may read the store may read them too.
    public func persistWAL() throws {
        var on: Int32 = 1
        let rc = sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &on)
        // An in-memory database has no files to keep (SQLITE_NOTFOUND).
        guard rc == SQLITE_OK || rc == SQLITE_NOTFOUND else { throw error(rc, sql: nil) }
    }

    /// Milliseconds to wait on a locked database before SQLITE_BUSY.
    public func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    func error(_ rc: Int32, sql: String?) -> StoreError {
        .sqlite(code: rc, message: path + ": " + String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let r = try body()
            try execute("COMMIT")
            return r
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
