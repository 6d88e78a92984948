import Foundation
import MailTLSIngest
import MailTLSReports
import MailTLSStore
import Testing

/// summary.sql answers an unfiltered report from the daily rollups and a filtered one from the raw
/// rows: both paths must give the same document. A `:since` that matches every row forces the raw
/// path without filtering anything out.
@Suite struct RollupPathTests {
    static func summary(_ db: String, _ params: [String: String]) throws -> String {
        let store = try Store(path: db, readOnly: true)
        let s = try store.database.prepare(try QueryLibrary.sql(named: "summary"))
        for (k, v) in params { s.bind(named: k, v) }
        #expect(try s.step())
        return s.string(0) ?? ""
    }

    @Test(arguments: [[:], [":include_local": "1"], [":host": "mx*"], [":role": "client"], [":limit": "2"]])
    func rollupsAndRawRowsGiveTheSameSummary(filters: [String: String]) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-rollup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("t.db").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let samples = ["isp-relay.log", "outbound.log", "multihost.log"].map { root.appendingPathComponent("Samples/\($0)").path }
        let ingested = try Ingester(store: Store(path: db), options: IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!))
            .ingest(paths: samples)
        #expect(ingested.failedFiles.isEmpty)
        let fast = try Self.summary(db, filters)
        var rawFilters = filters
        rawFilters[":since"] = "0000"
        let raw = try Self.summary(db, rawFilters)
        #expect(fast.contains("\"total\":"))
        #expect(fast == raw)
    }
}
