import Foundation
import MailTLSIngest
import MailTLSReports
import MailTLSStore
import MailTLSTestSupport
import Testing

/// A store built from log text: a real SQLite file in a temporary directory.
final class TestStore {
    let dir: TempDir
    let path: String
    let reporter: Reporter

    /// Ingests `logs` (each one file, in order) as the year 2026, UTC, with open sessions flushed.
    init(_ logs: [String], files: [String] = []) throws {
        dir = try TempDir()
        path = dir.path("test.db")
        var paths = files
        for (i, text) in logs.enumerated() { paths.append(try dir.write("maillog.\(i)", text)) }
        let store = try Store(path: path)
        if !paths.isEmpty {
            let options = IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!)
            let summary = try Ingester(store: store, options: options).ingest(paths: paths)
            #expect(summary.failedFiles.isEmpty, "ingest failed: \(summary.failedFiles)")
            #expect(summary.malformed == 0, "unparsed lines: \(summary.samples)")
        }
        reporter = Reporter(store: store)
    }

    convenience init(_ log: String) throws { try self.init([log]) }

    /// The rows of `section`.
    func table(_ section: String, _ filter: ReportFilter = ReportFilter()) throws -> ResultTable {
        try reporter.table(try ReportSection.named(section), filter: filter)
    }

    /// The summary document.
    func summary(_ filter: ReportFilter = ReportFilter()) throws -> JSONValue {
        try reporter.summary(filter: filter)
    }

    /// `section` as `mailtls report` prints it when its output is not a terminal (tables in 100 columns).
    func render(_ section: String, _ format: ReportFormat, _ filter: ReportFilter = ReportFilter()) throws -> String {
        try reporter.render(try ReportSection.named(section), filter: filter, format: format, width: 100)
    }
}

extension ResultTable {
    /// Each row as `a|b|c` ("-" for NULL), for compact expectations.
    var lines: [String] {
        rows.map { row in row.map { $0.text ?? "-" }.joined(separator: "|") }
    }

    /// The one value of `column` in the row whose first column is `key`.
    func value(_ column: String, where key: String) -> SQLValue? {
        guard let c = columns.firstIndex(of: column) else { return nil }
        return rows.first(where: { $0.first?.text == key })?[c]
    }
}

/// The repository root (three levels above this file).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A sample log of `Samples/`.
func sample(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("Samples").appendingPathComponent(name).path
}

/// A syslog line of host `mx1` on 2026-03-02 (or `day`) at `time`: `line("10:00:01", 100, "STARTTLS=…")`.
func line(_ time: String, _ pid: Int, _ message: String, host: String = "mx1", day: String = "Mar  2",
          tag: String = "sm-mta") -> String {
    "\(day) \(time) \(host) \(tag)[\(pid)]: \(message)\n"
}
