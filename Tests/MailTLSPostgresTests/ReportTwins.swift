import Foundation
import MailTLSPostgres
import MailTLSReports
import MailTLSStore
import MailTLSTestSupport
import Testing

/// The same log files in an SQLite store and in a PostgreSQL store (one parser and linker feeding both
/// writers, as `PostgresWriterTests` does), with a reporter over each, and the list of every report,
/// export and check that must come out the same from both.
final class ReportTwins {
    let dir: TempDir
    let database: TestDatabase
    let sqlite: Reporter
    let postgres: Reporter
    /// The first and last session time (Unix seconds).
    let first: Int64, last: Int64

    init(logs: [URL]) throws {
        database = try PostgresTestServer.database()
        dir = try TempDir()
        let store = try Store(path: dir.path("mailtls.db"))
        let sw = try StoreWriter(store: store)
        let pg = try PostgresStore(url: database.url)
        let pw = try PostgresWriter(store: pg)
        var feed = LogFeed()
        for log in logs {
            let source = try store.insertSource(SourceRecord(path: log.path))
            let pgSource = try pg.insertSource(ingestHost: "test", SourceRecord(path: log.path))
            try #require(source == pgSource, "the stores number their sources alike")
            try sw.begin()
            try pw.begin()
            try feed.feed(Array(try Data(contentsOf: log)), source: source) { r in
                try sw.write(r)
                try pw.write(r)
            }
            try sw.rollups.flush(into: store.database)
            try sw.commit()
            try pw.commit()
        }
        let s = try store.database.prepare("SELECT min(ts), max(ts) FROM session_rows")
        _ = try s.step()
        (first, last) = (s.int64(0), s.int64(1))
        sqlite = Reporter(store: store)
        postgres = try Reporter.open(db: database.url.text)
    }

    /// One thing to render from each store.
    struct Case {
        let label: String
        let render: (Reporter) throws -> String
    }

    /// Filters that take each path of the queries: none, periods cut at odd seconds and at midnight
    /// (the rollups serve whole UTC days), each filter alone, and some together.
    var filters: [(String, ReportFilter)] {
        let span = last - first
        func at(_ t: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(t)) }
        let midnight = (first / 86400 + 1) * 86400
        var f: [(String, ReportFilter)] = [("no filter", ReportFilter())]
        f.append(("odd period", ReportFilter(since: at(first + span / 3 + 7), until: at(last - span / 4 + 11))))
        f.append(("whole days", ReportFilter(since: at(midnight), until: at(midnight + 86400 * max(1, span / 86400 / 2)))))
        f.append(("since only", ReportFilter(since: at(first + span / 2 + 1))))
        f.append(("host mx1", ReportFilter(host: "mx1")))
        f.append(("host glob", ReportFilter(host: "m*")))
        f.append(("role server", ReportFilter(role: .server)))
        f.append(("role client", ReportFilter(role: .client)))
        f.append(("peer glob", ReportFilter(peer: "*.example.*")))
        for mta in ReportFilter.mtaNames {
            var m = ReportFilter()
            m.mta = mta
            f.append(("mta \(mta)", m))
        }
        var local = ReportFilter()
        local.includeLocal = true
        f.append(("loopback", local))
        var limited = ReportFilter(since: at(first + span / 5 + 3))
        limited.limit = 3
        limited.mta = "sendmail"
        f.append(("limit, since, mta", limited))
        var localTime = ReportFilter()
        localTime.localTime = true
        f.append(("localtime", localTime))
        return f
    }

    /// Every section in every format with every filter, `rates` by every grouping, `peers` by cipher
    /// and version, every export table in both formats, `check` and the digest.
    var cases: [Case] {
        var out: [Case] = []
        for section in ReportSection.all {
            for (name, filter) in filters {
                for format in ReportFormat.allCases {
                    out.append(Case(label: "\(section.name) [\(name)] \(format)") {
                        try $0.render(section, filter: filter, format: format, width: 120)
                    })
                }
            }
        }
        for by in ReportFilter.Grouping.allCases {
            for (name, base) in filters where ["no filter", "odd period", "whole days", "localtime", "limit, since, mta"].contains(name) {
                var filter = base
                filter.by = by
                for format in ReportFormat.allCases {
                    out.append(Case(label: "rates --by \(by) [\(name)] \(format)") {
                        try $0.render(.rates, filter: filter, format: format, width: 120)
                    })
                }
            }
        }
        var cipher = ReportFilter()
        cipher.cipher = "TLS_AES_*"
        var version = ReportFilter()
        version.version = "TLSv1.2"
        for (name, filter) in [("cipher", cipher), ("version", version)] {
            out.append(Case(label: "peers [\(name)]") { try $0.render(.peers, filter: filter, format: .json) })
        }
        for table in ExportTable.allCases {
            for (name, filter) in filters where ["no filter", "odd period", "host glob", "mta postfix"].contains(name) {
                for format in ExportFormat.allCases {
                    out.append(Case(label: "export \(table) [\(name)] \(format)") { reporter in
                        var text = ""
                        let n = try reporter.export(table, filter: filter, format: format) { text += $0 }
                        return "\(n) rows\n" + text
                    })
                }
            }
        }
        let since = Date(timeIntervalSince1970: TimeInterval(first + (last - first) / 2))
        let until = Date(timeIntervalSince1970: TimeInterval(last + 1))
        for (name, filter) in filters where ["no filter", "host mx1", "mta sendmail", "loopback"].contains(name) {
            out.append(Case(label: "check [\(name)]") { reporter in
                var thresholds = CheckThresholds()
                thresholds[.inboundRate] = CheckLimits(warning: 0.9, critical: 0.5)
                thresholds[.weak] = CheckLimits(warning: 0, critical: 3)
                let r = try reporter.check(since: since, until: until, filter: filter, thresholds: thresholds)
                return r.text + r.perfdata + "\nexit \(r.exitCode)\n"
            })
        }
        out.append(Case(label: "digest") { reporter in
            let digestSince = Date(timeIntervalSince1970: TimeInterval(self.last - 86400 * 3))
            return try Digest(reporter: reporter).render(filter: ReportFilter(since: digestSince, until: until))
        })
        return out
    }

    /// Renders every case from both stores; returns the labels and first differing lines of those
    /// that differ (an error counts as its message).
    func differences() -> (count: Int, differing: [String]) {
        var differing: [String] = []
        let all = cases
        for c in all {
            let want = Result { try c.render(sqlite) }.text
            let got = Result { try c.render(postgres) }.text
            guard want != got else { continue }
            // (By lines: CSV ends its records with CRLF, one Character to Swift.)
            let w = want.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            let g = got.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            let i = (0..<min(w.count, g.count)).first { w[$0] != g[$0] } ?? min(w.count, g.count)
            let line = { (l: [Substring]) in i < l.count ? String(l[i].prefix(300)) : "(end)" }
            differing.append("\(c.label), line \(i + 1):\n  SQLite:     \(line(w))\n  PostgreSQL: \(line(g))")
        }
        if let dump = ProcessInfo.processInfo.environment["MAILTLS_PARITY_DUMP"] {
            // For working on the queries: every difference, not only the first ones the test shows.
            try? differing.joined(separator: "\n").write(toFile: dump, atomically: true, encoding: .utf8)
        }
        return (all.count, differing)
    }
}

extension Result where Success == String, Failure == any Error {
    /// The rendering, or the error's message.
    var text: String {
        switch self {
        case .success(let s): return s
        case .failure(let e): return "error: " + "\(e)".split(whereSeparator: \.isNewline).joined(separator: " | ")
        }
    }
}
