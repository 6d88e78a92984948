import Foundation
@testable import MailTLSPostgres
import MailTLSTestSupport
import Testing

/// The libpq wrapper: parameters, NULLs, errors that name the SQL, COPY, and URLs kept free of passwords.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct PostgresConnectionTests {
    @Test func parametersAndNullsRoundTrip() throws {
        let db = try PostgresTestServer.database()
        let c = try PostgresConnection(url: db.url)
        let rows = try c.query("SELECT $1::text, $2::text, $3::bigint + 1", ["a'b\"c\\d", nil, "41"])
        #expect(rows == [["a'b\"c\\d", nil, "42"]])
    }

    /// `send` does not wait; a statement run before `collect` waits for it, and `collect` still gets its rows.
    @Test func aSentStatementIsCollectedAfterOtherStatements() throws {
        let db = try PostgresTestServer.database()
        let c = try PostgresConnection(url: db.url)
        try c.send("SELECT $1::bigint + 1", ["41"])
        #expect(try c.query("SELECT 'between'") == [["between"]])
        #expect(try c.collect() == [["42"]])
        #expect(try c.collect() == [])
        try c.send("SELECT 1 / 0")
        #expect { _ = try c.collect() } throws: { ($0 as? PostgresError)?.sqlState == "22012" }
        #expect(try c.query("SELECT 2") == [["2"]])
    }

    @Test func aFailedStatementNamesItsSQLAndState() throws {
        let db = try PostgresTestServer.database()
        let c = try PostgresConnection(url: db.url)
        #expect {
            try c.execute("SELECT * FROM no_such_table")
        } throws: { e in
            let e = e as! PostgresError
            return e.sqlState == "42P01" && e.description.contains("no_such_table")
                && e.description.contains("in: SELECT * FROM no_such_table")
        }
    }

    @Test func copyTextFormatEscapesTabsNewlinesAndBackslashes() throws {
        let db = try PostgresTestServer.database()
        let c = try PostgresConnection(url: db.url)
        try c.execute("CREATE TABLE t (a bigint, b text)")
        var data: [UInt8] = []
        for (i, s) in ["plain", "tab\there", "line\nbreak", "back\\slash", "cr\rx"].enumerated() {
            PostgresRowBuffer.appendDecimal(Int64(i) - 2, to: &data)
            data.append(0x09)
            PostgresRowBuffer.appendEscaped(s, to: &data)
            data.append(0x0A)
        }
        data += Array("9\t\\N\n".utf8)
        try data.withUnsafeBytes { try c.copy(into: "t", columns: ["a", "b"], data: $0) }
        let rows = try c.query("SELECT a, b FROM t ORDER BY a")
        #expect(rows == [["-2", "plain"], ["-1", "tab\there"], ["0", "line\nbreak"], ["1", "back\\slash"], ["2", "cr\rx"],
                         ["9", nil]])
    }

    @Test func aBadCopyRowFailsWithTheTable() throws {
        let db = try PostgresTestServer.database()
        let c = try PostgresConnection(url: db.url)
        try c.execute("CREATE TABLE t (a bigint)")
        let data = Array("1\nnot a number\n".utf8)
        #expect {
            try data.withUnsafeBytes { try c.copy(into: "t", columns: ["a"], data: $0) }
        } throws: { e in
            (e as? PostgresError)?.description.contains("COPY into t failed") == true
        }
        // The connection is usable afterwards.
        #expect(try c.scalarInt("SELECT count(*) FROM t") == 0)
    }

    @Test func wrongDatabaseIsACannotConnectWithoutThePassword() throws {
        guard let base = PostgresTestServer.url else { throw TestServerMissing() }
        let url = PostgresURL(TestDatabase.replacingDatabase(in: base, with: "no_such_db_mailtls"))!
        #expect {
            _ = try PostgresConnection(url: url)
        } throws: { e in
            guard case .cannotConnect(_, let message)? = e as? PostgresError else { return false }
            return message.contains("no_such_db_mailtls")
        }
    }
}
