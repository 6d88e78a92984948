/// The SQL of `Queries/`, compiled into the binary.
///
/// The EmbedQueries build-tool plugin copies every `Queries/**/*.sql` file into the module at build
/// time, so `Queries/` stays the single source of truth (users run the same files with
/// `sqlite3 mailtls.db < Queries/rates.sql`) and the installed binary needs no file beside it.
public enum QueryLibrary {
    /// The names of all queries: their path below `Queries/` without `.sql` (`rates`, `export/sessions`).
    public static var names: [String] { EmbeddedQueries.files.keys.sorted() }

    /// The exact text of `Queries/<name>.sql`.
    public static func sql(named name: String) throws -> String {
        guard let text = EmbeddedQueries.files[name] else { throw ReportError.missingQuery(name) }
        return text
    }
}
