import Foundation
import MailTLSPostgres
import MailTLSTestSupport
import Testing

/// `mailtls report`, `export` and `check` with `--db postgresql://…` (or `$MAILTLS_DB` holding one): the
/// built binary, against the same log in an SQLite store, and its errors on PostgreSQL.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct PostgresCLITests {
    /// Each command prints the same from either store, with the URL in --db or in MAILTLS_DB.
    @Test func reportExportAndCheckPrintTheSameFromBothStores() async throws {
        let twins = try ReportTwins(logs: try LogFeed.sampleLogs())
        let sqlite = twins.dir.path("mailtls.db"), url = twins.database.url.text
        let commands: [[String]] = [
            ["report"],
            ["report", "rates", "--by", "week", "--format", "csv"],
            ["report", "peers", "--format", "json", "--include-local"],
            ["report", "summary", "--mta", "postfix", "--format", "html"],
            ["report", "digest", "--since", "2026-11-01", "--until", "2026-12-02"],
            // Days and hours cut in a zone with a half-hour offset: PostgreSQL's session zone follows TZ.
            ["report", "rates", "--by", "day", "--timezone", "Asia/Kolkata"],
            ["report", "rates", "--by", "hour", "--timezone", "America/St_Johns", "--format", "csv"],
            ["report", "daily", "--timezone", "Asia/Kolkata", "--format", "json"],
            ["export", "deliveries", "--format", "jsonl"],
            ["check", "--since", "2026-11-01", "--until", "2026-12-02", "--min-inbound-rate", "0.9"],
        ]
        for command in commands {
            let want = try await BuiltBinary.run("mailtls", command + ["--db", sqlite])
            let got = try await BuiltBinary.run("mailtls", command + ["--db", url])
            let viaEnvironment = try await BuiltBinary.run("mailtls", command, environment: ["MAILTLS_DB": url])
            let name = command.joined(separator: " ")
            #expect(!want.stdout.isEmpty, "\(name) printed nothing: the comparison would prove nothing")
            #expect(got.stdout == want.stdout, "\(name): PostgreSQL differs from SQLite\n\(got.stderr)")
            #expect(got.status == want.status, "\(name): exit \(got.status), SQLite \(want.status)")
            #expect(viaEnvironment.stdout == want.stdout && viaEnvironment.status == want.status, "\(name) with MAILTLS_DB")
        }
    }

    /// A role that may only read (SELECT on the store's tables and views, what docs/fleet.md gives the
    /// reports' role) gets the same reports: nothing is written, locked or migrated.
    @Test func aReadOnlyRoleReadsTheSameReports() async throws {
        let twins = try ReportTwins(logs: try LogFeed.sampleLogs())
        let role = "mailtls_reader_" + twins.database.name.suffix(8)
        let admin = twins.database.admin
        try admin.execute("CREATE ROLE \(role) LOGIN")
        let owner = try PostgresConnection(url: twins.database.url)
        defer {
            // Roles belong to the server: its grants in the test's database go first, then the role.
            try? owner.execute("DROP OWNED BY \(role)")
            try? admin.execute("DROP ROLE IF EXISTS \(role)")
        }
        try owner.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO \(role); "
            + "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)")
        let url = twins.database.url.text + (twins.database.url.text.contains("?") ? "&" : "?") + "user=\(role)"
        let asReader = url.replacingOccurrences(of: "user=postgres&", with: "").replacingOccurrences(of: "&user=postgres", with: "")
        for command in [["report"], ["report", "peers", "--format", "csv"], ["export", "auth"],
                        ["check", "--since", "2026-11-01", "--until", "2026-12-02"]] {
            let want = try await BuiltBinary.run("mailtls", command + ["--db", twins.dir.path("mailtls.db")])
            let got = try await BuiltBinary.run("mailtls", command + ["--db", asReader])
            #expect(got.stdout == want.stdout && got.status == want.status,
                    "\(command.joined(separator: " ")) as \(role): exit \(got.status) \(got.stderr)")
        }
    }

    /// No server, no database, no mailtls schema: exit 1 (check: UNKNOWN, 3), a message naming the
    /// store without its password. Log files given to `report` go to `mailtls ingest` instead.
    @Test func errorsNameTheURLWithoutItsPassword() async throws {
        let empty = try PostgresTestServer.database()
        let server = try #require(PostgresTestServer.url)
        let missing = TestDatabase.replacingDatabase(in: server, with: "mailtls_no_such_db")
        let withPassword = missing.replacingOccurrences(of: "postgresql://", with: "postgresql://someone:s3cret@")
        for db in [missing, withPassword, empty.url.text] {
            let report = try await BuiltBinary.run("mailtls", ["report", "--db", db])
            #expect(report.status == 1, "report --db \(db): exit \(report.status)")
            #expect(!report.stderr.contains("s3cret"), "the password is printed: \(report.stderr)")
            let check = try await BuiltBinary.run("mailtls", ["check", "--db", db])
            #expect(check.status == 3 && check.stdout.hasPrefix("MAILTLS UNKNOWN"), "check --db \(db): \(check.status) \(check.stdout)")
            #expect(!check.stdout.contains("s3cret"))
            let export = try await BuiltBinary.run("mailtls", ["export", "sessions", "--db", db])
            #expect(export.status == 1 && !export.stderr.isEmpty)
        }
        let noSchema = try await BuiltBinary.run("mailtls", ["report", "--db", empty.url.text])
        #expect(noSchema.stderr.contains("no mailtls store in the PostgreSQL database"), "\(noSchema.stderr)")
        // It points to the owner's step, not to an ingest a reporting or ingesting role cannot start with.
        #expect(noSchema.stderr.contains("its owner creates it by running any mailtls command once"), "\(noSchema.stderr)")
        let noDatabase = try await BuiltBinary.run("mailtls", ["report", "--db", withPassword])
        #expect(noDatabase.stderr.contains("someone:***@"), "\(noDatabase.stderr)")

        let log = try LogFeed.sampleLogs()[0].path
        // Files given: read into the store first, as this host's (the schema is created by this role), then reported.
        let withFiles = try await BuiltBinary.run("mailtls", ["report", "--db", empty.url.text, "-q", log])
        #expect(withFiles.status == 0 && withFiles.stdout.contains("TLS summary"), "\(withFiles.stderr)")
        let filled = try PostgresStore(url: empty.url)
        #expect(try filled.connection.scalarInt("SELECT count(*) FROM sources WHERE path = $1", [log]) == 1)
        #expect(try filled.connection.scalarInt("SELECT count(*) FROM tls_sessions") ?? 0 > 0)
        // --no-store reads them into a temporary SQLite store, whatever --db holds.
        let noStore = try await BuiltBinary.run("mailtls", ["report", "--no-store", "--db", empty.url.text, "-q", log])
        #expect(noStore.status == 0 && noStore.stdout.contains("TLS summary"), "\(noStore.stderr)")
    }
}
