import ArgumentParser
import MailTLSStore

/// `--db`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite store (default: $MAILTLS_DB, else ./mailtls.db).", valueName: "path"))
    var db: String?

    var path: String { Store.defaultPath(explicit: db) }
}
