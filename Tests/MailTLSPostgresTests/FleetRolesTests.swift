import Foundation
import MailTLSIngest
import MailTLSParser
@testable import MailTLSPostgres
import MailTLSStore
import MailTLSTestSupport
import Testing

/// The roles of docs/fleet.md, granted by `scripts/pg-roles.sql` exactly as a site runs it: an ingesting
/// host's role can do everything `mailtls ingest` does and nothing it does not (delete, prune, change the
/// schema); the read-only role reads the views and writes nothing.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct FleetRolesTests {
    static var script: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("scripts/pg-roles.sql"), encoding: .utf8)
        }
    }

    /// `url` connecting as `role` (the test server trusts local connections).
    static func url(_ url: PostgresURL, as role: String) -> PostgresURL {
        var text = url.text
        if let r = text.range(of: #"user=[^&]*"#, options: .regularExpression) {
            text.replaceSubrange(r, with: "user=\(role)")
        } else {
            text += (text.contains("?") ? "&" : "?") + "user=\(role)"
        }
        return PostgresURL(text)!
    }

    static func denied(_ body: () throws -> Void) -> Bool {
        do { try body() } catch let e as PostgresError { return e.sqlState == "42501" } catch { return false }
        return false
    }

    @Test func theIngestRoleIngestsAndTheReadRoleReadsAndNeitherDoesMore() throws {
        let db = try PostgresTestServer.database()
        let owner = try PostgresStore(url: db.url)  // creates the schema
        try owner.connection.execute(try Self.script)
        try owner.connection.execute(try Self.script)   // run again, as after an upgrade
        let ingestURL = Self.url(db.url, as: "mailtls_ingest"), readURL = Self.url(db.url, as: "mailtls_read")

        let logs = try LogFeed.sampleLogs().map(\.path)
        let ingestStore = try PostgresStore(url: ingestURL)
        let target = PostgresIngestStore(ingestStore, ingestHost: "mx1")
        let options = IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!, partBytes: 4096)
        #expect(try ingestStore.lockHost("mx1", wait: 0))
        let first = try Ingester(target: target, options: options).ingest(paths: logs)
        #expect(first.failedFiles.isEmpty, "\(first.failedFiles)")
        #expect(first.rows.sessions > 0)
        let second = try Ingester(target: target, options: options).ingest(paths: logs)
        #expect(second.failedFiles.isEmpty && second.unchangedFiles == logs.count)
        #expect(Self.denied { try ingestStore.connection.execute("DELETE FROM session_rows") })
        #expect(Self.denied { _ = try ingestStore.prune(before: Int64.max) })
        // The refusal says which role does what.
        do {
            _ = try ingestStore.prune(before: Int64.max)
        } catch {
            // What to do comes first, before the database's words and the SQL.
            #expect("\(error)".hasPrefix("this role may not do that: run it as a role that may"), "\(error)")
            #expect("\(error)".contains("prune, rebuild-rollups, --reingest and `copy --replace` need the owner's role"), "\(error)")
        }
        #expect(Self.denied { try ingestStore.connection.execute("DROP VIEW tls_sessions") })
        // It fills in what a later line completes, and nothing else: what a row says stays as written.
        for sql in ["UPDATE session_rows SET ts = 0", "UPDATE session_rows SET version = NULL",
                    "UPDATE message_rows SET encrypted = 1", "UPDATE delivery_rows SET encrypted = 1",
                    "UPDATE auth_rows SET encrypted = 1", "UPDATE failure_rows SET ts = 0",
                    "UPDATE rollup_sessions SET day = '1970-01-01'", "UPDATE rollup_peer_sessions SET peer = 0",
                    "UPDATE sources SET ingest_host = 'elsewhere'", "UPDATE ingest_state SET ingest_host = 'elsewhere'"] {
            #expect(Self.denied { try ingestStore.connection.execute(sql) }, "\(sql)")
        }
        // The completions it did make went through (partBytes 4096: many rows were sent before the line
        // that completes them), and it reads what `mailtls status` shows.
        #expect(try ingestStore.connection.scalarInt("SELECT count(*) FROM session_rows WHERE cert_subject IS NOT NULL") ?? 0 > 0)
        #expect(try ingestStore.connection.scalarInt("SELECT count(*) FROM ingest_runs") == 2)

        let reader = try PostgresStore(url: readURL)
        #expect(try reader.connection.scalarInt("SELECT count(*) FROM tls_sessions") == Int64(first.rows.sessions))
        #expect(try reader.rowCounts().count == CompactRows.tables.count + 1)   // and sources, as on SQLite
        #expect(Self.denied { try reader.connection.execute("INSERT INTO texts(value) VALUES ('x')") })
        #expect(Self.denied { try reader.connection.execute("UPDATE sources SET lines = 0") })
    }

    /// A role that may not create tables cannot create the schema: the error says who can.
    @Test func aStoreWithoutSchemaNeedsItsOwnerFirst() throws {
        let db = try PostgresTestServer.database()
        let owner = try PostgresConnection(url: db.url)
        try owner.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mailtls_ingest') THEN CREATE ROLE mailtls_ingest LOGIN; END IF; END $$")
        do {
            _ = try PostgresStore(url: Self.url(db.url, as: "mailtls_ingest"))
            Issue.record("opened a store without schema as a role that cannot create it")
        } catch let e as PostgresError {
            guard case .cannotMigrate(_, let found, let current, _) = e else { Issue.record("\(e)"); return }
            #expect(found == 0 && current == PostgresStore.version)
            #expect(e.description.contains("owner"))
        }
    }
}
