import ArgumentParser
import Foundation
import MailTLSIngest
import MailTLSStore

extension MailTLS {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read sendmail logs (plain, gzip, bzip2, xz; '-' for stdin) into the store.",
            discussion: """
                Files are read in the order given; compression is detected from the content.
                Every STARTTLS handshake becomes a tls_sessions row, linked to the AUTH, from= and
                to= lines of its SMTP session. Lines from other programs are skipped; lines that
                cannot be parsed are counted and a few are shown.

                Examples:
                  mailtls ingest /var/log/maillog.1.gz /var/log/maillog
                  zcat old.gz | mailtls ingest --db /srv/mailtls.db -
                  mailtls ingest --year 2025 --timezone Europe/Berlin archive/maillog-2025
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "Year of BSD timestamps (default: from each file's modification time; stdin: this year).")
        var year: Int?

        @Option(help: ArgumentHelp("Time zone of timestamps without an offset (default: the machine's).", valueName: "zone"))
        var timezone: String?

        @Option(name: .customLong("session-gap"), help: ArgumentHelp("Minutes of silence from a (host, pid) that end its SMTP session.", valueName: "minutes"))
        var sessionGap: Int = 30

        @Flag(name: .shortAndLong, help: "Print nothing on success.")
        var quiet = false

        @Argument(help: ArgumentHelp("Log files to read, or '-' for standard input.", valueName: "file"))
        var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one FILE (or '-' for standard input)") }
            if let timezone, TimeZone(identifier: timezone) == nil {
                throw ValidationError("unknown time zone '\(timezone)' (use a name such as UTC or Europe/Berlin)")
            }
            if sessionGap <= 0 { throw ValidationError("--session-gap must be a positive number of minutes") }
        }

        func run() throws {
            let options = IngestOptions(year: year, timeZone: timezone.flatMap(TimeZone.init(identifier:)) ?? .current,
                                        sessionGap: Int64(sessionGap) * 60)
            let summary: IngestSummary
            do {
                let s = try Store(path: store.path)
                summary = try Ingester(store: s, options: options).ingest(paths: files)
            } catch {
                Console.error("mailtls: \(error)")
                throw ExitCode(1)
            }
            for e in summary.failedFiles { Console.error("mailtls: \(e)") }
            if !quiet || !summary.failedFiles.isEmpty {
                Console.error("mailtls: \(summary.line)")
                for s in summary.samples {
                    Console.error("  unparsed \(s.path):\(s.line): \(s.reason): \(s.text)")
                }
            }
            if !summary.failedFiles.isEmpty { throw ExitCode(1) }
        }
    }
}
