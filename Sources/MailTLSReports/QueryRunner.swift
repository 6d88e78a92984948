import MailTLSStore

/// Runs the queries of `QueryLibrary` in the database's dialect with a filter's parameters bound.
struct QueryRunner {
    let database: any ReportDatabase

    /// Calls `columns` once, then `body` once per row of query `name`.
    func forEachRow(_ name: String, filter: ReportFilter, columns: ([String]) throws -> Void = { _ in },
                    _ body: ([SQLValue]) throws -> Void) throws {
        let sql = try QueryLibrary.sql(named: name, dialect: database.dialect)
        try database.run(sql, query: name, parameters: filter.parameters, columns: columns, row: body)
    }

    /// All rows of query `name`.
    func table(_ name: String, filter: ReportFilter) throws -> ResultTable {
        var rows: [[SQLValue]] = []
        var names: [String] = []
        try forEachRow(name, filter: filter, columns: { names = $0 }) { rows.append($0) }
        return ResultTable(columns: names, rows: rows)
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
}
