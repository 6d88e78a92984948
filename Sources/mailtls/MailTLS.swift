import ArgumentParser

@main
struct MailTLS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailtls",
        abstract: "TLS facts from sendmail logs: encryption rates, verify results, ciphers, weak crypto.",
        discussion: """
            Read maillogs into a SQLite store, then ask questions about TLS.

              mailtls ingest /var/log/maillog*
              mailtls schema | less

            The store is --db PATH, else $MAILTLS_DB, else ./mailtls.db.
            Exit codes: 0 ok, 1 some input failed, 2 usage error.
            """,
        version: "0.1.0",
        subcommands: [Ingest.self, Report.self, Export.self, Status.self, Prune.self, Schema.self]
    )
}
