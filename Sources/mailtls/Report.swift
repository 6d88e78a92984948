import ArgumentParser
import Foundation
import MailTLSIngest
import MailTLSReports
import MailTLSStore

extension MailTLS {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report on TLS: encryption rates, verify results, versions, ciphers, peers, failures.",
            discussion: """
                Sections (default: summary):
                \(ReportSection.all.map { "  " + ($0.name.count < 10 ? $0.name.padding(toLength: 10, withPad: " ", startingAt: 0) : $0.name + "\n" + String(repeating: " ", count: 12)) + $0.abstract }.joined(separator: "\n"))

                Loopback peers (127.0.0.0/8, ::1, localhost: MSP to MTA hops) are left
                out unless --include-local. Days are UTC unless --timezone. Given log
                files, report reads them into the store first (or into a temporary
                store with --no-store). The SQL is the source tree's Queries/*.sql,
                which also run as they are with sqlite3.

                Examples:
                  mailtls report
                  mailtls report rates --by day --since 30d
                  mailtls report peers --version 'TLSv1' --format csv > old-tls.csv
                  mailtls report --no-store /var/log/maillog
                  mailtls report summary --format json --since 24h | jq .inbound.rate

                Exit codes: 0 ok, 1 no store, or a query or an input failed; 2 usage.
                """
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var filters: ReportFilterOptions

        @Option(help: ArgumentHelp("rates: one row per day, week, month, host or peer.", valueName: "grouping"))
        var by: String?

        @Option(help: ArgumentHelp("peers: only peers with a session using this cipher ('*' wildcard).", valueName: "cipher"))
        var cipher: String?

        @Option(name: .customLong("version"), help: ArgumentHelp("peers: only peers with a session of this TLS version ('*' wildcard).", valueName: "version"))
        var tlsVersion: String?

        @Option(help: ArgumentHelp("downgrades: the recent window, compared with the history before it (default 7d).", valueName: "age"))
        var recent: String?

        @Option(name: .customLong("min"), help: ArgumentHelp("policy: the fewest sessions a peer needs to be suggested (default 3).", valueName: "n"))
        var minSessions: Int?

        @Option(help: ArgumentHelp("table, csv or json (default: table on a terminal, else json).", valueName: "format"))
        var format: String?

        @Flag(name: .customLong("no-store"), help: "Read the given files into a temporary store, not into --db.")
        var noStore = false

        @Option(help: "Year of BSD timestamps in the given files (default: from each file's modification time).")
        var year: Int?

        @Flag(name: .shortAndLong, help: "Do not print the ingest summary of the given files.")
        var quiet = false

        @Argument(help: ArgumentHelp("A section, then log files to read first ('-' for standard input).", valueName: "section|file"))
        var arguments: [String] = []

        func validate() throws {
            let files: [String]
            do {
                files = try plan().files
            } catch let e as ReportError {
                throw ValidationError(e.description)
            }
            if noStore && files.isEmpty { throw ValidationError("--no-store needs log files to read") }
        }

        /// The section, the files to read first, the format and the filter.
        func plan() throws -> (section: ReportSection, files: [String], format: ReportFormat, filter: ReportFilter) {
            var files = arguments
            var section = ReportSection.all[0]
            if let first = files.first {
                if let s = try? ReportSection.named(first) {
                    section = s
                    files.removeFirst()
                } else if first != "-" && !first.contains("/") && !first.contains(".")
                            && !FileManager.default.fileExists(atPath: first) {
                    throw ReportError.unknownSection(first)
                }
            }
            let format: ReportFormat
            if let name = self.format {
                guard let f = ReportFormat(rawValue: name.lowercased()) else {
                    throw ValidationError("unknown format '\(name)': use table, csv or json")
                }
                format = f
            } else {
                format = ReportOutput.isTerminal ? .table : .json
            }
            var filter = try filters.filter(now: Date())
            filter.by = try by.map { try ReportFilter.Grouping(name: $0) }
            filter.cipher = cipher
            filter.version = tlsVersion
            do { filter.recent = try recent.map { try WatchDefaults.duration($0, option: "--recent") } } catch { throw ValidationError("\(error)") }
            if let minSessions, minSessions < 1 { throw ValidationError("--min must be at least 1") }
            filter.minSessions = minSessions
            try section.check(filter)
            // Show the default window and minimum in the table's note.
            if section.options.contains(.recent) { filter.recent = filter.recent ?? ReportFilter.defaultRecent }
            if section.options.contains(.min) { filter.minSessions = filter.minSessions ?? ReportFilter.defaultMinSessions }
            return (section, files, format, filter)
        }

        func run() throws {
            let (section, files, format, filter) = try plan()
            filters.applyTimeZone()
            var temporary: URL?
            defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
            var path = store.path
            var inputFailed = false
            if !files.isEmpty {
                if noStore {
                    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-\(UUID().uuidString)")
                    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                    temporary = dir
                    path = dir.appendingPathComponent("report.db").path
                }
                inputFailed = try readFirst(files, into: path, oneShot: noStore)
            }
            let output = ReportOutput()
            do {
                let reporter = Reporter(store: try Reporter.openStore(path: path))
                output.put(try reporter.render(section, filter: filter, format: format))
            } catch {
                Console.error("mailtls: \(error)")
                throw ExitCode(1)
            }
            output.flush()
            if inputFailed { throw ExitCode(1) }
        }

        /// Ingests `files` into the store at `path`; returns true when some file failed.
        private func readFirst(_ files: [String], into path: String, oneShot: Bool) throws -> Bool {
            let zone = filters.timezone.flatMap(TimeZone.init(identifier:)) ?? .current
            let options = IngestOptions(year: year, timeZone: zone)
            let summary: IngestSummary
            do {
                let lock = try StoreLock(storePath: path, wait: 10)
                summary = try Ingester(store: try Store(path: path), options: options).ingest(paths: files)
                withExtendedLifetime(lock) {}
            } catch {
                Console.error("mailtls: \(error)")
                throw ExitCode(1)
            }
            for e in summary.failedFiles { Console.error("mailtls: \(e)") }
            if !quiet || !summary.failedFiles.isEmpty {
                Console.error("mailtls: \(summary.line)")
                for s in summary.samples { Console.error("  unparsed \(s.path):\(s.line): \(s.reason): \(s.text)") }
            }
            return !summary.failedFiles.isEmpty
        }
    }
}
