/// The SQL of `Queries/`, compiled into the binary.
///
/// The EmbedQueries build-tool plugin copies every `Queries/**/*.sql` file into the module at build
/// time, so `Queries/` stays the single source of truth (users run the same files with
/// `sqlite3 mailtls.db < Queries/rates.sql`) and the installed binary needs no file beside it.
///
/// A query is one file for every store unless its SQL must differ: then the other dialect's file sits
/// beside it, named with the dialect's suffix (`Queries/summary.postgres.sql` beside
/// `Queries/summary.sql`), and `sql(named:dialect:)` picks it for that dialect.
public enum QueryLibrary {
    /// The names of all queries: their path below `Queries/` without `.sql` (`rates`, `export/sessions`),
    /// without the dialect files (`summary.postgres`).
    public static var names: [String] { EmbeddedQueries.files.keys.filter { dialectOf($0) == nil }.sorted() }

    /// The names of the dialect files (`summary.postgres`), each the variant of `names`' query without
    /// the suffix.
    public static var dialectNames: [String] { EmbeddedQueries.files.keys.filter { dialectOf($0) != nil }.sorted() }

    /// The exact text of `Queries/<name>.sql`, or of `Queries/<name>.<suffix>.sql` when `dialect` has one.
    public static func sql(named name: String, dialect: SQLDialect = .sqlite) throws -> String {
        if let suffix = dialect.fileSuffix, let text = EmbeddedQueries.files[name + "." + suffix] { return text }
        guard let text = EmbeddedQueries.files[name] else { throw ReportError.missingQuery(name) }
        return text
    }

    /// The dialect a file name is written for (`summary.postgres` -> postgres), nil for a shared file.
    static func dialectOf(_ key: String) -> SQLDialect? {
        guard let dot = key.lastIndex(of: ".") else { return nil }
        let suffix = key[key.index(after: dot)...]
        return SQLDialect.allCases.first { $0.fileSuffix == String(suffix) }
    }
}
