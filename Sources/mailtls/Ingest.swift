import ArgumentParser
import Foundation
import MailTLSIngest
import MailTLSPostgres
import MailTLSStore

extension MailTLS {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read sendmail, Postfix and Exim logs (plain, gzip, bzip2, xz; '-' for stdin) into the store.",
            discussion: """
                Incremental: each file's read position and fingerprints are kept, so a rerun reads only \
                what is new; rotated (renamed or compressed) files are recognised, truncated or replaced \
                files are read again from the start. Files (or a directory) may be given in any order: \
                a rotation chain (maillog.2.gz, maillog.1, maillog; or dated names) is read oldest first. \
                A last line without a newline is left for the next run. Every TLS handshake becomes a \
                tls_sessions row linked to the AUTH, messages and deliveries of its SMTP session; the MTA \
                (sendmail, Postfix, Exim) is recognised line by line, so one folder may mix them.

                A file is committed in parts (every 64 MiB), each with its checkpoint and the open \
                sessions: a killed or failed run keeps what it committed, and the next run continues \
                exactly from there. A --reingest is one transaction: killed, it leaves the store as it \
                was before it.

                Examples:
                  mailtls ingest /var/log/maillog*
                  zcat old.gz | mailtls ingest --db /srv/mailtls.db -
                  mailtls ingest --year 2025 --timezone Europe/Berlin archive/maillog-2025
                  mailtls ingest --reingest /var/log/maillog.1
                  mailtls ingest --db postgresql://mailtls_ingest@db.example.org/mailtls /var/log/maillog*

                Into a PostgreSQL store (docs/fleet.md), each host keeps its own checkpoints under its \
                name (--ingest-host, default the hostname); hosts ingest at the same time, one ingest \
                per host. The password comes from ~/.pgpass or PGPASSWORD, never the command line.

                Exim's main log names no host: its rows get the --ingest-host name (default the \
                hostname). Reading another server's main log, give that server's name.

                Exit codes: 0 ok, 1 some input failed (named on stderr; the others were read), \
                75 the store (on PostgreSQL: this host) is locked by another ingest, 2 usage.
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "Year of BSD timestamps (default: from each file's modification time; stdin: this year).")
        var year: Int?

        @Option(help: ArgumentHelp("Time zone of timestamps without an offset (default: the machine's).", valueName: "zone"))
        var timezone: String?

        @Option(name: .customLong("session-gap"), help: ArgumentHelp("Minutes of silence from a (host, pid) that end its SMTP session.", valueName: "minutes"))
        var sessionGap: Int = 30

        @Option(help: ArgumentHelp("Seconds to wait for another ingest's lock before giving up (exit 75).", valueName: "seconds"))
        var wait: Double = 0

        @Option(help: ArgumentHelp("Remove this file's rows and read it again from the start (repeatable).", valueName: "file"))
        var reingest: [String] = []

        @Option(name: .customLong("ingest-host"), help: ArgumentHelp(
            "The host of lines that name none (Exim's main log), and on a PostgreSQL store the name this host's checkpoints go under (default: the hostname).", valueName: "name"))
        var ingestHost: String?

        @Flag(name: .shortAndLong, help: "Print nothing on success.")
        var quiet = false

        @Argument(help: ArgumentHelp("Log files or directories to read, or '-' for standard input.", valueName: "file"))
        var files: [String] = []

        func validate() throws {
            try YearOption.validate(year)
            if let timezone, TimeZone(identifier: timezone) == nil {
                throw ValidationError("unknown time zone '\(timezone)' (use a name such as UTC or Europe/Berlin)")
            }
            if sessionGap <= 0 { throw ValidationError("--session-gap must be a positive number of minutes") }
            if wait < 0 { throw ValidationError("--wait must not be negative") }
            if let ingestHost, ingestHost.isEmpty { throw ValidationError("--ingest-host must not be empty") }
        }

        func run() throws {
            // Here, not in validate(): ArgumentParser validates before it reports an unknown option,
            // and `ingest --bogus` should name the option, not ask for a file.
            if files.isEmpty && reingest.isEmpty {
                Console.error("Error: give at least one FILE (or '-' for standard input)\n  See 'mailtls ingest --help' for more information.")
                throw ExitCode(2)
            }
            let env = ProcessInfo.processInfo.environment
            let host = ingestHost ?? IngestHost.current
            let options = IngestOptions(year: year, timeZone: timezone.flatMap(TimeZone.init(identifier:)) ?? .current,
                                        sessionGap: Int64(sessionGap) * 60,
                                        faultAfterRows: env["MAILTLS_FAULT_AFTER_ROWS"].flatMap(Int.init),
                                        partBytes: env["MAILTLS_PART_BYTES"].flatMap(Int64.init) ?? IngestOptions.defaultPartBytes,
                                        hostOfHostlessLines: host)
            let progress = ProgressLine(enabled: !quiet && Console.stderrIsTerminal)
            let paths = IngestOutput.checkInputs(files + reingest)
            let report: ((IngestProgress) -> Void)? = progress.enabled ? { progress.show($0) } : nil
            let summary: IngestSummary
            if let url = store.postgres {
                summary = try FleetStore.withHostLock(url, host: host, wait: wait) { pg in
                    try Ingester(target: PostgresIngestStore(pg, ingestHost: host), options: options)
                        .ingest(paths: paths, reingest: Set(reingest), progress: report)
                }
            } else {
                summary = try withStoreLock(store, wait: wait) {
                    try Ingester(store: try WritableStore.open(store.path), options: options)
                        .ingest(paths: paths, reingest: Set(reingest), progress: report)
                }
            }
            progress.clear()
            IngestOutput.print(summary, quiet: quiet)
            if !summary.failedFiles.isEmpty { throw ExitCode(1) }
        }
    }
}
