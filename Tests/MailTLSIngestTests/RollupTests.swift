import Foundation
import MailTLSIngest
import MailTLSStore
import MailTLSTestSupport
import Testing

/// The rollups kept at ingest (counted row by row in Swift) equal the rollups rebuilt from the raw
/// rows by SQL (`Store.rebuildRollups`, the migration's backfill), after ordinary ingest,
/// incremental runs and `--reingest`.
@Suite struct RollupTests {
    static let tables = [
        "SELECT * FROM rollup_sessions ORDER BY 1, 2, 3, 4, 5, 6, 7, 8",
        "SELECT * FROM rollup_peer_ciphers ORDER BY 1, 2, 3, 4, 5, 6",
        "SELECT * FROM rollup_traffic ORDER BY 1, 2, 3, 4, 5",
        "SELECT * FROM rollup_failures ORDER BY 1, 2, 3, 4, 5",
        "SELECT * FROM rollup_auth ORDER BY 1, 2, 3, 4, 5, 6, 7",
        "SELECT * FROM rollup_peer_sessions ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9",
    ]

    static func dump(_ db: String) throws -> [[String]] {
        try tables.map { try rows(db, $0) }
    }

    static func expectRebuildUnchanged(_ db: String, _ what: Comment) throws {
        let kept = try dump(db)
        #expect(kept.allSatisfy { !$0.isEmpty } || kept[0].isEmpty, what)
        try Store(path: db).rebuildRollups()
        let rebuilt = try dump(db)
        for (i, t) in tables.enumerated() {
            #expect(kept[i] == rebuilt[i], "\(what): \(t)")
        }
    }

    @Test func samplesAndIncrementalRuns() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        let samples = ["isp-relay.log", "outbound.log", "multihost.log"].map {
            repositoryRoot.appendingPathComponent("Samples/\($0)").path
        }
        // Two files in one run, then a third grown in two steps.
        try ingest(Array(samples[0...1]), db: db)
        let text = try String(contentsOfFile: samples[2], encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let grown = dir.path("maillog")
        try (lines[..<40].joined(separator: "\n") + "\n").write(toFile: grown, atomically: false, encoding: .utf8)
        try ingest([grown], db: db)
        try text.write(toFile: grown, atomically: false, encoding: .utf8)
        try ingest([grown], db: db)
        #expect(try scalar(db, "SELECT sum(sessions) FROM rollup_sessions") == (try scalar(db, "SELECT count(*) FROM tls_sessions")))
        try Self.expectRebuildUnchanged(db, "after incremental runs")

        // Reingest subtracts the file's rows and adds them back.
        let s = try Ingester(store: Store(path: db), options: IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!))
            .ingest(paths: [samples[1]], reingest: [samples[1]])
        #expect(s.failedFiles.isEmpty)
        try Self.expectRebuildUnchanged(db, "after --reingest")
    }

    /// The two SQL definitions of the rollups agree, on a store of all three MTAs: `baseDelta` (base
    /// tables and text ids: `rebuild-rollups`, `--reingest`) and `delta` (the views: what the
    /// PostgreSQL store's rollup SQL is made from), and both equal what ingest counted.
    @Test func bothSQLDefinitionsEqualTheIngestCounts() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        let samples = ["isp-relay.log", "outbound.log", "multihost.log", "postfix.log", "exim.log"].map {
            repositoryRoot.appendingPathComponent("Samples/\($0)").path
        }
        let synth = try dir.write("synth.log", SynthLog.text(SynthLog.lines(0..<300)))
        let s = try ingest(samples + [synth], db: db)
        #expect(s.failedFiles.isEmpty)
        let kept = try Self.dump(db)
        #expect(kept.allSatisfy { !$0.isEmpty })
        for (name, statements) in [("delta", Rollups.delta(filter: "1", sign: 1)), ("baseDelta", Rollups.baseDelta(filter: "1", sign: 1))] {
            let store = try Store(path: db)
            try store.database.transaction {
                for t in Rollups.tableNames { try store.database.execute("DELETE FROM \(t)") }
                for sql in statements { try store.database.execute(sql) }
            }
            let built = try Self.dump(db)
            for (i, t) in Self.tables.enumerated() {
                #expect(built[i] == kept[i], "\(name): \(t)")
            }
        }
    }

    /// With a limit of 16 keys the writer adds its counts to the rollup tables many times within each
    /// part (as it does every 11,264 keys on large logs, to bound memory) and, re-ingesting, forgets
    /// them at the limit: the tables still equal the rebuilt ones, and each session is counted once.
    @Test func countsFlushedWithinAPartEqualTheRebuild() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        let synth = dir.path("synth.log")
        try SynthLog.text(SynthLog.lines(0..<600) + SynthLog.lines(600..<1200, day: 30)).write(toFile: synth, atomically: false, encoding: .utf8)
        let samples = ["isp-relay.log", "outbound.log", "multihost.log"].map {
            repositoryRoot.appendingPathComponent("Samples/\($0)").path
        }
        let options = IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!, rollupKeys: 16)
        let s = try Ingester(store: Store(path: db), options: options).ingest(paths: samples + [synth])
        #expect(s.failedFiles.isEmpty && s.rows.sessions > 400)
        #expect(try scalar(db, "SELECT sum(sessions) FROM rollup_sessions") == (try scalar(db, "SELECT count(*) FROM tls_sessions")))
        #expect(try scalar(db, "SELECT count(*) FROM rollup_peer_sessions") > 16)
        try Self.expectRebuildUnchanged(db, "counts flushed every 16 keys")

        let again = try Ingester(store: Store(path: db), options: options).ingest(paths: [synth], reingest: [synth])
        #expect(again.failedFiles.isEmpty && again.rows.sessions > 400)
        #expect(try scalar(db, "SELECT sum(sessions) FROM rollup_sessions") == (try scalar(db, "SELECT count(*) FROM tls_sessions")))
        try Self.expectRebuildUnchanged(db, "--reingest with counts forgotten every 16 keys")
    }

    @Test func rollupsCountWhatTheRatesCount() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        let log = repositoryRoot.appendingPathComponent("Samples/isp-relay.log").path
        try ingest([log], db: db)
        // isp-relay.log: 9 inbound messages, 7 encrypted; 8 outbound deliveries, 6 encrypted (Samples/README.md).
        let traffic = try rows(db, "SELECT direction, encrypted, sum(n) FROM rollup_traffic WHERE loopback = 0 GROUP BY 1, 2 ORDER BY 1, 2")
        #expect(traffic == ["inbound|0|2", "inbound|1|7", "outbound|0|2", "outbound|1|6"])
    }
}
