import Foundation
import MailTLSIngest
import MailTLSStore
import MailTLSTestSupport
import Testing

/// Deliveries by non-network mailers are counted per day in `local_deliveries`, not stored as rows;
/// network deliveries stay rows. A re-read file replaces its counts; prune removes old days.
@Suite struct LocalDeliveryTests {
    static let log = repositoryRoot.appendingPathComponent("Samples/multihost.log").path

    /// The to= lines of the sample by mailer, read from the log itself.
    static func toLines(mailer: String) throws -> Int64 {
        let text = try String(contentsOfFile: log, encoding: .utf8)
        return Int64(text.split(separator: "\n").filter { $0.contains(" to=") && $0.contains("mailer=\(mailer),") }.count)
    }

    @Test func localDeliveriesAreCountedNotStored() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        let summary = try ingest([Self.log], db: db)
        let local = try Self.toLines(mailer: "local")
        #expect(local > 0)
        #expect(try scalar(db, "SELECT sum(n) FROM local_deliveries WHERE mailer = 'local'") == local)
        #expect(try scalar(db, "SELECT count(*) FROM deliveries WHERE mailer = 'local'") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM deliveries WHERE mailer IN ('esmtp', 'relay')")
                == (try Self.toLines(mailer: "esmtp")) + (try Self.toLines(mailer: "relay")))
        #expect(summary.rows.localDeliveries == Int(local))
        #expect(summary.line.contains("(+\(local) local, counted)"), "\(summary.line)")
        // Each count knows its day, host and input file.
        #expect(try rows(db, "SELECT DISTINCT day, host, status, source_id FROM local_deliveries") .allSatisfy {
            $0.hasPrefix("2026-11-") && $0.hasSuffix("|1")
        })

        // Read again: the counts are replaced, not added to.
        try ingest([Self.log], reingest: [Self.log], db: db)
        #expect(try scalar(db, "SELECT sum(n) FROM local_deliveries") == local)
    }

    @Test func pruneRemovesOldDaysOfCounts() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        try ingest([Self.log], db: db)
        let days = try rows(db, "SELECT DISTINCT day FROM local_deliveries ORDER BY day")
        #expect(days.count >= 1)
        let store = try Store(path: db)
        let cutoff = Int64(try #require(try store.database.scalarInt(
            "SELECT CAST(strftime('%s', max(day)) AS INTEGER) FROM local_deliveries")))
        _ = try store.prune(before: cutoff)
        #expect(try rows(db, "SELECT DISTINCT day FROM local_deliveries") == [days.last!])
    }
}
