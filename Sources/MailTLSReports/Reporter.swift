import Foundation
import MailTLSPostgres
import MailTLSStore

/// Runs report sections and exports against a store and renders them.
///
/// The numbers come from the SQL of `Queries/`; this type only binds the filter, runs the query and
/// formats what it returns.
public struct Reporter {
    /// The store the queries run against: SQLite or PostgreSQL.
    public let database: any ReportDatabase
    /// The store as the user named it (`--db`, a URL without its password), when opened by name: the
    /// commands a check or a digest prints name it too, so that they read the same store.
    public var location: String?
    var runner: QueryRunner { QueryRunner(database: database) }

    /// The SQLite store, when the reporter reads one.
    public var store: Store? { (database as? SQLiteReportDatabase)?.store }

    /// A reporter over an open SQLite store (see `openStore(path:)`).
    public init(store: Store) {
        database = SQLiteReportDatabase(store: store)
    }

    /// A reporter over `database`.
    public init(database: any ReportDatabase) {
        self.database = database
    }

    /// A reporter over what `--db` (or `$MAILTLS_DB`) names: a PostgreSQL store for a
    /// `postgresql://…` or `postgres://…` URL (`PostgresReportDatabase`), else the SQLite store at
    /// that path (`openStore(path:)`). Either is read only.
    public static func open(db: String) throws -> Reporter {
        var reporter: Reporter
        if let url = PostgresURL(db) {
            reporter = Reporter(database: try PostgresReportDatabase(url: url))
        } else {
            reporter = Reporter(store: try openStore(path: db))
        }
        reporter.location = location(db: db)
        return reporter
    }

    /// Whether `db` names a PostgreSQL store (`postgresql://…`, `postgres://…`).
    public static func isPostgres(db: String) -> Bool { PostgresURL.isPostgres(db) }

    /// `db` as messages show it: a URL without its password, or the path.
    public static func location(db: String) -> String { PostgresURL(db)?.redacted ?? db }

    /// Opens an existing store for reporting, read-only.
    ///
    /// A missing file is `ReportError.noStore` (a report never creates an empty store). Reading needs
    /// no write access to the store or its folder (a monitoring user in the store's group), only
    /// the `-wal` and `-shm` files that writers leave in place (docs/store.md). A store of an older
    /// schema is migrated first when this user may write it, and otherwise named in an error.
    public static func openStore(path: String) throws -> Store {
        guard path == ":memory:" || FileManager.default.fileExists(atPath: path) else { throw ReportError.noStore(path: path) }
        let store = try Store(path: path, readOnly: true)
        let version = try store.database.userVersion
        guard version < Schema.version else { return store }
        guard access(path, W_OK) == 0 else { throw ReportError.schemaTooOld(path: path, found: version, current: Schema.version) }
        return try Store(path: path)
    }

    /// The rows of a table-shaped section.
    public func table(_ section: ReportSection, filter: ReportFilter = ReportFilter()) throws -> ResultTable {
        try section.check(filter)
        if section.query(for: filter) == RatesByDomain.query { return try ratesByDomain(filter: filter) }
        let rows = try runner.table(section.query(for: filter), filter: filter)
        return section.options.contains(.minHistory) ? filter.keepingHistory(rows) : rows
    }

    /// The document of a document-shaped section (the summary).
    public func document(_ section: ReportSection, filter: ReportFilter = ReportFilter()) throws -> JSONValue {
        try section.check(filter)
        return try runner.document(section.query, filter: filter)
    }

    /// The rows of any query of `Queries/` by name (`html/versions-by-day`).
    public func query(_ name: String, filter: ReportFilter = ReportFilter()) throws -> ResultTable {
        try runner.table(name, filter: filter)
    }

    /// The notes under `section`'s table for `filter` (`ReportSection.notes`), in order.
    public func notes(_ section: ReportSection, filter: ReportFilter = ReportFilter()) throws -> [String] {
        var notes: [String] = []
        for name in section.notes {
            notes += try runner.table(name, filter: filter).column("note").compactMap(\.text)
        }
        return notes
    }

    /// The summary document: the stable keys of `Queries/summary.sql`.
    public func summary(filter: ReportFilter = ReportFilter()) throws -> JSONValue {
        try document(.summary, filter: filter)
    }

    /// `section` rendered in `format`, ending with a newline.
    ///
    /// - Parameter width: the columns a table line may take (see `TableRenderer.width`); nil shows
    ///   every value whole.
    public func render(_ section: ReportSection, filter: ReportFilter = ReportFilter(), format: ReportFormat,
                       width: Int? = nil) throws -> String {
        if format == .html { return try HTMLRenderer(reporter: self).render(section, filter: filter) }
        switch section.shape {
        case .document:
            let doc = try document(section, filter: filter)
            switch format {
            case .json: return doc.prettyText + "\n"
            case .csv: return DocumentRenderer.csv(doc)
            case .html, .table:
                return DocumentRenderer(renderer: TableRenderer(width: width)).table(doc, title: section.heading(for: filter),
                                                                                     note: filter.summary)
            }
        case .table:
            let result = try table(section, filter: filter)
            switch format {
            case .json:
                guard !result.rows.isEmpty else { return "[]\n" }
                return "[\n" + result.rows.map { "  " + JSONText.object(columns: result.columns, values: $0) }
                    .joined(separator: ",\n") + "\n]\n"
            case .csv:
                return CSV.record(result.columns.map(CSV.field)) + result.rows.map { CSV.record($0.map(CSV.field)) }.joined()
            case .html, .table:
                var titles: [String: String] = [:]
                if section.options.contains(.by) { titles["bucket"] = filter.by?.rawValue ?? "period" }
                var out = section.heading(for: filter) + "\n" + TableRenderer.noteLines(filter.summary, width: width)
                    + TableRenderer(width: width).render(result, titles: titles)
                for note in try notes(section, filter: filter) { out += "\n" + TableRenderer.lines("Note: " + note, width: width) }
                return out
            }
        }
    }

    /// Streams the rows of `table` that pass `filter` to `write`, one record per call (CSV starts
    /// with its header record); memory use does not grow with the number of rows.
    ///
    /// - Returns: the number of rows written.
    @discardableResult
    public func export(_ table: ExportTable, filter: ReportFilter = ReportFilter(), format: ExportFormat,
                       write: (String) throws -> Void) throws -> Int {
        var count = 0
        var columns: [String] = []
        try runner.forEachRow(table.query, filter: filter, columns: { names in
            columns = names
            // The header comes first, also when there is no row.
            if format == .csv { try write(CSV.record(names.map(CSV.field))) }
        }) { values in
            switch format {
            case .csv: try write(CSV.record(values.map(CSV.field)))
            case .jsonl: try write(JSONText.object(columns: columns, values: values) + "\n")
            }
            count += 1
        }
        return count
    }
}
