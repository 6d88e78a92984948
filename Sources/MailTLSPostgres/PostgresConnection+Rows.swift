import CLibPQ
import MailTLSStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PostgresConnection {
    /// A typed value bound to a `$n` parameter (nil: SQL NULL of that type).
    ///
    /// The type is declared to the server, so a parameter that appears only in `$1 IS NULL` still has
    /// one (PostgreSQL cannot infer it there).
    public enum Parameter: Sendable, Equatable {
        case text(String?)
        case integer(Int64?)

        var oid: UInt32 {
            switch self {
            case .text: return 25  // text
            case .integer: return 20  // int8
            }
        }

        var value: String? {
            switch self {
            case .text(let s): return s
            case .integer(let n): return n.map(String.init)
            }
        }
    }

    /// Runs one statement and streams its rows (libpq's single-row mode: memory does not grow with the
    /// result), each value typed as SQLite would return it (`PostgresConnection.value`).
    ///
    /// `columns` is called once with the column names before the first row (also when there is none).
    /// If `row` throws, the rest of the result is read and dropped, so the connection stays usable.
    public func stream(_ sql: String, _ parameters: [Parameter], columns: ([String]) throws -> Void,
                       row: ([SQLValue]) throws -> Void) throws {
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.value.map { strdup($0)! } }
        defer { for p in copies { free(p) } }
        let values = copies.map { UnsafePointer($0) }
        let types = parameters.map(\.oid)
        let sent = values.withUnsafeBufferPointer { v in
            types.withUnsafeBufferPointer { t in
                PQsendQueryParams(conn, sql, Int32(parameters.count), t.baseAddress, v.baseAddress, nil, nil, 0)
            }
        }
        guard sent == 1 else {
            throw PostgresError.statement(message: String(cString: PQerrorMessage(conn)), sqlState: nil, sql: sql)
        }
        _ = PQsetSingleRowMode(conn)
        var failure: (any Error)?
        var kinds: [ColumnKind]?
        while let r = PQgetResult(conn) {
            defer { PQclear(r) }
            guard failure == nil else { continue }
            let status = PQresultStatus(r)
            guard status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK else {
                failure = error(r, sql: sql).atLine(of: PQresultErrorField(r, Int32(UInt8(ascii: "P"))), in: sql)
                continue
            }
            do {
                if kinds == nil {
                    let n = PQnfields(r)
                    kinds = (0..<n).map { ColumnKind(oid: PQftype(r, $0)) }
                    try columns((0..<n).map { String(cString: PQfname(r, $0)) })
                }
                for i in 0..<PQntuples(r) {
                    try row(kinds!.indices.map { j in
                        PQgetisnull(r, i, Int32(j)) != 0 ? .null : kinds![j].value(String(cString: PQgetvalue(r, i, Int32(j))))
                    })
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// How a result column's text becomes a `SQLValue`, by its type: what SQLite would have returned
    /// for the same expression, so that reports render the same from both stores.
    enum ColumnKind {
        case integer, real, numeric, boolean, text

        init(oid: UInt32) {
            switch oid {
            case 20, 21, 23: self = .integer  // int8, int2, int4
            case 700, 701: self = .real  // float4, float8
            case 1700: self = .numeric
            case 16: self = .boolean
            default: self = .text
            }
        }

        /// `numeric` is what PostgreSQL's sum() of bigints and its arithmetic on decimal literals
        /// return: a whole number (no point, no exponent) is SQLite's integer sum, anything else a real.
        func value(_ s: String) -> SQLValue {
            switch self {
            case .integer: return Int64(s).map(SQLValue.integer) ?? .text(s)
            case .real: return Double(s).map(SQLValue.real) ?? .text(s)
            case .numeric:
                if !s.contains("."), !s.contains("e"), !s.contains("E"), let n = Int64(s) { return .integer(n) }
                return Double(s).map(SQLValue.real) ?? .text(s)
            case .boolean: return .integer(s == "t" ? 1 : 0)
            case .text: return .text(s)
            }
        }
    }
}

extension PostgresError {
    /// A statement's error with the line of the SQL it points at (PostgreSQL's error position, a
    /// 1-based character offset), so a message about a long query says where.
    func atLine(of position: UnsafePointer<CChar>?, in sql: String) -> PostgresError {
        guard case .statement(let message, let state, _) = self, let position, let offset = Int(String(cString: position)),
              offset > 0 else { return self }
        let line = 1 + sql.prefix(offset - 1).reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
        return .statement(message: message.trimmed + " (line \(line) of the query)", sqlState: state, sql: sql)
    }
}
