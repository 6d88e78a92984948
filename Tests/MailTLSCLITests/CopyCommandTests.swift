import Foundation
import MailTLSPostgres
import MailTLSStore
import MailTLSTestSupport
import Testing

/// `mailtls copy` as a user runs it: quiet but for one summary line, exit codes 0, 1 and 2, errors that
/// name the file or the URL without its password, and nothing written when it refuses.
@Suite(.enabled(if: PostgresServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct CopyCommandTests {
    @Test func copiesQuietlyThenRefusesTheSameHostAgain() async throws {
        let dir = try Scratch()
        let db = dir.path("mailtls.db")
        let log = try dir.write("maillog", lines: SynthLog.lines(0..<300))
        let ingest = try await dir.run(ingestArgs(db, [log]))
        #expect(ingest.status == 0, "\(ingest)")
        let pg = try PostgresServer.Database()

        let copy = try await dir.run(["copy", "--from", db, "--to", pg.url, "--ingest-host", "mx1"])
        #expect(copy.status == 0, "\(copy)")
        #expect(copy.stdout.isEmpty && copy.stderrLines.count == 1, "\(copy)")
        #expect(copy.stderr.contains("copied \(db)") && copy.stderr.contains("as ingest host mx1"), "\(copy)")
        #expect(copy.stderr.contains("180 TLS sessions") && copy.stderr.contains(" 1 checkpoint, in"), "\(copy)")
        #expect(!copy.stderr.contains("hunter2secret"), "\(copy)")
        #expect(try pg.count("SELECT count(*) FROM session_rows") == 180)

        // The next ingest on that host goes on where the SQLite store stopped: nothing twice, then only
        // what the log gained.
        let next = try await dir.run(ingestArgs(pg.url, [log], ["--ingest-host", "mx1"]))
        #expect(next.status == 0 && next.stderr.contains("1 unchanged") && next.stderr.contains(" 0 lines"), "\(next)")
        try dir.append("maillog", SynthLog.text(SynthLog.lines(300..<400)))
        let grown = try await dir.run(ingestArgs(pg.url, [log], ["--ingest-host", "mx1"]))
        #expect(grown.status == 0, "\(grown)")
        let sqliteAlone = try await dir.run(ingestArgs(db, [log]))
        #expect(sqliteAlone.status == 0)
        let sessions = try #require(try Store(path: db, readOnly: true).rowCounts().first { $0.table == "tls_sessions" }?.rows)
        let copiedAndGrown = try pg.count("SELECT count(*) FROM session_rows")
        #expect(sessions > 180 && copiedAndGrown == sessions)
        #expect(try pg.count("SELECT sum(sessions) FROM rollup_sessions") == sessions)

        let again = try await dir.run(["copy", "--from", db, "--to", pg.url, "--ingest-host", "mx1"])
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr.contains("--replace") && again.stderr.contains("mx1") && again.stderr.contains(pg.name), "\(again)")
        #expect(!again.stderr.contains("hunter2secret"), "\(again)")
        #expect(try pg.count("SELECT count(*) FROM session_rows") == sessions)

        let replaced = try await dir.run(["copy", "--from", db, "--to", pg.url, "--ingest-host", "mx1", "--replace"])
        #expect(replaced.status == 0, "\(replaced)")
        #expect(try pg.count("SELECT count(*) FROM session_rows") == sessions)
        #expect(try pg.count("SELECT sum(sessions) FROM rollup_sessions") == sessions)
    }

    /// A store of an older schema is refused (the copy never writes the SQLite file), with what to do.
    @Test func anOlderStoreIsRefusedAndLeftAsItIs() async throws {
        let dir = try Scratch()
        let db = dir.path("old.db")
        try FileManager.default.copyItem(atPath: MigrationTests.fixtures.appendingPathComponent("store-v2.sqlite").path,
                                         toPath: db)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let pg = try PostgresServer.Database()
        let r = try await dir.run(["copy", "--from", db, "--to", pg.url, "--ingest-host", "mx1"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains(db) && r.stderr.contains("run `mailtls ingest`"), "\(r)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }

    @Test func usageErrorsExitTwo() async throws {
        let dir = try Scratch()
        let missing = try await dir.run(["copy", "--from", dir.path("x.db")])
        #expect(missing.status == 2, "\(missing)")
        let notURL = try await dir.run(["copy", "--from", dir.path("x.db"), "--to", dir.path("y.db")])
        #expect(notURL.status == 2 && notURL.stderr.contains("not a PostgreSQL URL"), "\(notURL)")
    }
}
