import Foundation
import MailTLSIngest
import MailTLSReports
import MailTLSStore
import Testing

/// summary.sql, check.sql, daily.sql and rates.sql answer from the daily rollups when their filters allow (no
/// `:peer`, whole UTC days or no time bound) and from the base tables otherwise: both paths must give
/// the same answer. A `:since` one second after midnight forces the raw path; the Samples have no row
/// at exactly midnight (checked), so it filters out the same rows as the midnight it stands for.
@Suite struct RollupPathTests {
    /// A store with the three Samples logs (2026-11-03, 11-10 and 11-29, UTC), made once per test.
    static func store() throws -> (db: String, dir: URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-rollup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("t.db").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let samples = ["isp-relay.log", "outbound.log", "multihost.log"].map { root.appendingPathComponent("Samples/\($0)").path }
        let ingested = try Ingester(store: Store(path: db), options: IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!))
            .ingest(paths: samples)
        #expect(ingested.failedFiles.isEmpty)
        return (db, dir)
    }

    /// Every row of query `name` with `params` bound, one line per row.
    static func rows(_ db: String, _ name: String, _ params: [String: String]) throws -> [String] {
        let store = try Store(path: db, readOnly: true)
        let s = try store.database.prepare(try QueryLibrary.sql(named: name))
        for (k, v) in params where s.parameterNames.contains(k) { s.bind(named: k, v) }
        var out: [String] = []
        while try s.step() {
            out.append((0..<s.columnCount).map { "\(s.value($0))" }.joined(separator: "|"))
        }
        return out
    }

    /// The JSON document of summary.sql.
    static func summary(_ db: String, _ params: [String: String]) throws -> String {
        let store = try Store(path: db, readOnly: true)
        let s = try store.database.prepare(try QueryLibrary.sql(named: "summary"))
        for (k, v) in params { s.bind(named: k, v) }
        #expect(try s.step())
        return s.string(0) ?? ""
    }

    @Test(arguments: [[:], [":include_local": "1"], [":host": "mx*"], [":role": "client"], [":limit": "2"]])
    func rollupsAndRawRowsGiveTheSameSummary(filters: [String: String]) throws {
        let (db, dir) = try Self.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fast = try Self.summary(db, filters)
        var rawFilters = filters
        rawFilters[":since"] = "1970-01-01T00:00:01Z"
        let raw = try Self.summary(db, rawFilters)
        #expect(fast.contains("\"total\":"))
        #expect(fast == raw)
    }

    /// The sections that read the daily rollups, with each filter the rollups serve, over all time and
    /// over whole UTC days: the same rows as from the base tables.
    @Test(arguments: ["summary", "check", "daily", "rates:day", "rates:week", "rates:month", "rates:host", "rates:all"])
    func dayAlignedQuestionsFromRollupsEqualTheRawRows(section: String) throws {
        let (db, dir) = try Self.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let parts = section.split(separator: ":").map(String.init)
        let name = parts[0]
        let store = try Store(path: db, readOnly: true)
        let atMidnight = try store.database.prepare("""
            SELECT count(*) FROM (SELECT ts FROM session_rows UNION ALL SELECT ts FROM message_rows
              UNION ALL SELECT ts FROM delivery_rows UNION ALL SELECT ts FROM auth_rows
              UNION ALL SELECT ts FROM failure_rows) WHERE ts % 86400 = 0
            """)
        #expect(try atMidnight.step())
        #expect(atMidnight.int64(0) == 0, "a row at midnight would make the raw :since below filter differently")
        let windows: [(since: String?, until: String?)] = [
            (nil, nil), ("2026-11-04", nil), ("2026-11-04", "2026-11-29"), (nil, "2026-11-11T00:00:00Z"),
        ]
        let filters: [[String: String]] = [[:], [":include_local": "1"], [":host": "mx*"], [":role": "client"],
                                           [":role": "server"], [":limit": "1"]]
        var answered = 0
        for window in windows {
            for f in filters {
                var fast = f
                if parts.count > 1 { fast[":by"] = parts[1] }
                fast[":since"] = window.since
                fast[":until"] = window.until
                var raw = fast
                raw[":since"] = (window.since.map { String($0.prefix(10)) } ?? "1970-01-01") + "T00:00:01Z"
                let a = try Self.rows(db, name, fast), b = try Self.rows(db, name, raw)
                if !a.isEmpty { answered += 1 }
                #expect(a == b, "\(section) \(fast)")
            }
        }
        #expect(answered * 2 > windows.count * filters.count)
    }

    /// The two paths above are two: a whole day is read from the rollups, the same day from its second
    /// second to its last from rows (no Samples row falls on those two seconds, checked); after the
    /// rollups are changed by hand, the whole-day answers change and the row answers do not.
    @Test(arguments: ["summary", "check", "daily", "rates:day"])
    func wholeDayAnswersReadTheRollups(section: String) throws {
        let (db, dir) = try Self.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let edges = try Store(path: db, readOnly: true).database.prepare("""
            SELECT count(*) FROM (SELECT ts FROM session_rows UNION ALL SELECT ts FROM message_rows
              UNION ALL SELECT ts FROM delivery_rows UNION ALL SELECT ts FROM auth_rows
              UNION ALL SELECT ts FROM failure_rows) WHERE ts % 86400 IN (0, 86399)
            """)
        #expect(try edges.step())
        #expect(edges.int64(0) == 0)
        let parts = section.split(separator: ":").map(String.init)
        var fast: [String: String] = [":since": "2026-11-10", ":until": "2026-11-11"]
        if parts.count > 1 { fast[":by"] = parts[1] }
        var raw = fast
        raw[":since"] = "2026-11-10T00:00:01Z"
        raw[":until"] = "2026-11-10T23:59:59Z"
        let before = (try Self.rows(db, parts[0], fast), try Self.rows(db, parts[0], raw))
        #expect(before.0 == before.1)
        try Store(path: db).database.execute("""
            UPDATE rollup_sessions SET sessions = sessions + 1000; UPDATE rollup_traffic SET n = n + 1000;
            UPDATE rollup_peer_sessions SET sessions = sessions + 1000
            """)
        let after = (try Self.rows(db, parts[0], fast), try Self.rows(db, parts[0], raw))
        #expect(after.0 != before.0)
        #expect(after.1 == before.1)
    }

    /// The per-peer sections read whole UTC days from rollup_peer_sessions and the seconds around them
    /// from session_rows: a day read whole (rollup only) equals the same day from its second second to
    /// its last (rows only; no Samples row falls on those two seconds, checked). Then, with the rollup
    /// changed by hand, the whole-day answers change and the row answers do not.
    @Test(arguments: ["peers", "verify", "versions", "ciphers", "weak", "policy"])
    func perPeerSectionsFromTheRollupEqualTheRows(section: String) throws {
        let (db, dir) = try Self.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(path: db)
        let edges = try store.database.prepare("""
            SELECT count(*) FROM session_rows WHERE ts % 86400 IN (0, 86399)
            """)
        #expect(try edges.step())
        #expect(edges.int64(0) == 0)
        let days = [("2026-11-03", "2026-11-04"), ("2026-11-10", "2026-11-11"), ("2026-11-29", "2026-11-30")]
        let filters: [[String: String]] = [[:], [":include_local": "1"], [":host": "mx*"], [":role": "client"],
                                           [":peer": "*.*"], [":min": "1"]]
        func answers() throws -> [(whole: [String], rows: [String])] {
            try days.flatMap { day, next in
                try filters.map { f in
                    var whole = f, rows = f
                    whole[":since"] = day
                    whole[":until"] = next
                    rows[":since"] = day + "T00:00:01Z"
                    rows[":until"] = day + "T23:59:59Z"
                    return (try Self.rows(db, section, whole), try Self.rows(db, section, rows))
                }
            }
        }
        let before = try answers()
        for (i, a) in before.enumerated() { #expect(a.whole == a.rows, "\(section) \(days[i / filters.count].0) \(filters[i % filters.count])") }
        #expect(before.filter { !$0.whole.isEmpty }.count * 3 > before.count)
        // More sessions, every one verified OK (rows that then collide are replaced: still a change).
        try store.database.execute("""
            UPDATE OR REPLACE rollup_peer_sessions SET sessions = sessions + 1, verify = (SELECT id FROM texts WHERE value = 'OK')
            """)
        let after = try answers()
        #expect(after.map(\.rows) == before.map(\.rows))
        #expect(after.map(\.whole) != before.map(\.whole))
    }
}
