import MailTLSStore

/// Reports over an SQLite store: prepared statements with SQLite's own named parameters.
///
/// Each query is compiled once per store and kept (`statements`): the digest runs the summary for
/// eight periods, and compiling the summary's SQL costs SQLite about 20 ms before a row is read
/// (docs/reports.md, "Naming a CTE costs SQLite a copy of it").
public final class SQLiteReportDatabase: ReportDatabase {
    /// The open store.
    public let store: Store
    /// Compiled queries by their SQL, reset after each run.
    private var statements: [String: Statement] = [:]

    public init(store: Store) {
        self.store = store
    }

    public var dialect: SQLDialect { .sqlite }
    public var location: String { store.path }

    /// `sql` compiled, with every parameter of `parameters` that it uses bound.
    func prepare(_ sql: String, query: String, parameters: [String: SQLParameter]) throws -> Statement {
        let statement: Statement
        if let kept = statements[sql] {
            statement = kept
        } else {
            do {
                statement = try store.database.prepare(sql)
            } catch let e as StoreError {
                throw ReportError.queryFailed(query: query, message: Self.message(e))
            }
            statements[sql] = statement
        }
        // Queries use named parameters only (a test checks it), so position i is parameter i + 1.
        for (i, parameter) in statement.parameterNames.enumerated() {
            switch parameters[parameter] {
            case .text(let s)?: statement.bind(Int32(i + 1), s)
            case .integer(let n)?: statement.bind(Int32(i + 1), n)
            case nil: statement.bind(Int32(i + 1), nil as String?)
            }
        }
        return statement
    }

    public func run(_ sql: String, query: String, parameters: [String: SQLParameter],
                    columns: ([String]) throws -> Void, row: ([SQLValue]) throws -> Void) throws {
        let statement = try prepare(sql, query: query, parameters: parameters)
        // Reset however the run ends (a row callback may throw mid-way): a statement left running
        // would hold its read transaction open.
        defer { statement.reset() }
        let n = statement.columnCount
        try columns((0..<n).map { statement.columnName($0) })
        var values: [SQLValue] = []
        values.reserveCapacity(Int(n))
        do {
            while try statement.step() {
                values.removeAll(keepingCapacity: true)
                for i in 0..<n { values.append(statement.value(i)) }
                try row(values)
            }
        } catch let e as StoreError {
            throw ReportError.queryFailed(query: query, message: Self.message(e))
        }
    }

    static func message(_ e: StoreError) -> String {
        if case .sqlite(_, let message, _) = e { return message }
        return e.description
    }
}
