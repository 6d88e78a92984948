import ArgumentParser
import MailTLSPostgres
import MailTLSStore

extension MailTLS {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the store's SQL schema, with a comment on every column.",
            discussion: """
                The store is a plain SQLite file; query it directly:
                  sqlite3 mailtls.db "SELECT role, version, count(*) FROM tls_sessions GROUP BY 1, 2"

                With --db postgresql://… (or $MAILTLS_DB holding such a URL) it prints the PostgreSQL \
                store's schema instead: the same views and columns, in PostgreSQL's SQL. Nothing is \
                opened; the schema is the one this build creates.
                """
        )

        @OptionGroup var store: StoreOptions

        func run() throws {
            print(store.postgres == nil ? MailTLSStore.Schema.documentation : PostgresStore.documentation)
        }
    }
}
