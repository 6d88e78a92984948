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
}
