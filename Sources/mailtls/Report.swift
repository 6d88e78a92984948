import ArgumentParser
import MailTLSReports

extension MailTLS {
    /// `mailtls report SECTION`: one subcommand per section of `ReportSection.all`, summary the default.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report on TLS: encryption rates, verify results, versions, ciphers, peers, failures.",
            discussion: """
                Each section is a subcommand with its own --help; summary is the default.
                \(ReportOptions.discussion)

                Examples:
                  mailtls report
                  mailtls report rates --by day --since 30d
                  mailtls report peers --tls-version 'TLSv1' --format csv > old-tls.csv
                  mailtls report --no-store /var/log/maillog
                  mailtls report summary --format json --since 24h | jq .inbound.rate
                """,
            subcommands: [
                Summary.self, Rates.self, Verify.self, Versions.self, Ciphers.self, Peers.self, Failures.self, Weak.self,
                Auth.self, VerifyFailures.self, Daily.self, Downgrades.self, Policy.self, DigestCommand.self,
            ],
            defaultSubcommand: Summary.self
        )
    }
}
