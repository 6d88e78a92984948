import Foundation
@testable import MailTLSPostgres
import MailTLSTestSupport
import Testing

/// The report functions' migrations (`PostgresReportFunctions`): what the planner makes of them, and a
/// store of the version before moving forward.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct PostgresReportFunctionsTests {
    /// The reports' time filter, as `PostgresReportDatabase` sends it: `:since` as a text parameter.
    static let sinceFilter = "SELECT count(*) FROM session_rows WHERE ts >= coalesce(unixepoch($1), -9223372036854775808)"

    /// The plan of `sinceFilter` for `2026-11-02T22:15:00Z`, one line per plan line.
    static func plan(_ store: PostgresStore) throws -> String {
        try store.connection.query("EXPLAIN " + sinceFilter, ["2026-11-02T22:15:00Z"]).map { $0[0] ?? "" }.joined(separator: "\n")
    }

    /// `unixepoch(:since)` is computed when the query is planned: the plan holds the number, so neither
    /// the BRIN index's recheck of each row nor a sequential scan calls the function per row.
    @Test func timeBoundsArePlannedAsNumbers() throws {
        let db = try PostgresTestServer.database()
        let store = try PostgresStore(url: db.url)
        let plan = try Self.plan(store)
        #expect(plan.contains("1793657700"), "\(plan)")
        #expect(!plan.contains("unixepoch"), "\(plan)")
        #expect(try store.connection.query("SELECT unixepoch('2026-11-02T22:15:00Z'), unixepoch('2026-11-02 23:15:00+01:00'), unixepoch('2026-11-03')")
            == [["1793657700", "1793657700", "1793664000"]])
    }

    /// A store at version 6 (unixepoch STABLE, as migration 6 made it) is brought to the current version
    /// when opened, and its time bounds are then planned as numbers; opening it again applies nothing.
    @Test func aVersion6StoreMigratesForward() throws {
        let db = try PostgresTestServer.database()
        let setUp = try PostgresStore(url: db.url)
        try setUp.connection.execute("ALTER FUNCTION unixepoch(text) STABLE; DELETE FROM schema_migrations WHERE version > 6")
        #expect(try setUp.schemaVersion() == 6)
        #expect(try Self.plan(setUp).contains("unixepoch"))

        let opened = try PostgresStore(url: db.url)
        #expect(try opened.appliedVersions() == PostgresSchema.migrations.map(\.version))
        #expect(try opened.connection.query("SELECT provolatile FROM pg_proc WHERE proname = 'unixepoch'") == [["i"]])
        #expect(try Self.plan(opened).contains("1793657700"))
        let applied = try opened.connection.query("SELECT version, applied FROM schema_migrations ORDER BY version")
        _ = try PostgresStore(url: db.url)
        #expect(try opened.connection.query("SELECT version, applied FROM schema_migrations ORDER BY version") == applied)
    }
}
