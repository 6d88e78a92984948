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

    /// `glob` answers as SQLite's GLOB for each form of pattern (no wildcard, `*` and `?` only, `[…]`), with
    /// LIKE's own wildcards and escape taken literally; a pattern without wildcard is planned as an index lookup.
    @Test func globMatchesAsSQLiteDoes() throws {
        let db = try PostgresTestServer.database()
        let store = try PostgresStore(url: db.url)
        // (pattern, value, SQLite's `value GLOB pattern`)
        let cases: [(String, String, Bool)] = [
            ("*", "abc", true), ("a?c", "abc", true), ("a?c", "ac", false), ("a*", "bab", false),
            ("mx1", "mx1", true), ("mx1", "mx10", false), ("mx1", "MX1", false), ("50%*", "50%x", true), ("50%*", "50x", false),
            ("a_b*", "a_bc", true), ("a_b*", "axbc", false), ("a\\b*", "a\\bc", true), ("a\\*", "a\\zz", true),
            ("a[bc]d", "acd", true), ("a[bc]d", "aed", false), ("a[^b]d", "acd", true), ("a[^b]d", "abd", false), ("a^b", "a^b", true), ("*^", "x^", true),
            ("*.ex.org", "mx.ex.org", true), ("*.ex.org", "mx.exxorg", false), ("\u{FC}?", "\u{FC}\u{E9}", true), ("*]", "x]", true),
        ]
        for (pattern, value, expected) in cases {
            #expect(try store.connection.query("SELECT glob($1, $2)", [pattern, value]) == [[expected ? "t" : "f"]], "\(value) GLOB \(pattern)")
        }
        #expect(try store.connection.query("SELECT glob(NULL, 'a'), glob('a', NULL)") == [[nil, nil]])
        let plan = try store.connection.query("EXPLAIN SELECT id FROM texts WHERE glob($1, value)", ["mx1"]).map { $0[0] ?? "" }.joined(separator: "\n")
        #expect(plan.contains("Index Cond: (value = 'mx1'::text)"), "\(plan)")
    }

    /// A store at version 6 (unixepoch STABLE and glob a regular expression, as migration 6 made them) is brought to the current version
    /// when opened, and its time bounds are then planned as numbers; opening it again applies nothing.
    @Test func aVersion6StoreMigratesForward() throws {
        let db = try PostgresTestServer.database()
        let setUp = try PostgresStore(url: db.url)
        try setUp.connection.execute("ALTER FUNCTION unixepoch(text) STABLE; DELETE FROM schema_migrations WHERE version > 6")
        for sql in PostgresReportFunctions.statements where sql.contains("glob") {
            try setUp.connection.execute(sql.replacingOccurrences(of: "CREATE FUNCTION", with: "CREATE OR REPLACE FUNCTION"))
        }
        #expect(try setUp.schemaVersion() == 6)
        #expect(try Self.plan(setUp).contains("unixepoch"))

        let opened = try PostgresStore(url: db.url)
        #expect(try opened.appliedVersions() == PostgresSchema.migrations.map(\.version))
        #expect(try opened.connection.query("SELECT provolatile FROM pg_proc WHERE proname = 'unixepoch'") == [["i"]])
        #expect(try opened.connection.query("SELECT prosrc LIKE '%LIKE%' FROM pg_proc WHERE proname = 'glob'") == [["t"]])
        #expect(try Self.plan(opened).contains("1793657700"))
        let applied = try opened.connection.query("SELECT version, applied FROM schema_migrations ORDER BY version")
        _ = try PostgresStore(url: db.url)
        #expect(try opened.connection.query("SELECT version, applied FROM schema_migrations ORDER BY version") == applied)
    }
}
