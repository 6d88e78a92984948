import Foundation
import MailTLSIngest
import MailTLSParser
@testable import MailTLSPostgres
import MailTLSStore
import MailTLSTestSupport
import Testing

/// `mailtls ingest --db postgresql://…`: the same `Ingester` as for SQLite (parts, checkpoints, linker
/// state, resume), writing one host's part of the PostgreSQL store. Its stores equal the SQLite store's
/// for the same input, runs continue where the last commit stopped, and hosts ingest side by side.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct PostgresIngestTests {
    /// Parts of 2 KiB: a small log crosses many commits (each with its checkpoint and linker state);
    /// rollup counts added every 8 keys: also within a part (`IngestOptions.rollupKeys`).
    static let options = IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!, partBytes: 2048, rollupKeys: 8)

    static func ingest(_ paths: [String], host: String, into url: PostgresURL,
                       options: IngestOptions = options) throws -> IngestSummary {
        let store = try PostgresStore(url: url)
        #expect(try store.lockHost(host, wait: 5))
        defer { try? store.unlockHost(host) }
        let summary = try Ingester(target: PostgresIngestStore(store, ingestHost: host), options: options).ingest(paths: paths)
        #expect(summary.failedFiles.isEmpty, "\(summary.failedFiles)")
        return summary
    }

    /// `--reingest` of `paths` as host `host` (holding its lock, as the command does).
    static func reingest(_ paths: [String], host: String = "mx1", in pg: PostgresStore) throws {
        #expect(try pg.lockHost(host, wait: 5))
        defer { try? pg.unlockHost(host) }
        let s = try Ingester(target: PostgresIngestStore(pg, ingestHost: host), options: options)
            .ingest(paths: paths, reingest: Set(paths))
        #expect(s.failedFiles.isEmpty, "\(s.failedFiles)")
    }

    /// The views (without ids), rollups, local mail and links of both stores, compared query by query.
    static func expectEqual(_ sqlite: Store, _ pg: PostgresStore, _ context: String) throws {
        for sql in ConcurrentIngestTests.checks {
            let a = try Rows.sqlite(sqlite, sql), b = try Rows.postgres(pg, sql)
            #expect(a == b, "\(context): \(sql.prefix(80))")
        }
    }

    @Test func samplesAndASynthLogEqualTheSQLiteIngest() throws {
        let dir = try TempDir()
        let synth = try dir.write("synth.log", SynthLog.text(SynthLog.lines(0..<400)))
        let paths = try LogFeed.sampleLogs().map(\.path) + [synth]
        let sqlite = try Store(path: dir.path("mailtls.db"))
        let truth = try Ingester(store: sqlite, options: Self.options).ingest(paths: paths)
        let db = try PostgresTestServer.database()
        let summary = try Self.ingest(paths, host: "mx1", into: db.url)
        #expect(summary.rows == truth.rows && summary.lines == truth.lines && summary.rows.sessions > 100)
        let pg = try PostgresStore(url: db.url)
        try Self.expectEqual(sqlite, pg, "one run")
        // Every row id is one the store handed out, and each link points at a session of its host.
        #expect(try pg.connection.scalarInt("SELECT count(*) FROM message_rows WHERE tls_session_id IS NOT NULL") ?? 0 > 0)
        // A second run finds every file unchanged and adds nothing.
        let again = try Self.ingest(paths, host: "mx1", into: db.url)
        #expect(again.unchangedFiles == paths.count && again.rows.rows == 0)
        try Self.expectEqual(sqlite, pg, "after a second run")
        #expect(try pg.sources(ingestHost: "mx1").count == paths.count)
        #expect(try pg.lastIngestRun()?.ingestHost == "mx1")

        // `rebuild-rollups` recounts what the writer counted; `prune` removes what SQLite's removes.
        try pg.rebuildRollups()
        try sqlite.rebuildRollups()
        try Self.expectEqual(sqlite, pg, "after rebuilding the rollups")
        let cutoff = try #require(try pg.connection.scalarInt("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ts) FROM session_rows"))
        let removed = try pg.prune(before: cutoff)
        #expect(try sqlite.prune(before: cutoff).map(\.rows) == removed.map(\.rows))
        #expect(removed.reduce(0) { $0 + $1.rows } > 100)
        try Self.expectEqual(sqlite, pg, "after a prune")
        #expect(try pg.localMailCounts() == sqlite.localMailCounts())
    }

    /// A log read in three runs as it grows (cut inside SMTP sessions) equals one read of the whole
    /// log: the linker state and the map of its numbers to store ids carry over between runs.
    @Test func aGrowingLogReadInThreeRunsEqualsOneRead() throws {
        let dir = try TempDir()
        let lines = SynthLog.lines(0..<600)
        let whole = try dir.write("whole.log", SynthLog.text(lines))
        let sqlite = try Store(path: dir.path("mailtls.db"))
        _ = try Ingester(store: sqlite, options: Self.options).ingest(paths: [whole])

        let db = try PostgresTestServer.database()
        let cut1 = lines.count / 3 + 1, cut2 = 2 * lines.count / 3 + 2
        let growing = try dir.write("maillog", SynthLog.text(lines[0..<cut1]))
        var total = try Self.ingest([growing], host: "mx1", into: db.url).rows
        try dir.append("maillog", SynthLog.text(lines[cut1..<cut2]))
        total = total + (try Self.ingest([growing], host: "mx1", into: db.url).rows)
        try dir.append("maillog", SynthLog.text(lines[cut2...]))
        let last = try Self.ingest([growing], host: "mx1", into: db.url)
        total = total + last.rows
        #expect(last.lines == Int64(lines.count - cut2))
        let pg = try PostgresStore(url: db.url)
        try Self.expectEqual(sqlite, pg, "three runs")
        #expect(try pg.sources(ingestHost: "mx1").count == 1)
    }

    /// `--reingest` of a file whose sessions continue in the next file: its rows are removed and read
    /// again with the old ids of its sessions, failures and deliveries, so the store is what it was
    /// (every view, every link, every rollup), as on SQLite.
    @Test func reingestLeavesTheStoreAsItWas() throws {
        let dir = try TempDir()
        let lines = SynthLog.lines(0..<300)
        let cut = lines.count / 2 + 3
        let older = try dir.write("maillog.1", SynthLog.text(lines[0..<cut]))
        let newer = try dir.write("maillog", SynthLog.text(lines[cut...]))
        let sqlite = try Store(path: dir.path("mailtls.db"))
        _ = try Ingester(store: sqlite, options: Self.options).ingest(paths: [older, newer])
        let db = try PostgresTestServer.database()
        _ = try Self.ingest([older, newer], host: "mx1", into: db.url)
        let pg = try PostgresStore(url: db.url)
        // Every column but the ids of messages and AUTH, which the linker does not number (new rows get
        // new ids, as in SQLite); the links to sessions, failures and deliveries must be the same.
        let everything = CompactRows.tables.map { t in
            "SELECT \(t.columns.map(\.name).filter { $0 != "id" || t.view == "tls_sessions" || t.view == "tls_failures" || t.view == "deliveries" }.joined(separator: ", ")) FROM \(t.view)"
        } + Rollups.tableNames.map { "SELECT * FROM \($0)" }
            + ["SELECT * FROM local_mail"]
        let before = try everything.map { try Rows.postgres(pg, $0) }

        let store = try PostgresStore(url: db.url)
        #expect(try store.lockHost("mx1", wait: 5))
        let again = try Ingester(target: PostgresIngestStore(store, ingestHost: "mx1"), options: Self.options)
            .ingest(paths: [older], reingest: [older])
        try store.unlockHost("mx1")
        #expect(again.failedFiles.isEmpty && again.lines == Int64(cut), "\(again.failedFiles)")
        _ = try Ingester(store: sqlite, options: Self.options).ingest(paths: [older], reingest: [older])
        for (sql, rows) in zip(everything, before) {
            #expect(try Rows.postgres(pg, sql) == rows, "\(sql)")
        }
        try Self.expectEqual(sqlite, pg, "after --reingest")
    }

    /// `--reingest` of either file of a Postfix rotation cut while connections were open, or of both
    /// (`HeldAcrossRotation`): the rows the older file's held records made while the newer file was
    /// read are put back, not lost or written twice: the store is what the clean run made, and equals
    /// a clean SQLite run's.
    @Test(arguments: [["maillog.1"], ["maillog"], ["maillog.1", "maillog"]])
    func reingestOfAPostfixChainKeepsWhatWasHeldAcrossTheRotation(files: [String]) throws {
        let dir = try TempDir()
        let chain = [try dir.write("maillog.1", lines: HeldAcrossRotation.older),
                     try dir.write("maillog", lines: HeldAcrossRotation.newer)]
        let sqlite = try Store(path: dir.path("mailtls.db"))
        _ = try Ingester(store: sqlite, options: Self.options).ingest(paths: chain)
        let db = try PostgresTestServer.database()
        _ = try Self.ingest(chain, host: "mx1", into: db.url)
        let pg = try PostgresStore(url: db.url)
        try Self.expectEqual(sqlite, pg, "before --reingest")
        // Ids included (a PostgreSQL writer's ids come from its blocks, not SQLite's numbers).
        let before = try HeldAcrossRotation.everything.map { try Rows.postgres(pg, $0) }

        let paths = files.map { dir.path($0) }
        try Self.reingest(paths, in: pg)
        for (sql, rows) in zip(HeldAcrossRotation.everything, before) {
            #expect(try Rows.postgres(pg, sql) == rows, "\(sql)")
        }
        try Self.expectEqual(sqlite, pg, "after --reingest of \(files)")
    }

    /// Lines of the next file that complete rows of the file before it (`CompletedAcrossRotation`)
    /// survive a `--reingest` of either file, once, as on SQLite.
    @Test(arguments: [["maillog.1"], ["maillog"]])
    func completionsFromTheNextFileSurviveReingest(files: [String]) throws {
        let dir = try TempDir()
        let chain = [try dir.write("maillog.1", CompletedAcrossRotation.older), try dir.write("maillog", CompletedAcrossRotation.newer)]
        let db = try PostgresTestServer.database()
        _ = try Self.ingest(chain, host: "mx1", into: db.url)
        let pg = try PostgresStore(url: db.url)
        let want = try CompletedAcrossRotation.completed.map { try Rows.postgres(pg, $0) }
        #expect(want[1].first == ["<a@example.net>,<b@example.net>,<c@example.net>", "3"], "\(want[1])")
        let paths = files.map { dir.path($0) }
        try Self.reingest(paths, in: pg)
        #expect(try CompletedAcrossRotation.completed.map { try Rows.postgres(pg, $0) } == want)
    }

    /// `--reingest` after `prune` leaves the pruned days out (the rollups count them still), as on
    /// SQLite: rows, rollups and local counts stay as prune left them.
    @Test func reingestAfterPruneLeavesThePrunedDaysOut() throws {
        let dir = try TempDir()
        let older = try dir.write("maillog.1", SynthLog.text(SynthLog.lines(0..<120, day: 27) + SynthLog.lines(120..<200, day: 28)))
        let newer = try dir.write("maillog", SynthLog.text(SynthLog.lines(200..<260, day: 28) + SynthLog.lines(260..<400, day: 29)))
        let db = try PostgresTestServer.database()
        _ = try Self.ingest([older, newer], host: "mx1", into: db.url)
        let pg = try PostgresStore(url: db.url)
        let cutoff: Int64 = 1_795_824_000   // 2026-11-28T00:00:00Z
        #expect(try pg.prune(before: cutoff).first?.rows ?? 0 > 0)
        // Noted for the file whose rows it deleted; the newer file has none before the cutoff.
        let sources = try pg.sources(ingestHost: "mx1").sorted { $0.id < $1.id }.map(\.id)
        let noted = try sources.map { try pg.prunedBefore(sourceID: $0) }
        #expect(noted == [cutoff, nil])
        let pruned = try HeldAcrossRotation.everything.map { try Rows.postgres(pg, $0) }
        for file in [older, newer] {
            try Self.reingest([file], in: pg)
            for (sql, rows) in zip(HeldAcrossRotation.everything, pruned) {
                #expect(try Rows.postgres(pg, sql) == rows, "\(file): \(sql)")
            }
        }
        // Another host's file, first ingested after the prune, with lines before its cutoff: its
        // re-read stores them all again.
        let late = try dir.write("late.log", SynthLog.text(SynthLog.lines(400..<480, host: "mx2", day: 27)))
        _ = try Self.ingest([late], host: "mx2", into: db.url)
        let withLate = try HeldAcrossRotation.everything.map { try Rows.postgres(pg, $0) }
        try Self.reingest([late], host: "mx2", in: pg)
        for (sql, rows) in zip(HeldAcrossRotation.everything, withLate) {
            #expect(try Rows.postgres(pg, sql) == rows, "late.log: \(sql)")
        }
    }

    /// Hosts ingest at the same time, each its own log twice over (the second run adds nothing),
    /// and the store equals the one each host's log makes alone, one after the other.
    @Test func fourHostsAtOnceEqualOneAfterTheOther() throws {
        let dir = try TempDir()
        let hosts = ["mx1", "mx2", "mx3", "mx4"]
        let paths = try hosts.map { try dir.write("\($0).log", SynthLog.text(SynthLog.lines(0..<300, host: $0))) }
        let truth = try PostgresTestServer.database()
        for (host, path) in zip(hosts, paths) { _ = try Self.ingest([path], host: host, into: truth.url) }

        let fleet = try PostgresTestServer.database()
        let url = fleet.url
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: hosts.count) { i in
            do {
                for _ in 0..<2 { _ = try Self.ingest([paths[i]], host: hosts[i], into: url) }
            } catch { errors.add(error) }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        let a = try PostgresStore(url: truth.url), b = try PostgresStore(url: fleet.url)
        for sql in ConcurrentIngestTests.checks {
            #expect(try Rows.postgres(a, sql) == Rows.postgres(b, sql), "\(sql.prefix(80))")
        }
        #expect(try b.connection.scalarInt("SELECT count(DISTINCT ingest_host) FROM sources") == 4)
    }

    /// One ingest per host at a time: a second ingest as the same host waits for the lock (or gives up),
    /// while another host's ingest goes ahead.
    @Test func theHostLockKeepsTwoIngestsOfOneHostApart() throws {
        let db = try PostgresTestServer.database()
        let first = try PostgresStore(url: db.url), second = try PostgresStore(url: db.url)
        #expect(try first.lockHost("mx1", wait: 0))
        #expect(try !second.lockHost("mx1", wait: 0.3))
        #expect(try second.lockHost("mx2", wait: 0))
        try first.unlockHost("mx1")
        #expect(try second.lockHost("mx1", wait: 0))
    }
}
