import Foundation
import MailTLSIngest
import MailTLSParser
@testable import MailTLSPostgres
import MailTLSStore
import MailTLSTestSupport
import Testing

/// `mailtls copy`: a SQLite store moved into the PostgreSQL store holds what it held, and the next
/// ingest there goes on from its checkpoints: nothing lost, nothing twice, sessions spanning the cut
/// still linked; other hosts' rows and counts are added to, never replaced; a host already there is
/// refused unless asked to replace it.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct StoreCopyTests {
    static let utc = TimeZone(identifier: "UTC")!

    /// A SQLite store built by the real ingest (checkpoints, open-session state, runs), as a host has one.
    @discardableResult
    static func ingest(_ paths: [String], into db: String) throws -> Store {
        let store = try Store(path: db)
        let summary = try Ingester(store: store, options: IngestOptions(year: 2026, timeZone: utc)).ingest(paths: paths)
        #expect(summary.failedFiles.isEmpty, "\(summary.failedFiles)")
        return store
    }

    static func copy(_ db: String, to url: PostgresURL, as host: String, replace: Bool = false) throws -> StoreCopy.Summary {
        try StoreCopy(from: try Store(path: db, readOnly: true), to: try PostgresStore(url: url), ingestHost: host,
                      replace: replace).run()
    }

    /// Each link as the linked session's time, role and peer: equal only when every link is.
    static let links: [String] = [
        "SELECT m.ts, m.host, m.pid, m.queue_id, s.ts, s.role, s.peer FROM messages m LEFT JOIN tls_sessions s ON s.id = m.tls_session_id",
        "SELECT d.ts, d.host, d.pid, d.recipients, s.ts, s.role, s.peer FROM deliveries d LEFT JOIN tls_sessions s ON s.id = d.tls_session_id",
        "SELECT a.ts, a.host, a.pid, a.authid, s.ts, s.role, s.peer FROM auth_events a LEFT JOIN tls_sessions s ON s.id = a.tls_session_id",
        "SELECT f.ts, f.host, f.pid, f.kind, f.peer, s.ts, s.peer FROM tls_failures f LEFT JOIN tls_sessions s ON s.id = f.tls_session_id",
    ]

    /// What two stores must agree on whatever their ids: views, rollups, local mail, links.
    static let checks = ConcurrentIngestTests.checks + links

    /// The checks with the rollups' and local mail's counts but not their first and last times: taking
    /// a host's rows out of the rollups (`replace`, as `--reingest` does in SQLite) subtracts its counts
    /// but cannot narrow the times the remaining rows span.
    static let countChecks: [String] = CompactRows.tables.map { "SELECT \(ConcurrentIngestTests.comparable($0)) FROM \($0.view)" }
        + links
        + PostgresRollups.keys.filter { $0.table != "rollup_peer_sessions" }
            .map { "SELECT \(($0.key + [$0.count]).joined(separator: ", ")) FROM \($0.table)" }
        + ["""
           SELECT day, \(["host", "role", "peer", "version", "verify", "cipher"]
               .map { "(SELECT value FROM texts WHERE id = \($0)) AS \($0)" }.joined(separator: ", ")),
               loopback, cipher_bits, sessions FROM rollup_peer_sessions
           """,
           "SELECT day, host, kind, mailer, status, sum(n) FROM local_mail GROUP BY 1, 2, 3, 4, 5"]

    static func expectEqual(_ pg: PostgresStore, _ sqlite: Store, _ checks: [String] = checks,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        for sql in checks {
            let want = try Rows.sqlite(sqlite, sql)
            let got = try Rows.postgres(pg, sql)
            #expect(got.count == want.count, "\(sql)", sourceLocation: sourceLocation)
            if let (g, w) = zip(got, want).first(where: { $0 != $1 }) {
                Issue.record("PostgreSQL \(g) != SQLite \(w) in \(sql)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Every sample log and a generated one, copied into an empty store: every view column for column
    /// (ids too: a lone copy keeps them, as a lone writer does), every rollup, `local_mail`, the
    /// checkpoints, the runs and the open-session state.
    @Test func samplesAndAGeneratedLogCopyWholly() throws {
        let dir = try TempDir()
        let synth = try dir.write("maillog", lines: SynthLog.lines(0..<2000))
        let sqlitePath = dir.path("mailtls.db")
        let sqlite = try Self.ingest(try LogFeed.sampleLogs().map(\.path) + [synth], into: sqlitePath)
        let db = try PostgresTestServer.database()
        let summary = try Self.copy(sqlitePath, to: db.url, as: "mx1")
        let pg = try PostgresStore(url: db.url)

        let counts = try sqlite.rowCounts()
        for (table, rows) in counts where table != "sources" {
            #expect(summary.rows[table] == rows, "\(table)")
        }
        #expect(summary.totalRows > 3000 && summary.sources == counts.first { $0.table == "sources" }?.rows.asInt)
        for t in CompactRows.tables {
            let columns = try Rows.sqliteColumns(sqlite, t.view).joined(separator: ", ")
            let sql = "SELECT \(columns) FROM \(t.view)"
            let want = try Rows.sqlite(sqlite, sql)
            #expect(!want.isEmpty, "\(t.view)")
            #expect(try Rows.postgres(pg, sql) == want, "\(t.view)")
        }
        for table in Rollups.tableNames + ["local_mail"] {
            let sql = table == "rollup_peer_sessions" ? PostgresWriterTests.peerSessionsByValue : "SELECT * FROM \(table)"
            let want = try Rows.sqlite(sqlite, sql)
            #expect(!want.isEmpty, "\(table)")
            #expect(try Rows.postgres(pg, sql) == want, "\(table)")
        }
        let checkpoint = """
            SELECT id, path, device, inode, size, mtime, "offset", head_length, head_hash, tail_hash, compression, state_before,
                lines, first_ingest, last_ingest FROM sources
            """
        #expect(try Rows.postgres(pg, checkpoint) == Rows.sqlite(sqlite, checkpoint))
        #expect(try pg.connection.scalarInt("SELECT count(*) FROM sources WHERE ingest_host <> 'mx1'") == 0)
        let runs = "SELECT started, finished, files, bytes, lines, sessions, messages, summary FROM ingest_runs"
        #expect(try Rows.postgres(pg, runs) == Rows.sqlite(sqlite, runs))
        #expect(try Rows.postgres(pg, "SELECT ingest_host FROM ingest_runs") == [["mx1"]])

        let state = try pg.connection.query("SELECT key, value FROM ingest_state WHERE ingest_host = 'mx1' ORDER BY key")
        #expect(state.map { $0[0] } == ["ids", "linker"])
        let ids = try JSONDecoder().decode(PostgresWriter.IDState.self, from: Data((state[0][1] ?? "").utf8))
        #expect(ids.sessions == [0: 1] && ids.deliveries == [0: 1] && ids.failures == [0: 1])
        let linker = try JSONDecoder().decode(SessionLinker.self, from: Data((state[1][1] ?? "").utf8))
        #expect(linker.nextSessionID >= (try sqlite.nextSessionID()))
    }

    /// A store copied in the middle of a log, then the rest of the log read by the next ingest on
    /// PostgreSQL (from the copied checkpoint, linker and ids), equals one SQLite store of the whole
    /// log: sessions whose STARTTLS line was copied link to messages, deliveries and AUTH read after;
    /// failures copied are completed by the reject line read after; a second run adds nothing.
    @Test func copiedMidLogThenResumedEqualsOneStoreOfTheWholeLog() throws {
        let events = 0..<3000
        let lines = SynthLog.lines(events)
        let splits = SynthLog.sessionSplits(events)
        let cut = splits[splits.count / 2]
        let dir = try TempDir()
        // Another host wrote first, so the copied rows' ids are not their SQLite ids: links across the
        // cut hold only when the next ingest places the old numbers through the copied IDState.
        let other = try dir.write("mx2.log", lines: SynthLog.lines(0..<500, host: "mx2"))
        let truth = try Self.ingest([other, try dir.write("whole.log", lines: lines)], into: dir.path("truth.db"))

        let log = try dir.write("maillog", lines: Array(lines[..<cut]))
        try Self.ingest([log], into: dir.path("mx1.db"))
        let db = try PostgresTestServer.database()
        try ConcurrentIngestTests.ingest(other, as: "mx2", into: db.url, flushRows: 100_000)
        _ = try Self.copy(dir.path("mx1.db"), to: db.url, as: "mx1")
        try dir.append("maillog", SynthLog.text(lines[cut...]))
        try PostgresResume.ingestRest(of: log, as: "mx1", into: db.url, timeZone: Self.utc)

        let pg = try PostgresStore(url: db.url)
        let ids = try JSONDecoder().decode(PostgresWriter.IDState.self, from: Data(try #require(pg.connection.query(
            "SELECT value FROM ingest_state WHERE ingest_host = 'mx1' AND key = 'ids'").first?[0] ?? nil).utf8))
        #expect(ids.sessions[0] == 1 + PostgresSchema.idBlock, "mx2 took the first block")
        let expected = SynthLog.expectedRows(events), others = SynthLog.expectedRows(0..<500)
        for (table, rows) in try pg.rowCounts() where table != "sources" {
            #expect(rows == Int64((expected[table] ?? -1) + (others[table] ?? -1)), "\(table)")
        }
        try Self.expectEqual(pg, truth)
        // Every encrypted message is linked to its session, the one cut from its message too.
        let linked = try pg.connection.scalarInt("""
            SELECT count(*) FROM message_rows m JOIN session_rows s ON s.id = m.tls_session_id
            WHERE m.encrypted = 1 AND s.host = m.host AND s.pid = m.pid
            """)
        #expect(linked == Int64((events.filter { $0 % 5 == 0 || $0 % 5 == 4 }.count) + 200))

        let before = try pg.rowCounts().map(\.rows)
        try PostgresResume.ingestRest(of: log, as: "mx1", into: db.url, timeZone: Self.utc)
        #expect(try pg.rowCounts().map(\.rows) == before)
        try Self.expectEqual(pg, truth)
    }

    /// Every sample log (sendmail, Postfix, Exim) cut at each of several lines, copied, and the rest
    /// read by the next ingest on PostgreSQL, equals the SQLite store of the whole log: each MTA's
    /// open-session state and held-back rows survive the move.
    @Test(arguments: try LogFeed.sampleLogs().map(\.lastPathComponent))
    func aSampleCutAnywhereThenResumedEqualsTheWholeLog(_ name: String) throws {
        let text = try String(contentsOf: LogFeed.samples.appendingPathComponent(name), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let dir = try TempDir()
        let truth = try Self.ingest([try dir.write("whole.log", lines: lines)], into: dir.path("truth.db"))
        for cut in [lines.count / 4, lines.count / 2, lines.count * 3 / 4] {
            let log = try dir.write("maillog-\(cut)", lines: Array(lines[..<cut]))
            try Self.ingest([log], into: dir.path("part-\(cut).db"))
            let db = try PostgresTestServer.database()
            _ = try Self.copy(dir.path("part-\(cut).db"), to: db.url, as: "mx1")
            try dir.append("maillog-\(cut)", SynthLog.text(lines[cut...]))
            try PostgresResume.ingestRest(of: log, as: "mx1", into: db.url, timeZone: Self.utc)
            try Self.expectEqual(try PostgresStore(url: db.url), truth)
        }
    }

    /// Copied next to another ingesting host's rows (the same syslog host, the same day: the same
    /// rollup rows), the store holds both: rows side by side, counts added.
    @Test func copyingNextToAnotherHostAddsToItsRowsAndCounts() throws {
        let dir = try TempDir()
        let a = try dir.write("a.log", lines: SynthLog.lines(0..<1500))
        let b = try dir.write("b.log", lines: SynthLog.lines(1500..<3000))
        let truth = try Self.ingest([a, b], into: dir.path("truth.db"))
        try Self.ingest([a], into: dir.path("mx1.db"))
        let db = try PostgresTestServer.database()
        try ConcurrentIngestTests.ingest(b, as: "mx2", into: db.url, flushRows: 100_000)
        let pg = try PostgresStore(url: db.url)
        let mx2Sessions = try pg.connection.scalarInt("SELECT sum(sessions) FROM rollup_sessions")
        _ = try Self.copy(dir.path("mx1.db"), to: db.url, as: "mx1")
        #expect(try pg.connection.scalarInt("SELECT sum(sessions) FROM rollup_sessions") == 2 * (mx2Sessions ?? -1))
        try Self.expectEqual(pg, truth)
        #expect(try Rows.postgres(pg, "SELECT ingest_host, count(*) FROM sources GROUP BY 1") == [["mx1", "1"], ["mx2", "1"]])
        // No id of one host's rows was given to the other's.
        for t in CompactRows.tables {
            #expect(try pg.connection.scalarInt("SELECT count(*) - count(DISTINCT id) FROM \(t.base)") == 0, "\(t.base)")
        }
    }

    /// Postfix holds a connection's messages until its `disconnect`; copied while held, they were
    /// written later under the SQLite store's source id, which in the PostgreSQL store names another
    /// host's file (or none). The copy gives the held records, and each source's saved `state_before`,
    /// their source's new id.
    @Test func heldPostfixMessagesKeepTheirSourceAcrossTheCopy() throws {
        let dir = try TempDir()
        func connection(_ pid: Int, _ qid: String, _ minute: Int) -> [String] {
            let t = "Nov 10 14:\(String(format: "%02d", minute))"
            return ["\(t):01 mx1 postfix/smtpd[\(pid)]: connect from c\(pid).example[192.0.2.10]",
                    "\(t):02 mx1 postfix/smtpd[\(pid)]: \(qid): client=c\(pid).example[192.0.2.10]",
                    "\(t):03 mx1 postfix/qmgr[900]: \(qid): from=<u\(pid)@example.com>, size=2048, nrcpt=1 (queue active)",
                    "\(t):05 mx1 postfix/smtpd[\(pid)]: disconnect from c\(pid).example[192.0.2.10] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=6"]
        }
        let whole = connection(10, "AAA111", 0) + connection(11, "BBB222", 1)
        // The other host's file goes into the store first, so mx1's source gets another id than in SQLite.
        let other = try dir.write("other.log", lines: SynthLog.lines(0..<200))
        let db = try PostgresTestServer.database()
        try ConcurrentIngestTests.ingest(other, as: "mx2", into: db.url, flushRows: 100_000)
        let log = dir.path("maillog")
        try (Array(whole.prefix(6)).joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        try Self.ingest([log], into: dir.path("mx1.db"))   // BBB222 held: its connection is open
        _ = try Self.copy(dir.path("mx1.db"), to: db.url, as: "mx1")
        try (whole.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let pg = try PostgresStore(url: db.url)
        let summary = try Ingester(target: PostgresIngestStore(pg, ingestHost: "mx1"),
                                   options: IngestOptions(year: 2026, timeZone: Self.utc)).ingest(paths: [log])
        #expect(summary.failedFiles.isEmpty, "\(summary.failedFiles)")
        #expect(try Rows.postgres(pg, """
            SELECT m.queue_id, s.ingest_host FROM message_rows m JOIN sources s ON s.id = m.source_id
            WHERE m.mta = 1 ORDER BY 1
            """) == [["AAA111", "mx1"], ["BBB222", "mx1"]])
    }

    /// A host that has checkpoints in the store already is refused, with nothing written; `replace`
    /// takes its rows, counts and checkpoints out first and leaves the other hosts' as they were.
    @Test func aHostAlreadyThereIsRefusedUnlessReplaced() throws {
        let dir = try TempDir()
        let a = try dir.write("a.log", lines: SynthLog.lines(0..<1000))
        let b = try dir.write("b.log", lines: SynthLog.lines(1000..<2500))
        let c = try dir.write("c.log", lines: SynthLog.lines(2500..<3000))
        try Self.ingest([a], into: dir.path("old.db"))
        try Self.ingest([b], into: dir.path("new.db"))
        let truth = try Self.ingest([b, c], into: dir.path("truth.db"))
        let db = try PostgresTestServer.database()
        try ConcurrentIngestTests.ingest(c, as: "mx2", into: db.url, flushRows: 100_000)
        _ = try Self.copy(dir.path("old.db"), to: db.url, as: "mx1")
        let pg = try PostgresStore(url: db.url)
        let dump = try ConcurrentIngestTests.checks.map { try Rows.postgres(pg, $0) }

        #expect(throws: StoreCopyError.hostAlreadyThere(url: pg.connection.url, ingestHost: "mx1", sources: 1)) {
            try Self.copy(dir.path("new.db"), to: db.url, as: "mx1")
        }
        #expect(try ConcurrentIngestTests.checks.map { try Rows.postgres(pg, $0) } == dump, "the refused copy wrote")

        let summary = try Self.copy(dir.path("new.db"), to: db.url, as: "mx1", replace: true)
        #expect(summary.replacedSources == 1)
        try Self.expectEqual(pg, truth, Self.countChecks)
        #expect(try pg.connection.scalarInt("SELECT count(*) FROM ingest_runs WHERE ingest_host = 'mx1'") == 1)
    }

    /// Open-session state this build cannot read is refused (copying without it would lose the links
    /// of the sessions open at the cut), with nothing written and what to do.
    @Test func unreadableSessionStateIsRefused() throws {
        let dir = try TempDir()
        let store = try Self.ingest([try dir.write("maillog", lines: SynthLog.lines(0..<50))], into: dir.path("mx1.db"))
        try store.setState("linker", "{\"from\": \"a later release\"")
        let db = try PostgresTestServer.database()
        #expect {
            try Self.copy(dir.path("mx1.db"), to: db.url, as: "mx1")
        } throws: { e in
            guard case .unreadableLinkerState(let path, _)? = e as? StoreCopyError else { return false }
            return path == dir.path("mx1.db") && "\(e)".contains("mailtls ingest --db \(path)")
        }
        let pg = try PostgresStore(url: db.url)
        #expect(try pg.rowCounts().allSatisfy { $0.rows == 0 })
        #expect(try pg.connection.scalarInt("SELECT count(*) FROM sources") == 0)
        #expect(try pg.connection.scalarInt("SELECT count(*) FROM ingest_state") == 0)
        #expect(try pg.connection.scalarInt("SELECT count(*) FROM texts") == 0, "refused before the dictionary")
    }

    /// An ingest as that host running into PostgreSQL (the host's ingest lock held) makes the copy stop
    /// before it writes anything.
    @Test func aRunningIngestOfTheHostStopsTheCopy() throws {
        let dir = try TempDir()
        let log = try dir.write("maillog", lines: SynthLog.lines(0..<100))
        try Self.ingest([log], into: dir.path("mx1.db"))
        let db = try PostgresTestServer.database()
        let running = try PostgresStore(url: db.url)
        #expect(try running.lockHost("mx1", wait: 0))
        #expect(throws: StoreCopyError.ingestRunning(url: running.connection.url, ingestHost: "mx1")) {
            try Self.copy(dir.path("mx1.db"), to: db.url, as: "mx1")
        }
        #expect(try running.rowCounts().allSatisfy { $0.rows == 0 })
        #expect(try running.connection.scalarInt("SELECT count(*) FROM sources") == 0)
        // Another host's name is not held up.
        _ = try Self.copy(dir.path("mx1.db"), to: db.url, as: "mx9")
    }

    /// The copy carries the SQLite store's latest prune cutoff, so a `--reingest` on PostgreSQL keeps
    /// the pruned days out as it would have on SQLite.
    @Test func theLatestPruneCutoffComesAlong() throws {
        let dir = try TempDir()
        let log = try dir.write("maillog", SynthLog.text(SynthLog.lines(0..<60, day: 27) + SynthLog.lines(60..<120, day: 28)))
        let db = dir.path("mailtls.db")
        let sqlite = try Self.ingest([log], into: db)
        let cutoff: Int64 = 1_795_824_000   // 2026-11-28T00:00:00Z
        _ = try sqlite.prune(before: cutoff)
        let pg = try PostgresTestServer.database()
        _ = try Self.copy(db, to: pg.url, as: "mx1")
        let fleet = try PostgresStore(url: pg.url)
        let ids = try fleet.sources(ingestHost: "mx1").map(\.id)
        #expect(ids.count == 1 && ids.allSatisfy { (try? fleet.prunedBefore(sourceID: $0)) == cutoff }, "under the source's new id")
    }
}

extension Int64 {
    var asInt: Int { Int(self) }
}
