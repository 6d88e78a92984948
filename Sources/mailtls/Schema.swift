import ArgumentParser
import MailTLSStore

extension MailTLS {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the store's SQL schema, with a comment on every column.",
            discussion: """
                The store is a plain SQLite file; query it directly:
                  sqlite3 mailtls.db "SELECT role, version, count(*) FROM tls_sessions GROUP BY 1, 2"
                """
        )

        func run() throws {
            print(MailTLSStore.Schema.documentation)
        }
    }
}
