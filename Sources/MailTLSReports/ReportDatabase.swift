import MailTLSStore

/// Where reports read their rows: an SQLite store (`SQLiteReportDatabase`) or a PostgreSQL fleet store
/// (`PostgresReportDatabase`). Queries use named parameters (`:since`); each implementation binds them
/// its own way and returns the values as SQLite types them, so renderings are the same from both.
public protocol ReportDatabase: AnyObject {
    /// Which `Queries/` files this database runs.
    var dialect: SQLDialect { get }
    /// What a message names the store by (a path, or a URL without its password).
    var location: String { get }

    /// Runs `sql`, with each named parameter it uses bound to `parameters[name]` (unset: NULL).
    ///
    /// `columns` is called once with the column names before the first row (also when there is no
    /// row), then `row` once per row, in order. Errors of the database are `ReportError.queryFailed`
    /// naming `query`.
    func run(_ sql: String, query: String, parameters: [String: SQLParameter],
             columns: ([String]) throws -> Void, row: ([SQLValue]) throws -> Void) throws
}
