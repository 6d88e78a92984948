import ArgumentParser
import Foundation
import MailTLSIngest
import MailTLSPostgres
import MailTLSStore

extension MailTLS {
    /// `mailtls copy`: moves a SQLite store into the PostgreSQL fleet store (`StoreCopy`).
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a SQLite store into a PostgreSQL fleet store, checkpoints included.",
            discussion: """
                Copies every row of the SQLite store (TLS sessions, messages, deliveries, AUTH, failures), \
                its daily rollups and local-mail counts, its ingest history, and its checkpoints and \
                open-session state, as the share of one ingesting host (--ingest-host, default this \
                machine's hostname). Rollups and counts are added to what other hosts put there. All in \
                one transaction: on any error nothing is written.

                The SQLite file is only read, and left as it is. Run the copy on the host whose logs the \
                store holds, after its last SQLite ingest, and from then on ingest with --db URL (the \
                cron line too): that ingest goes on exactly where the SQLite store stopped, reading \
                nothing twice. A store of an older schema is refused: run `mailtls ingest --db PATH` \
                once first. A host that already has checkpoints in the PostgreSQL store is refused \
                unless --replace.

                Passwords come from ~/.pgpass or PGPASSWORD, never from the URL. Exit codes: 0 copied, \
                1 refused or failed (nothing written), 2 usage error.

                Example:
                  mailtls copy --from /var/lib/mailtls/mailtls.db \\
                      --to postgresql://mailtls@db.example.org/mailtls
                """
        )

        @Option(help: ArgumentHelp("The SQLite store to copy (read only).", valueName: "path"))
        var from: String

        @Option(help: ArgumentHelp("The PostgreSQL store: postgresql://user@host:port/dbname.", valueName: "url"))
        var to: String

        @Option(name: .customLong("ingest-host"),
                help: ArgumentHelp("The ingesting host the store's checkpoints belong to (default: this machine's hostname).",
                                   valueName: "name"))
        var ingestHost: String?

        @Flag(help: "Replace the rows, counts and checkpoints the PostgreSQL store has of that ingesting host.")
        var replace = false

        func validate() throws {
            guard PostgresURL(to) != nil else {
                throw ValidationError("--to \(to): not a PostgreSQL URL (postgresql://user@host:port/dbname)")
            }
            if PostgresURL.isPostgres(from) {
                throw ValidationError("--from is the SQLite store to copy (a file), not a URL")
            }
            if let ingestHost, ingestHost.isEmpty { throw ValidationError("--ingest-host must not be empty") }
        }

        func run() throws {
            let url = PostgresURL(to)!
            let host = ingestHost ?? IngestHost.current
            let progress = ProgressDisplay(enabled: Console.stderrIsTerminal)
            let started = Date()
            let summary: StoreCopy.Summary
            do {
                let sqlite = try Store(path: from, readOnly: true)
                let postgres = try PostgresStore(url: url)
                summary = try StoreCopy(from: sqlite, to: postgres, ingestHost: host, replace: replace).run(progress: progress.show)
                progress.clear()
            } catch {
                progress.clear()
                Console.error("mailtls: copy of \(from) to \(url.redacted) failed, nothing was written: \(error)")
                throw ExitCode(1)
            }
            let rows = Self.summaryOrder.map { counted(summary.rows[$0.view] ?? 0, $0.one, $0.many) }.joined(separator: ", ")
            let replaced = summary.replacedSources > 0
                ? " (replacing " + counted(summary.replacedSources, "earlier checkpoint", "earlier checkpoints") + ")" : ""
            Console.error("mailtls: copied \(from) to \(url.redacted) as ingest host \(host)\(replaced): \(rows), "
                          + counted(summary.sources, "checkpoint", "checkpoints") + ", in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; "
                          + "from now on ingest with --db \(url.redacted)"
                          + (ingestHost.map { " --ingest-host \($0)" } ?? ""))
        }

        /// The summary line's order and words.
        static let summaryOrder: [(view: String, one: String, many: String)] = [
            ("tls_sessions", "TLS session", "TLS sessions"), ("messages", "message", "messages"),
            ("deliveries", "delivery", "deliveries"), ("auth_events", "AUTH event", "AUTH events"),
            ("tls_failures", "TLS failure", "TLS failures"),
        ]

        /// A one-line progress display on stderr (only when stderr is a terminal).
        final class ProgressDisplay: @unchecked Sendable {
            let enabled: Bool
            private var last = Date.distantPast
            private var shown = false

            init(enabled: Bool) { self.enabled = enabled }

            func show(_ p: StoreCopy.Progress) {
                guard enabled, Date().timeIntervalSince(last) >= 0.25 else { return }
                last = Date()
                let percent = p.total > 0 ? Int(Double(p.done) * 100 / Double(p.total)) : 100
                Console.write("\rcopying \(p.step): \(p.done) / \(p.total) rows (\(percent) %)\u{1B}[K")
                shown = true
            }

            func clear() {
                if shown { Console.write("\r\u{1B}[K") }
            }
        }
    }
}
