import Foundation
import MailTLSParser
@testable import MailTLSPostgres
import MailTLSStore
import MailTLSTestSupport
import Testing

/// The PostgreSQL store holds what the SQLite store holds: the same views, column for column and row
/// for row, the same rollups and local-mail counts, for the same input.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct PostgresWriterTests {
    /// Every sample log, one source each, through one parser and linker, into both stores; with flushes
    /// of 5 rows too, so rows are sent by the sending thread while later lines change them (UPDATEs).
    @Test(arguments: [PostgresWriter.defaultFlushRows, 5])
    func samplesGiveTheSQLiteStoresViewsRollupsAndLocalMail(flushRows: Int) throws {
        let db = try PostgresTestServer.database()
        let dir = try TempDir()
        let sqlite = try Store(path: dir.path("mailtls.db"))
        let sw = try StoreWriter(store: sqlite)
        let pg = try PostgresStore(url: db.url)
        let pw = try PostgresWriter(store: pg, flushRows: flushRows)
        var feed = LogFeed()
        for (i, log) in try LogFeed.sampleLogs().enumerated() {
            let sqliteSource = try sqlite.insertSource(SourceRecord(path: log.path))
            let pgSource = try pg.insertSource(ingestHost: "test", SourceRecord(path: log.path))
            #expect(sqliteSource == Int64(i + 1) && pgSource == sqliteSource)
            try sw.begin()
            try pw.begin()
            try feed.feed(Array(try Data(contentsOf: log)), source: pgSource) { r in
                try sw.write(r)
                try pw.write(r)
            }
            try sw.rollups.flush(into: sqlite.database)
            try sw.commit()
            try pw.commit()
        }
        #expect(sw.counts == pw.counts)
        #expect(pw.counts.sessions > 0 && pw.counts.messages > 0 && pw.counts.deliveries > 0)
        for t in CompactRows.tables {
            let columns = try Rows.sqliteColumns(sqlite, t.view)
            #expect(try Rows.postgresColumns(pg, t.view) == columns, "columns of \(t.view)")
            let list = columns.joined(separator: ", ")
            let want = try Rows.sqlite(sqlite, "SELECT \(list) FROM \(t.view)")
            let got = try Rows.postgres(pg, "SELECT \(list) FROM \(t.view)")
            #expect(got.count == want.count, "rows of \(t.view)")
            for (g, w) in zip(got, want) where g != w {
                Issue.record("\(t.view): PostgreSQL \(g) != SQLite \(w)")
                break
            }
        }
        for table in Rollups.tableNames + ["local_mail"] {
            // rollup_peer_sessions holds text ids, which each store numbers in its own order: compare values.
            let sql = table == "rollup_peer_sessions" ? Self.peerSessionsByValue : "SELECT * FROM \(table)"
            let want = try Rows.sqlite(sqlite, sql)
            #expect(!want.isEmpty, "\(table) is empty: the comparison would prove nothing")
            #expect(try Rows.postgres(pg, sql) == want, "\(table)")
        }
    }

    /// `rollup_peer_sessions` with its text ids as their values (SQL both dialects read).
    static let peerSessionsByValue = """
        SELECT day, \(["host", "role", "peer", "version", "verify", "cipher"]
            .map { "(SELECT value FROM texts WHERE id = \($0)) AS \($0)" }.joined(separator: ", ")),
            loopback, cipher_bits, sessions, first_ts, last_ts
        FROM rollup_peer_sessions
        """

    /// A part rolled back leaves no rows, and the texts it added stay usable by the next part.
    @Test func rollbackLeavesNothingAndTheNextPartWrites() throws {
        let db = try PostgresTestServer.database()
        let pg = try PostgresStore(url: db.url)
        let w = try PostgresWriter(store: pg)
        let log = try LogFeed.sampleLogs()[0]
        let bytes = Array(try Data(contentsOf: log))
        let source = try pg.insertSource(ingestHost: "test", SourceRecord(path: log.path))
        var feed = LogFeed()
        try w.begin()
        try feed.feed(bytes, source: source) { try w.write($0) }
        try w.flush()
        w.rollback()
        #expect(try pg.rowCounts().allSatisfy { $0.table == "sources" || $0.rows == 0 })   // the source was made before
        #expect(try pg.connection.scalarInt("SELECT count(*) FROM rollup_sessions") == 0)
        var again = LogFeed()
        try w.begin()
        try again.feed(bytes, source: source) { try w.write($0) }
        try w.commit()
        #expect(try pg.connection.scalarInt("SELECT count(*) FROM tls_sessions WHERE host IS NULL") == 0)
        #expect(try pg.connection.scalarInt("SELECT count(*) FROM all_session_rows") ?? 0 > 0)
    }

    /// Opening a store twice migrates once; a newer schema is refused with a message.
    @Test func migrationsAreRecordedOnceAndANewerSchemaIsRefused() throws {
        let db = try PostgresTestServer.database()
        _ = try PostgresStore(url: db.url)
        let again = try PostgresStore(url: db.url)
        #expect(try again.appliedVersions() == PostgresSchema.migrations.map(\.version))
        #expect(try again.appliedVersions().last == PostgresStore.version)
        // v5: the ts indexes are BRIN.
        #expect(try again.connection.query("""
            SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%_rows_ts' AND indexdef LIKE '%USING brin (ts)%'
            """) == [[String(CompactRows.tables.count)]])
        try again.connection.execute("INSERT INTO schema_migrations(version, name) VALUES (99, 'from the future')")
        #expect {
            _ = try PostgresStore(url: db.url)
        } throws: { e in
            guard case .schemaTooNew(_, 99, let supported)? = e as? PostgresError else { return false }
            return supported == PostgresStore.version
        }
    }

    /// A new store goes only into a database of its own: in one that holds another application's
    /// tables (a mistyped database name) nothing is created, and the error names a few of them.
    @Test func aDatabaseHoldingOtherTablesIsRefused() throws {
        let db = try PostgresTestServer.database()
        let c = try PostgresConnection(url: db.url)
        try c.execute("CREATE TABLE customers (id bigint)")
        try c.execute("CREATE TABLE texts (x bigint)")   // a name mailtls uses too
        #expect {
            _ = try PostgresStore(url: db.url)
        } throws: { e in
            guard case .notAMailtlsDatabase(_, let tables)? = e as? PostgresError else { return false }
            return tables == ["customers", "texts"] && "\(e)".contains("a database of its own")
        }
        #expect(try c.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [["2"]])
    }

    /// `mailtls status` warns when the database does not sort as C: the test server's databases do
    /// (initdb --locale=C.UTF-8), one made with ICU's en-US does not.
    @Test func aCollationOtherThanCIsNamed() throws {
        let db = try PostgresTestServer.database()
        #expect(try PostgresStore(url: db.url).nonCCollation() == nil)
        let name = db.name + "_icu"
        try db.admin.execute("CREATE DATABASE \(name) TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
        defer { try? db.admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        let url = PostgresURL(TestDatabase.replacingDatabase(in: db.url.text, with: name))!
        #expect(try PostgresStore(url: url).nonCCollation() == "icu:en-US")
    }

    /// A source's lock keeps a second ingest of it out; other sources are not held up.
    @Test func aSourceLockIsPerHostAndPath() throws {
        let db = try PostgresTestServer.database()
        let one = try PostgresStore(url: db.url)
        let two = try PostgresStore(url: db.url)
        try one.lockSource(ingestHost: "mx1", path: "/var/log/maillog")
        #expect(throws: PostgresError.sourceBusy(ingestHost: "mx1", path: "/var/log/maillog")) {
            try two.lockSource(ingestHost: "mx1", path: "/var/log/maillog", wait: false)
        }
        try two.lockSource(ingestHost: "mx2", path: "/var/log/maillog", wait: false)
        try two.lockSource(ingestHost: "mx1", path: "/var/log/mail.log", wait: false)
        try one.unlockSource(ingestHost: "mx1", path: "/var/log/maillog")
        try two.lockSource(ingestHost: "mx1", path: "/var/log/maillog", wait: false)
    }
}
