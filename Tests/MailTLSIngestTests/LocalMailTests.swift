import Foundation
import MailTLSIngest
import MailTLSStore
import MailTLSTestSupport
import Testing

/// Deliveries by non-network mailers and command-line submissions are counted per day in `local_mail`,
/// not stored as rows; network deliveries and SMTP messages stay rows. A re-read file replaces its
/// counts; prune removes old days.
@Suite struct LocalMailTests {
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
        #expect(try scalar(db, "SELECT sum(n) FROM local_mail WHERE kind = 'delivery' AND mailer = 'local'") == local)
        #expect(try scalar(db, "SELECT count(*) FROM deliveries WHERE mailer = 'local'") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM deliveries WHERE mailer IN ('esmtp', 'relay')")
                == (try Self.toLines(mailer: "esmtp")) + (try Self.toLines(mailer: "relay")))
        #expect(summary.rows.localDeliveries == Int(local))
        #expect(summary.line.contains("(+\(local) local, counted)"), "\(summary.line)")
        // Each count knows its day, host and input file.
        #expect(try rows(db, "SELECT DISTINCT day, host, status, source_id FROM local_mail") .allSatisfy {
            $0.hasPrefix("2026-11-") && $0.hasSuffix("|1")
        })

        // Read again: the counts are replaced, not added to.
        try ingest([Self.log], reingest: [Self.log], db: db)
        #expect(try scalar(db, "SELECT sum(n) FROM local_mail WHERE kind = 'delivery'") == local)
    }

    /// Messages submitted on the command line (a from= line without proto=) are counted, SMTP ones stored.
    @Test func commandLineSubmissionsAreCountedNotStored() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        let logs = ["isp-relay", "multihost", "outbound"].map { repositoryRoot.appendingPathComponent("Samples/\($0).log").path }
        let summary = try ingest(logs, db: db)
        var submitted: Int64 = 0, smtp: Int64 = 0
        for log in logs {
            for line in try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n") where line.contains(" from=") {
                if line.contains("proto=") { smtp += 1 } else { submitted += 1 }
            }
        }
        #expect(submitted > 0)
        #expect(try scalar(db, "SELECT sum(n) FROM local_mail WHERE kind = 'submission'") == submitted)
        #expect(try scalar(db, "SELECT count(*) FROM messages WHERE proto IS NULL") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM messages") == smtp)
        #expect(summary.line.contains("\(smtp) messages (+\(submitted) local, counted)"), "\(summary.line)")
    }

    @Test func pruneRemovesOldDaysOfCounts() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        try ingest([Self.log], db: db)
        let days = try rows(db, "SELECT DISTINCT day FROM local_mail ORDER BY day")
        #expect(days.count >= 1)
        let store = try Store(path: db)
        let cutoff = Int64(try #require(try store.database.scalarInt(
            "SELECT CAST(strftime('%s', max(day)) AS INTEGER) FROM local_mail")))
        _ = try store.prune(before: cutoff)
        #expect(try rows(db, "SELECT DISTINCT day FROM local_mail") == [days.last!])
    }
}
