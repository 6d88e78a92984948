import ArgumentParser
import MailTLSReports

@main
struct MailTLS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailtls",
        abstract: "TLS facts from sendmail, Postfix and Exim logs: encryption rates, verify results, ciphers, weak crypto.",
        discussion: """
            Read mail logs into a store, then ask questions about TLS.

              mailtls ingest /var/log/maillog*
              mailtls report
              mailtls schema | less

            The store is --db PATH, else $MAILTLS_DB, else ./mailtls.db: a SQLite file, or a \
            postgresql://user@host/db URL for one store of many mail servers (docs/fleet.md). \
            Exit codes: 0 ok, 1 some input failed (or no store), 2 usage error, 75 store locked; \
            `mailtls check` exits 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios; usage errors too).
            """,
        version: MailTLS.version,
        subcommands: [Ingest.self, Report.self, Export.self, Check.self, Status.self, Prune.self, RebuildRollups.self, Schema.self, Copy.self]
    )

    /// What `mailtls --version` prints; CHANGELOG.md says what each version changed.
    static let version = "0.2.0"

    /// Runs the command; usage errors exit 2 (not ArgumentParser's 64), as documented, except
    /// `check`'s, which exit 3: a monitoring plugin called wrongly is UNKNOWN, not CRITICAL (the
    /// Monitoring Plugins guidelines), so a typo in a service definition does not page as an outage.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.error(fullMessage(for: error))
                if CommandLine.arguments.dropFirst().first == "check" {
                    // The monitor shows the first line of standard output.
                    let output = ReportOutput()
                    output.put(CheckResult.unknown("usage: \(message(for: error))"))
                    output.flush()
                    Self.exit(withError: ExitCode(CheckStatus.unknown.rawValue))
                }
                Self.exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
