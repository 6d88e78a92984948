/// The SQL a store speaks: which file of `Queries/` a report runs (`QueryLibrary.sql(named:dialect:)`).
public enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// What a query file's name carries before `.sql` when it is written for this dialect only:
    /// `Queries/summary.postgres.sql` beside the shared `Queries/summary.sql`. SQLite has none: the
    /// plain file is SQLite's (and every dialect's unless it has a file of its own).
    public var fileSuffix: String? {
        switch self {
        case .sqlite: return nil
        case .postgres: return "postgres"
        }
    }
}
