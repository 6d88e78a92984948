import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking connection to a PostgreSQL server through libpq (opened with dlopen by the first
/// connection: `CLibPQ`; without libpq it throws `PostgresError.libpqMissing`).
///
/// A command-line ingest does one thing at a time, so libpq's synchronous calls fit it: no event loop,
/// no threads of its own (docs/fleet.md: why libpq). Statements go as text; values are passed as
/// parameters (`$1`, …, in text form), never spliced into SQL. Bulk rows go with `copy(into:…)`.
/// Not thread-safe: one thread uses a connection at a time.
public final class PostgresConnection {
    let conn: OpaquePointer
    /// The URL without its password, for messages.
    public let url: String

    public init(url: PostgresURL) throws {
        self.url = url.redacted
        if let problem = mailtls_libpq_load() {
            throw PostgresError.libpqMissing(reason: String(cString: problem))
        }
        guard let c = PQconnectdb(url.text) else {
            throw PostgresError.cannotConnect(url: url.redacted, message: "out of memory")
        }
        guard PQstatus(c) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(c))
            PQfinish(c)
            throw PostgresError.cannotConnect(url: url.redacted, message: message)
        }
        conn = c
        // Times are Unix seconds in the base tables and UTC text in the views: nothing depends on the
        // session's time zone, but messages and now() read best in UTC.
        try execute("SET TIME ZONE 'UTC'; SET client_min_messages = warning")
    }

    deinit { PQfinish(conn) }

    /// The server's version as a number (150018 for 15.18).
    public var serverVersion: Int { Int(PQserverVersion(conn)) }

    func error(_ r: OpaquePointer?, sql: String) -> PostgresError {
        let message = r.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? ""
        let state = r.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        return .statement(message: message.isEmpty ? String(cString: PQerrorMessage(conn)) : message,
                          sqlState: state, sql: sql)
    }

    /// Runs one or more statements without parameters (`;`-separated), ignoring any rows.
    public func execute(_ sql: String) throws {
        park()
        let r = PQexec(conn, sql)
        defer { PQclear(r) }
        let status = r.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY else {
            throw error(r, sql: sql)
        }
    }

    /// Runs one statement with text parameters and returns its rows, each value as text or nil for NULL.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        park()
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0)! } }
        defer { for p in copies { free(p) } }
        let values = copies.map { UnsafePointer($0) }
        let r = values.withUnsafeBufferPointer { v in
            PQexecParams(conn, sql, Int32(parameters.count), nil, v.baseAddress, nil, nil, 0)
        }
        defer { PQclear(r) }
        return try rows(r, sql: sql)
    }

    /// The rows of a finished statement (none for a command), or its error.
    private func rows(_ r: OpaquePointer?, sql: String) throws -> [[String?]] {
        let status = r.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw error(r, sql: sql) }
        guard let r, status == PGRES_TUPLES_OK else { return [] }
        let rows = PQntuples(r), columns = PQnfields(r)
        var out: [[String?]] = []
        out.reserveCapacity(Int(rows))
        for i in 0..<rows {
            var row: [String?] = []
            row.reserveCapacity(Int(columns))
            for j in 0..<columns {
                row.append(PQgetisnull(r, i, j) != 0 ? nil : String(cString: PQgetvalue(r, i, j)))
            }
            out.append(row)
        }
        return out
    }

    /// A statement `send` started, and its outcome once read (`park`).
    private var sent: (sql: String, outcome: Result<[[String?]], Error>?)?

    /// Starts one statement with text parameters without waiting for it: the server runs it while the
    /// caller goes on, and `collect` returns its rows. Any other statement on this connection first
    /// waits for it (its outcome is kept for `collect`).
    public func send(_ sql: String, _ parameters: [String?] = []) throws {
        park()
        if sent != nil { throw PostgresError.statement(message: "a sent statement was not collected", sqlState: nil, sql: sql) }
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0)! } }
        defer { for p in copies { free(p) } }
        let values = copies.map { UnsafePointer($0) }
        let ok = values.withUnsafeBufferPointer { v in
            PQsendQueryParams(conn, sql, Int32(parameters.count), nil, v.baseAddress, nil, nil, 0)
        }
        guard ok == 1 else { throw error(nil, sql: sql) }
        sent = (sql, nil)
    }

    /// The rows of the statement `send` started (waiting for it), or its error; no rows when none was sent.
    public func collect() throws -> [[String?]] {
        park()
        guard let s = sent else { return [] }
        sent = nil
        return try s.outcome!.get()
    }

    /// Waits for the sent statement's result and keeps it.
    private func park() {
        guard let s = sent, s.outcome == nil else { return }
        var outcome: Result<[[String?]], Error>?
        while let r = PQgetResult(conn) {
            if outcome == nil { outcome = Result { try rows(r, sql: s.sql) } }
            PQclear(r)
        }
        sent = (s.sql, outcome ?? .success([]))
    }

    /// The first column of the first row as an integer, or nil (no row, NULL).
    public func scalarInt(_ sql: String, _ parameters: [String?] = []) throws -> Int64? {
        try query(sql, parameters).first?.first??.asInt64
    }

    /// Sends `data` (rows in COPY text format: tab-separated, `\N` for NULL, one line per row) into
    /// `table`'s `columns` with `COPY … FROM STDIN`, in the caller's transaction.
    public func copy(into table: String, columns: [String], data: UnsafeRawBufferPointer) throws {
        try copy(into: table, columns: columns) { send in try send(data) }
    }

    /// A `COPY … FROM STDIN` whose rows `produce` sends in pieces as it makes them: the server inserts
    /// one piece while the next is made, so both cores work.
    public func copy(into table: String, columns: [String],
                     _ produce: (_ send: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let sql = "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
        park()
        let start = PQexec(conn, sql)
        let status = start.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw error(start, sql: sql)
        }
        PQclear(start)
        var failed: String?
        do {
            try produce { data in
                guard failed == nil, data.count > 0 else { return }
                // libpq copies into its own buffer and sends as it fills; chunks of 1 MiB keep each call short.
                var offset = 0
                while offset < data.count {
                    let n = min(1 << 20, data.count - offset)
                    let p = data.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                    guard PQputCopyData(conn, p, Int32(n)) == 1 else {
                        failed = String(cString: PQerrorMessage(conn))
                        return
                    }
                    offset += n
                }
            }
        } catch {
            _ = PQputCopyEnd(conn, "the client failed: \(error)")
            while let r = PQgetResult(conn) { PQclear(r) }
            throw error
        }
        _ = PQputCopyEnd(conn, failed)
        var firstError: PostgresError?
        while let r = PQgetResult(conn) {
            if PQresultStatus(r) != PGRES_COMMAND_OK, firstError == nil {
                let message = String(cString: PQresultErrorMessage(r))
                let state = PQresultErrorField(r, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
                firstError = .copy(table: table, message: message, sqlState: state)
            }
            PQclear(r)
        }
        if let firstError { throw firstError }
    }

    public func begin() throws { try execute("BEGIN") }
    public func commit() throws { try execute("COMMIT") }
    public func rollback() { try? execute("ROLLBACK") }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin()
        do {
            let v = try body()
            try commit()
            return v
        } catch {
            rollback()
            throw error
        }
    }
}

extension String {
    var asInt64: Int64? { Int64(self) }
}
