import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// Golden outputs of every section, in every format, on the three logs of Samples/ in one store.
///
/// The numbers were checked against the logs: the summary-level ones by `SampleTruthTests` (the
/// hand-counted truth files), the per-role verify/version/cipher counts and distinct peers with an
/// independent Python count built on Samples/check-truth.py, and the per-peer, per-host, per-day and
/// failure rows line by line against Samples/README.md.
@Suite struct SampleGoldenTests {
    static let logs = ["isp-relay.log", "outbound.log", "multihost.log"]

    static func store() throws -> TestStore {
        try TestStore([], files: logs.map(sample))
    }

    static let cases: [(section: String, filter: ReportFilter, tag: String)] = ReportSection.all.map { ($0.name, ReportFilter(), $0.name) } + [
        ("rates", ReportFilter(by: .day), "rates-by-day"),
        ("rates", ReportFilter(by: .host), "rates-by-host"),
        ("peers", ReportFilter(version: "*SSLv3"), "peers-sslv3"),
        ("summary", ReportFilter(includeLocal: true), "summary-include-local"),
    ]

    /// (HTML is checked by HTMLTests: its figures against the JSON, its escaping, its parts.)
    @Test(arguments: [ReportFormat.table, .csv, .json])
    func everySectionMatchesItsGoldenFile(format: ReportFormat) throws {
        let store = try Self.store()
        let ext = ["table": "txt", "csv": "csv", "json": "json"][format.rawValue]!
        for c in Self.cases {
            assertSnapshot(try store.render(c.section, format, c.filter), named: "samples-\(c.tag).\(ext)")
        }
    }

    @Test func exportsStreamEveryRow() throws {
        let store = try Self.store()
        var counts: [String: Int] = [:]
        for table in ExportTable.allCases {
            var lines = 0
            let rows = try store.reporter.export(table, filter: ReportFilter(includeLocal: true), format: .jsonl) { _ in lines += 1 }
            #expect(rows == lines)
            counts[table.rawValue] = rows
        }
        // Every row of the store (nothing is loopback-filtered with --include-local).
        let db = store.reporter.store!.database
        for (table, name) in [("tls_sessions", "sessions"), ("messages", "messages"), ("deliveries", "deliveries"),
                              ("auth_events", "auth"), ("tls_failures", "failures")] {
            #expect(counts[name] == Int(try db.scalarInt("SELECT count(*) FROM \(table)") ?? -1), "\(name)")
        }
        // grep -c 'STARTTLS=server, relay=\|STARTTLS=client, relay=' Samples/*.log: 11 + 16 + 18
        #expect(counts["sessions"] == 45)
        var csv = ""
        try store.reporter.export(.failures, format: .csv) { csv += $0 }
        assertSnapshot(csv, named: "samples-export-failures.csv")
        var peerRows: [String] = []
        try store.reporter.export(.sessions, filter: ReportFilter(peer: "*.stonegroup.example", limit: 1), format: .jsonl) {
            peerRows.append($0)
        }
        #expect(peerRows.count == 1)
        #expect(try JSONValue(parsing: peerRows[0])["peer"]?.string == "mx1.stonegroup.example")
    }
}
