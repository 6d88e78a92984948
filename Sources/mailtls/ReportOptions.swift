import ArgumentParser
import Foundation
import MailTLSIngest
import MailTLSPostgres
import MailTLSReports
import MailTLSStore

/// What every `mailtls report` section takes: the store, the filters, the output format, and log
/// files to read first.
struct ReportOptions: ParsableArguments {
    /// The help text shared by every section.
    static let discussion = """
        Loopback peers (127.0.0.0/8, ::1, localhost: MSP to MTA hops) are left out \
        unless --include-local. Days are UTC unless --timezone. Given log files, the \
        section reads them into the store first (or into a temporary store with \
        --no-store). The SQL is the source tree's Queries/*.sql, which also run as \
        they are with sqlite3. The store is opened read-only unless files are given. \
        --db (or $MAILTLS_DB) may be a postgresql:// URL: the fleet store (docs/fleet.md), \
        read-only unless files are given: they go in as this host's, as `mailtls ingest --db URL` \
        puts them.

        Exit codes: 0 ok, 1 no store, or a query or an input failed; 2 usage.
        """

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: ReportFilterOptions

    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .table

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output (e.g. with --format html).",
                               valueName: "file"), completion: .file())
    var out: String?

    @Flag(help: "Show long values whole instead of fitting tables to the terminal (100 columns off a terminal).")
    var wide = false

    @Flag(name: .customLong("no-store"), help: "Read the given files into a temporary store, not into --db.")
    var noStore = false

    @Option(help: ArgumentHelp("Year of BSD timestamps in the given files (default: from each file's modification time).",
                               valueName: "yyyy"))
    var year: Int?

    @Flag(name: .shortAndLong, help: "Do not print the ingest summary of the given files.")
    var quiet = false

    @Argument(help: ArgumentHelp("Log files to read first ('-' for standard input).", valueName: "file"),
              completion: .file())
    var files: [String] = []

    func validate() throws {
        try YearOption.validate(year)
        if noStore && files.isEmpty { throw ValidationError("--no-store needs log files to read") }
    }

    /// Reads the files (if any), then prints `section` with the common filters and those `apply` sets.
    func run(_ section: ReportSection, apply: (inout ReportFilter) throws -> Void) throws {
        var filter = try filters.filter(now: Date())
        try apply(&filter)
        try section.check(filter)
        // Show the default window and minimum in the table's note.
        if section.options.contains(.recent) { filter.recent = filter.recent ?? ReportFilter.defaultRecent }
        if section.options.contains(.min) { filter.minSessions = filter.minSessions ?? ReportFilter.defaultMinSessions }
        if section.options.contains(.minHistory) { filter.minHistory = filter.minHistory ?? ReportFilter.defaultMinHistory }
        try run(filter) { reporter, filter in
            try reporter.render(section, filter: filter, format: format, width: wide ? nil : ReportOutput.columns)
        }
    }

    /// Reads the files (if any), then prints what `render` makes of the store for `filter`.
    func run(_ filter: ReportFilter, render: (Reporter, ReportFilter) throws -> String) throws {
        try checkFiles()
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
            inputFailed = try readFirst(into: path)
        }
        let output = ReportOutput()
        do {
            let reporter = try Reporter.open(db: path)
            let text = try render(reporter, filter)
            if let out {
                do { try text.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                    throw ReportError.cannotWrite(path: out, reason: "\((error as NSError).localizedDescription)")
                }
            } else {
                output.put(text)
            }
        } catch {
            Console.error("mailtls: \(error)")
            throw ExitCode(1)
        }
        output.flush()
        if inputFailed { throw ExitCode(1) }
    }

    /// Throws a usage error for a file that does not exist. (Not in `validate()`: ArgumentParser
    /// validates before it reports unknown options, and `verify --by day` should say `--by`.)
    private func checkFiles() throws {
        // A word that is not a section is a file of the default section: one that does not exist is
        // most likely a misspelt or misplaced section, so stop before anything is read or created.
        for file in files where file != "-" && !FileManager.default.fileExists(atPath: file) {
            if ReportSection.names.contains(file) || file == "digest" {
                // Options before the section (`report --db x rates`) make it a file of the default one.
                usageError("'\(file)' is a report section, not a file: name the section first (mailtls report \(file) [options])")
            }
            usageError("no such log file '\(Console.printable(file))' (report sections: \((ReportSection.names + ["digest"]).joined(separator: ", ")))")
        }
    }

    /// A usage error found while running: the message and `mailtls report --help`, exit 2. (Thrown
    /// from `run()`, a `ValidationError` would print the root command's usage instead.)
    private func usageError(_ message: String) -> Never {
        Console.error("Error: \(message)\n  See 'mailtls report --help' for the sections and their options.")
        MailTLS.exit(withError: ExitCode(2))
    }

    /// Ingests the files into the store at `path`; returns true when some file failed.
    private func readFirst(into path: String) throws -> Bool {
        var options = IngestOptions(year: year, timeZone: filters.traffic.timezone.flatMap(TimeZone.init(identifier:)) ?? .current,
                                    hostOfHostlessLines: IngestHost.current)
        // A temporary store is read once: connections still open at the end of the files are over.
        options.endOfInput = noStore
        let paths = IngestOutput.checkInputs(files)
        let summary: IngestSummary
        if let url = PostgresURL(path) {
            // Into the fleet store as this host, as `mailtls ingest --db URL` does.
            let host = options.hostOfHostlessLines
            summary = try FleetStore.withHostLock(url, host: host, wait: 10) { pg in
                try Ingester(target: PostgresIngestStore(pg, ingestHost: host), options: options).ingest(paths: paths)
            }
        } else {
            summary = try withStoreLock(path: path, wait: 10) {
                try Ingester(store: try WritableStore.open(path), options: options).ingest(paths: paths)
            }
        }
        IngestOutput.print(summary, quiet: quiet)
        return !summary.failedFiles.isEmpty
    }
}
