import Foundation
import MailTLSStore
import MailTLSTestSupport
import Testing

/// A store written by the schema-v2 release (Fixtures/store-v2, with what that release printed for each
/// case, see its record.sh) is migrated in place on first open, and every report and export prints
/// exactly what it printed before.
@Suite struct MigrationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/store-v2")

    /// The recorded cases: the arguments, then what v2 printed.
    static func cases() throws -> [(args: String, output: String)] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("expected.txt"), encoding: .utf8)
        var out: [(String, String)] = []
        for block in text.components(separatedBy: "### ").dropFirst() {
            guard let nl = block.firstIndex(of: "\n") else { continue }
            out.append((String(block[..<nl]), String(block[block.index(after: nl)...])))
        }
        return out
    }

    @Test func v2StoreIsMigratedAndEveryFigureIsUnchanged() async throws {
        let dir = try Scratch()
        let db = dir.path("store.db")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("store-v2.sqlite").path, toPath: db)
        try shOK("chmod u+w '\(db)'")
        #expect(try sh("sqlite3 '\(db)' 'PRAGMA user_version'").output == "2\n")
        // A read-only open cannot migrate: it says what to do.
        let status = try await dir.run(["status", "--db", db])
        #expect(status.status == 1 && status.stderr.contains("run `mailtls ingest`"), "\(status)")

        // The first writing open (here the nightly ingest, with nothing new) migrates; the data tables
        // are views over compact base tables now.
        let empty = try dir.write("empty.log", "")
        let first = try await dir.run(["ingest", "--db", db, empty])
        #expect(first.status == 0, "\(first)")
        #expect(try StoreDump.query(db, "PRAGMA user_version") == ["\(Schema.version)"])
        #expect(try StoreDump.query(db, "SELECT type FROM sqlite_master WHERE name = 'tls_sessions'") == ["view"])
        #expect(try StoreDump.query(db, "SELECT count(*) FROM session_rows") == ["940"])

        let cases = try Self.cases()
        #expect(cases.count == 47)
        for c in cases {
            let args = c.args.split(separator: " ").map(String.init) + ["--db", db]
            let r = try await dir.run(args)
            #expect(r.status == 0, "\(c.args): \(r)")
            #expect(r.stdout == c.output, "\(c.args) prints something else after the migration")
        }
    }

    @Test func storeWithWrongTablesIsRefusedWithAMessageNamingIt() async throws {
        let dir = try Scratch()
        let db = dir.path("store.db")
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/outbound.log").path
        #expect(try await dir.run(["ingest", "--db", db, "--year", "2026", samples]).status == 0)
        try shOK("sqlite3 '\(db)' 'DROP VIEW tls_failures; CREATE VIEW tls_failures AS SELECT 1 AS id'")
        let r = try await dir.run(["report", "--db", db])
        #expect(r.status != 0)
        #expect(r.stderr.contains(db) && r.stderr.contains("tls_failures lacks ts"), "\(r)")
        #expect(!r.stderr.contains("SQLite error"), "\(r)")
    }
}
