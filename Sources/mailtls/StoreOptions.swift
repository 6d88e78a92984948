import ArgumentParser
import MailTLSPostgres
import MailTLSStore

/// `--db`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store: a SQLite file, or a PostgreSQL URL postgresql://user@host:port/dbname (default: $MAILTLS_DB, else ./mailtls.db).",
        valueName: "path|url"))
    var db: String?

    /// What `--db` or `$MAILTLS_DB` names (a path or a URL), else `mailtls.db`.
    var path: String { Store.defaultPath(explicit: db) }

    /// The PostgreSQL store's URL when the store is one, else nil (a SQLite file).
    var postgres: PostgresURL? { PostgresURL(path) }

    /// A value meant as a URL but not a PostgreSQL one (`postgresq://…`, `postgresql:db` without `//`)
    /// would otherwise become the name of a new SQLite file in the current folder: a usage error (exit
    /// 2) instead. The value is not echoed: it may hold a password.
    func validate() throws {
        let p = path
        guard PostgresURL(p) == nil, Self.looksLikeURL(p) else { return }
        let source = db == nil ? "$MAILTLS_DB" : "--db"
        throw ValidationError("\(source) looks like a URL but is not a PostgreSQL one: write postgresql://user@host:port/dbname "
                              + "(or a SQLite file's path)")
    }

    /// `scheme://…`, or a `postgres:`/`postgresql:` prefix in any case.
    static func looksLikeURL(_ s: String) -> Bool {
        if s.contains("://") { return true }
        let lower = s.lowercased()
        return lower.hasPrefix("postgresql:") || lower.hasPrefix("postgres:")
    }
}
