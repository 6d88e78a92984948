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
            if c.args.hasPrefix("export") {
                // Exports show the columns v4 added; without them they print what v2 printed, and they
                // hold what the migration must have put there.
                let (v2, added) = Self.splitV4Columns(r.stdout)
                #expect(v2 == c.output, "\(c.args) prints something else after the migration")
                #expect(!added.isEmpty)
                for row in added {
                    #expect(row["mta"] == "sendmail", "\(c.args): \(row)")
                    if let logged = row["version_logged"] { #expect(logged == row["version"], "\(row)") }
                    if let logged = row["verify_logged"] { #expect(logged == row["verify"], "\(row)") }
                    if let feature = row["tls_feature"] { #expect(feature == "", "\(row)") }
                    if let encrypted = row["encrypted"], row["proto"] == nil {
                        #expect(encrypted == (row["tls_session_id"] == "" ? "0" : "1"), "\(c.args): \(row)")
                    }
                }
            } else {
                #expect(r.stdout == c.output, "\(c.args) prints something else after the migration")
            }
        }
    }

    /// A v4 store (partial indexes on `mta <> 0`, every MTA listed in `mtas`; Exim's sessions as
    /// `session_rows` rows) of sendmail's and Exim's Samples, made from a new store by undoing v6's and
    /// v5's steps, moves to v6 on the next ingest: `mtas` keeps the MTAs whose rows it holds, the ts
    /// indexes hold `mta`, the old sessions stay rows, and every report prints what it printed.
    @Test func v4StoreIsMigratedToV6WithTheSameFigures() async throws {
        let dir = try Scratch()
        let db = dir.path("store.db")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let logs = ["multihost.log", "exim.log"].map { root.appendingPathComponent("Samples/\($0)").path }
        let ingest = try await dir.run(ingestArgs(db, logs, ["--quiet"]))
        try #require(ingest.status == 0, "\(ingest)")
        #expect(try StoreDump.query(db, "SELECT name FROM mtas ORDER BY id") == ["sendmail", "exim"])
        let reports: [[String]] = [["report", "summary", "--format", "json"], ["report", "summary", "--mta", "exim"],
                                   ["report", "rates", "--by", "host"], ["report", "peers", "--mta", "sendmail"],
                                   ["report", "summary", "--since", "2026-11-15T08:30:00Z", "--format", "json"]]
        var before: [String] = []
        for args in reports {
            let r = try await dir.run(args + ["--db", db])
            #expect(r.status == 0, "\(args): \(r)")
            before.append(r.stdout)
        }
        #expect(before[0].contains("\"by_mta\""), "two MTAs: per-MTA figures")

        // Back to v5's shape: Exim's sessions as rows of their own (as v5's writer wrote them), carrier
        // rows without their TLS columns (and the `->` rows without the copies they carry), v5's views.
        let moved = try StoreDump.query(db, "SELECT count(*) FROM all_session_rows WHERE id NOT IN (SELECT id FROM session_rows)")
        #expect(moved != ["0"], "the Exim sample's sessions live on its message and delivery rows")
        let sessionColumns = CompactRows.sessions.columns.map(\.name).joined(separator: ", ")
        var undo = ["INSERT INTO session_rows(\(sessionColumns)) SELECT \(sessionColumns) FROM all_session_rows "
                    + "WHERE id NOT IN (SELECT id FROM session_rows)"]
        let movedAuth = try StoreDump.query(db, "SELECT count(*) FROM message_auth")
        #expect(movedAuth != ["0"], "the Exim sample's AUTH lives on its message rows")
        let authColumns = CompactRows.authEvents.columns.map(\.name).filter { $0 != "id" }.joined(separator: ", ")
        undo.append("INSERT INTO auth_rows(\(authColumns)) SELECT \(authColumns) FROM message_auth ORDER BY id DESC")
        for base in ["message_rows", "delivery_rows"] {
            undo.append("UPDATE \(base) SET tls_verify = NULL, tls_version = NULL, tls_cipher = NULL WHERE mta = 2")
        }
        undo += ["DROP VIEW tls_sessions", "DROP VIEW auth_events", "DROP VIEW all_session_rows", "DROP VIEW all_auth_rows",
                 "DROP VIEW message_sessions", "DROP VIEW delivery_sessions", "DROP VIEW message_auth",
                 "DROP VIEW messages", "DROP VIEW deliveries"]
        for base in ["message_rows", "delivery_rows"] {
            for c in ["tls_bits", "tls_cert_subject", "tls_version_logged", "tls_verify_logged", "session_role"] {
                undo.append("ALTER TABLE \(base) DROP COLUMN \(c)")
            }
        }
        for c in ["auth_authid", "auth_mech", "auth_role"] { undo.append("ALTER TABLE message_rows DROP COLUMN \(c)") }
        undo += CompactRows.tables.filter { ["session_rows", "message_rows", "delivery_rows", "auth_rows"].contains($0.base) }
            .map { CompactRows.createView($0, version: 5) }
        // Back to v4's shape: what v4 made and v5 undoes.
        undo += ["INSERT OR IGNORE INTO mtas(id, name) VALUES (1, 'postfix')", "PRAGMA user_version = 4"]
        for base in ["session_rows", "message_rows", "delivery_rows", "auth_rows", "failure_rows"] {
            undo += ["DROP INDEX \(base)_ts", "CREATE INDEX \(base)_ts ON \(base)(ts)",
                     "CREATE INDEX \(base)_mta ON \(base)(mta) WHERE mta <> 0"]
        }
        try (undo.joined(separator: ";\n") + ";\n").write(toFile: dir.path("undo.sql"), atomically: true, encoding: .utf8)
        try shOK("sqlite3 '\(db)' < '\(dir.path("undo.sql"))'")
        #expect(try sh("sqlite3 '\(db)' \"SELECT count(*) FROM sqlite_master WHERE name IN ('all_session_rows', 'message_sessions', 'delivery_sessions', 'all_auth_rows', 'message_auth')\"").output == "0\n")
        #expect(try sh("sqlite3 '\(db)' \"SELECT count(*) FROM sqlite_master WHERE name LIKE '%_rows_mta'\"").output == "5\n")

        let empty = try dir.write("empty.log", "")
        let migrate = try await dir.run(ingestArgs(db, [empty], ["--quiet"]))
        #expect(migrate.status == 0, "\(migrate)")
        #expect(try StoreDump.query(db, "PRAGMA user_version") == ["\(Schema.version)"])
        #expect(try StoreDump.query(db, "SELECT name FROM mtas ORDER BY id") == ["sendmail", "exim"])
        #expect(try StoreDump.query(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE '%_rows_mta'") == ["0"])
        #expect(try StoreDump.query(db, "SELECT sql FROM sqlite_master WHERE name = 'delivery_rows_ts'")
                == ["CREATE INDEX delivery_rows_ts ON delivery_rows(ts, mta)"])
        for (args, printed) in zip(reports, before) {
            let r = try await dir.run(args + ["--db", db])
            #expect(r.stdout == printed, "\(args) prints something else after the migration")
        }
        // The sessions v5 wrote stay rows; none lives on a carrier row.
        #expect(try StoreDump.query(db, "SELECT count(*) FROM all_session_rows WHERE id NOT IN (SELECT id FROM session_rows)") == ["0"])
        #expect(try StoreDump.query(db, "SELECT count(*) FROM session_rows WHERE mta = 2") == moved)
        #expect(try StoreDump.query(db, "SELECT count(*) FROM message_auth") == ["0"])
        #expect(try StoreDump.query(db, "SELECT count(*) FROM auth_rows WHERE mta = 2") == movedAuth)
    }

    /// The columns schemas v4 and v6 added to the views (and exports).
    static let v4Columns: Set<String> = ["mta", "version_logged", "verify_logged", "tls_feature", "encrypted",
                                         "tls_bits", "tls_cert_subject", "tls_version_logged", "tls_verify_logged", "session_role",
                                         "auth_authid", "auth_mech", "auth_role"]

    /// Splits an export's CSV into the CSV without the v4 columns and, per row, the v4 columns' values
    /// with the values of the columns they derive from.
    static func splitV4Columns(_ csv: String) -> (String, [[String: String]]) {
        let records = CSVRecords.parse(csv)
        guard let header = records.first else { return (csv, []) }
        // messages.encrypted dates from v3: it stays in the v2 output.
        let isMessages = header.contains("proto")
        let drop = Set(header.indices.filter { Self.v4Columns.contains(header[$0]) && !(isMessages && header[$0] == "encrypted") })
        let keep = ["version", "verify", "tls_session_id", "proto"]
        var out = "", added: [[String: String]] = []
        for (n, record) in records.enumerated() {
            out += record.enumerated().filter { !drop.contains($0.offset) }.map { CSVRecords.quote($0.element) }
                .joined(separator: ",") + "\r\n"
            guard n > 0 else { continue }
            var row: [String: String] = [:]
            for (i, name) in header.enumerated() where drop.contains(i) || keep.contains(name) { row[name] = record[i] }
            added.append(row)
        }
        return (out, added)
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


/// RFC 4180 records (CRLF line ends, `"` quoting), enough to take columns out of an export and put it
/// back together as mailtls writes it.
enum CSVRecords {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false
        var chars = Array(text), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\r\n" || c == "\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        chars = []
        return records
    }

    /// Quoted as mailtls's CSV writer quotes: when the field holds a comma, quote, CR or LF.
    static func quote(_ f: String) -> String {
        f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
            ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
    }
}
