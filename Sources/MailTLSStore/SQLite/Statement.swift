import CSQLite3
import MailTLSParser

/// A prepared statement. Bind, `step`, read columns, `reset` to reuse.
public final class Statement {
    unowned let database: Database
    let handle: OpaquePointer

    init(database: Database, handle: OpaquePointer) {
        self.database = database
        self.handle = handle
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: Binding (1-based indexes, like SQLite)

    public func bind(_ i: Int32, _ value: String?) {
        guard let value else { sqlite3_bind_null(handle, i); return }
        ByteSpan.with(value) { bind(i, bytes: UnsafeRawBufferPointer(start: $0.base, count: $0.count)) }
    }

    public func bind(_ i: Int32, _ value: Int?) {
        guard let value else { sqlite3_bind_null(handle, i); return }
        sqlite3_bind_int64(handle, i, Int64(value))
    }

    public func bind(_ i: Int32, _ value: Int64?) {
        guard let value else { sqlite3_bind_null(handle, i); return }
        sqlite3_bind_int64(handle, i, value)
    }

    public func bind(_ i: Int32, _ value: Bool) {
        sqlite3_bind_int64(handle, i, value ? 1 : 0)
    }

    public func bind(_ i: Int32, _ value: Double?) {
        guard let value else { sqlite3_bind_null(handle, i); return }
        sqlite3_bind_double(handle, i, value)
    }

    /// Binds raw bytes as TEXT.
    public func bind(_ i: Int32, bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else {
            _ = sqlite3_bind_text(handle, i, "", 0, SQLITE_TRANSIENT)
            return
        }
        _ = sqlite3_bind_text(handle, i, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), SQLITE_TRANSIENT)
    }

    /// Binds bytes as TEXT without copying: they must stay unchanged until the statement is reset.
    /// Binds a value to a named parameter (`:since`); ignored when the statement has no such parameter.
    public func bind(named name: String, _ value: String?) {
        let i = sqlite3_bind_parameter_index(handle, name)
        if i > 0 { bind(i, value) }
    }

    /// Binds an integer to a named parameter; ignored when the statement has no such parameter.
    public func bind(named name: String, _ value: Int64?) {
        let i = sqlite3_bind_parameter_index(handle, name)
        if i > 0 { bind(i, value) }
    }

    /// The names of the statement's named parameters (`:since`, …).
    public var parameterNames: [String] {
        (0..<sqlite3_bind_parameter_count(handle)).compactMap { i in
            sqlite3_bind_parameter_name(handle, i + 1).map { String(cString: $0) }
        }
    }

    // MARK: Running

    /// Runs one step: true when a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let e = database.error(rc, sql: sqlite3_sql(handle).map { String(cString: $0) })
        sqlite3_reset(handle)
        throw e
    }

    /// Runs to completion and resets, for INSERT/UPDATE.
    public func run() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    public func reset() {
        sqlite3_reset(handle)
    }

    // MARK: Columns (0-based)

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func columnName(_ i: Int32) -> String {
        String(cString: sqlite3_column_name(handle, i))
    }

    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }

    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }

    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }

    public func string(_ i: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, i) else { return nil }
        let n = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    /// The column's value as a `SQLValue`.
    public func value(_ i: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(int64(i))
        case SQLITE_FLOAT: return .real(double(i))
        case SQLITE_NULL: return .null
        default: return .text(string(i) ?? "")
        }
    }
}

/// A value read from a result row.
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var int: Int64? {
        switch self {
        case .integer(let v): return v
        case .real(let d): return Int64(d)
        case .text(let s): return Int64(s)
        case .null: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .real(let d): return d
        case .text(let s): return Double(s)
        case .null: return nil
        }
    }

    public var text: String? {
        switch self {
        case .text(let s): return s
        case .integer(let v): return String(v)
        case .real(let d): return String(d)
        case .null: return nil
        }
    }
}
