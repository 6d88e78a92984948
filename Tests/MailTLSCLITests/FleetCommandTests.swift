import Foundation
import MailTLSPostgres
import MailTLSTestSupport
import Testing

/// The commands on a PostgreSQL store (`--db postgresql://…` or `$MAILTLS_DB`), run as a user runs them.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct FleetCommandTests {
    static var samples: [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return ["multihost.log", "postfix.log", "exim.log"].map { root.appendingPathComponent("Samples/\($0)").path }
    }

    @Test func ingestStatusPruneAndSchemaWorkOnAPostgreSQLStore() async throws {
        let db = try PostgresTestServer.database()
        let url = db.url.text
        let dir = try Scratch()
        let first = try await dir.run(ingestArgs(url, Self.samples, ["--ingest-host", "mx1"]))
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("3 files") && first.stdout.isEmpty, "\(first)")
        // $MAILTLS_DB holding the URL, and a second run: every file unchanged.
        let again = try await dir.run(["ingest", "--ingest-host", "mx1", "--year", "2026", "--timezone", "UTC", "-q"] + Self.samples,
                                      env: ["MAILTLS_DB": url])
        #expect(again.status == 0 && again.stderr.isEmpty && again.stdout.isEmpty, "\(again)")
        let status = try await dir.run(["status"], env: ["MAILTLS_DB": url])
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("(PostgreSQL,") && status.stdout.contains("host mx1:")
                && status.stdout.contains("postfix.log") && status.stdout.contains("on mx1: 3 files (3 unchanged)"), "\(status)")
        let store = try PostgresStore(url: db.url)
        let sessions = try #require(try store.connection.scalarInt("SELECT count(*) FROM tls_sessions"))
        #expect(sessions > 20 && status.stdout.split(separator: "\n").contains { $0.split(separator: " ") == ["tls_sessions", "\(sessions)"] })

        let schema = try await dir.run(["schema", "--db", url])
        #expect(schema.status == 0 && schema.stdout.contains("CREATE VIEW tls_sessions") && schema.stdout.contains("ingest_host"))
        let prune = try await dir.run(["prune", "--db", url, "--older-than", "2100-01-01"])
        #expect(prune.status == 0 && prune.stderr.contains("\(sessions) tls_sessions"), "\(prune)")
        #expect(try store.connection.scalarInt("SELECT count(*) FROM tls_sessions") == 0)
        #expect(try await dir.run(["rebuild-rollups", "--db", url]).status == 0)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM rollup_sessions") == 0)
    }

    /// One ingest per host at a time: another ingest as the same host exits 75 (cron retries), while
    /// another host goes ahead.
    @Test func aSecondIngestAsTheSameHostExits75() async throws {
        let db = try PostgresTestServer.database()
        let holder = try PostgresStore(url: db.url)
        #expect(try holder.lockHost("mx1", wait: 0))
        let dir = try Scratch()
        let busy = try await dir.run(ingestArgs(db.url.text, Self.samples, ["--ingest-host", "mx1", "--wait", "0.5"]))
        #expect(busy.status == 75, "\(busy)")
        #expect(busy.stderr.contains("another mailtls ingest as host mx1") && busy.stderr.contains("after waiting"), "\(busy)")
        let other = try await dir.run(ingestArgs(db.url.text, Self.samples, ["--ingest-host", "mx2"]))
        #expect(other.status == 0, "\(other)")
        try holder.unlockHost("mx1")
    }

    @Test func usageAndConnectionErrors() async throws {
        let server = try #require(PostgresTestServer.url)
        let dir = try Scratch()
        let pg = TestDatabase.replacingDatabase(in: server, with: "mailtls_no_such_db")
        let host = try await dir.run(["ingest", "--db", pg, "--ingest-host", "", Self.samples[0]])
        #expect(host.status == 2 && host.stderr.contains("--ingest-host must not be empty"), "\(host)")
        // A password in the URL (discouraged) never reaches a message.
        let secret = pg.replacingOccurrences(of: "postgresql://", with: "postgresql://someone:s3cret@")
        for args in [ingestArgs(secret, Self.samples), ["status", "--db", secret]] {
            let r = try await dir.run(args)
            #expect(r.status == 1, "\(r)")
            #expect(r.stderr.contains("mailtls_no_such_db") && !r.stderr.contains("s3cret") && r.stderr.contains("***"), "\(r)")
        }
    }
}
