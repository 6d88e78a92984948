import MailTLSStore

/// Runs the queries of `QueryLibrary` against a store with a filter's parameters bound.
struct QueryRunner {
    let database: Database

    /// The compiled query `name`, with every parameter of `filter` that it uses bound.
    func prepare(_ name: String, filter: ReportFilter) throws -> Statement {
        let sql = try QueryLibrary.sql(named: name)
        let statement: Statement
        do {
            statement = try database.prepare(sql)
        } catch let e as StoreError {
            throw ReportError.queryFailed(query: name, message: Self.message(e))
        }
        let values = filter.parameters
        // Queries use named parameters only (a test checks it), so position i is parameter i + 1.
        for (i, parameter) in statement.parameterNames.enumerated() {
            switch values[parameter] {
            case .text(let s)?: statement.bind(Int32(i + 1), s)
            case .integer(let n)?: statement.bind(Int32(i + 1), n)
            case nil: statement.bind(Int32(i + 1), nil as String?)
            }
        }
        return statement
    }

    /// Calls `body` once per row; returns the column names.
    @discardableResult
    func forEachRow(_ name: String, filter: ReportFilter, _ body: (Statement) throws -> Void) throws -> [String] {
        let statement = try prepare(name, filter: filter)
        let columns = (0..<statement.columnCount).map { statement.columnName($0) }
        do {
            while try statement.step() { try body(statement) }
        } catch let e as StoreError {
            throw ReportError.queryFailed(query: name, message: Self.message(e))
        }
        return columns
    }

    /// All rows of query `name`.
    func table(_ name: String, filter: ReportFilter) throws -> ResultTable {
        var rows: [[SQLValue]] = []
        let columns = try forEachRow(name, filter: filter) { s in
            rows.append((0..<s.columnCount).map { s.value($0) })
        }
        return ResultTable(columns: columns, rows: rows)
    }

    /// The JSON document that query `name` returns as its only value.
    func document(_ name: String, filter: ReportFilter) throws -> JSONValue {
        let result = try table(name, filter: filter)
        guard result.rows.count == 1, result.columns.count == 1, case .text(let text) = result.rows[0][0] else {
            throw ReportError.malformedDocument(query: name, detail: "expected one row with one text column")
        }
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw ReportError.malformedDocument(query: name, detail: "\(error)")
        }
    }

    private static func message(_ e: StoreError) -> String {
        if case .sqlite(_, let message, _) = e { return message }
        return e.description
    }
}
