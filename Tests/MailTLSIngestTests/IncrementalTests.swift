import Foundation
import MailTLSTestSupport
import MailTLSIngest
import MailTLSParser
import MailTLSStore
import Testing

/// Incremental ingest through `Ingester`: partial last lines, sessions split across runs,
/// `--reingest`, and failures that must leave the store as it was.
@Suite struct IncrementalTests {
    /// The generator's lines parse and link as documented, so the other tests compare real links.
    @Test func syntheticLogLinksAsDocumented() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(SynthLog.lines(0..<50)))
        let s = try ingest([dir.path("maillog")], db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(s.malformed == 0)
        #expect(s.skipped == 10)
        #expect(try StoreDump.counts(db) == SynthLog.expectedRows(0..<50))
        #expect(try scalar(db, "SELECT count(*) FROM messages WHERE proto LIKE 'ESMTPS%' AND tls_session_id IS NULL") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM messages WHERE proto = 'ESMTP' AND tls_session_id IS NOT NULL") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM deliveries WHERE tls_session_id IS NULL") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM auth_events WHERE tls_session_id IS NULL") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM tls_failures WHERE ruleset = 'tls_server' AND reject LIKE '403%'") == 10)
        // Links go to the right session: same pid, peer named like the row's peer.
        #expect(try scalar(db, """
            SELECT count(*) FROM deliveries d JOIN tls_sessions s ON s.id = d.tls_session_id
            WHERE s.pid = d.pid AND s.peer = d.peer AND s.role = 'client'
            """) == 10)
        #expect(try scalar(db, """
            SELECT count(*) FROM messages m JOIN tls_sessions s ON s.id = m.tls_session_id
            WHERE s.pid = m.pid AND s.peer = m.peer AND s.role = 'server'
            """) == 20)
        #expect(try StoreDump.of(db).count == SynthLog.expectedRows(0..<50).values.reduce(0, +))
    }

    // MARK: partial last line

    /// A last line without a newline is not consumed; once completed, the next run reads it whole,
    /// once. Here the partial line is a STARTTLS=client whose to= comes later.
    @Test func partialLastLineIsLeftForTheNextRun() throws {
        let all = SynthLog.lines(0..<60)
        let k = SynthLog.sessionSplits(0..<60)[30] - 1   // a STARTTLS line
        #expect(all[k].contains("STARTTLS="))
        let a = Array(all[..<k]), line = all[k], rest = Array(all[(k + 1)...])
        let half = line.index(line.startIndex, offsetBy: line.count / 2)

        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(a) + String(line[..<half]))
        let s1 = try ingest([dir.path("maillog")], db: db)
        #expect(s1.lines == Int64(a.count))
        #expect(try checkpoints(db) == ["\(dir.path("maillog"))|\(SynthLog.bytes(a))|\(a.count)"])
        try expectStore(db, equals: try cleanDump(a), "partial line not consumed")

        // Still being written: more bytes, still no newline.
        try dir.append("maillog", raw: String(line[half...]))
        let s2 = try ingest([dir.path("maillog")], db: db)
        #expect(s2.lines == 0)
        #expect(s2.rows.rows == 0)

        // Completed, and more lines after it.
        try dir.append("maillog", raw: "\n" + SynthLog.text(rest))
        let s3 = try ingest([dir.path("maillog")], db: db)
        #expect(s3.lines == Int64(1 + rest.count))
        try expectStore(db, equals: try cleanDump(all), "partial line completed")
        #expect(try checkpoints(db) == ["\(dir.path("maillog"))|\(SynthLog.bytes(all))|\(all.count)"])
    }

    /// A file holding only part of its first line: nothing read, nothing stored (but the file is
    /// tracked); once the line is complete it is read from byte 0.
    @Test func fileWithOnlyAPartialLine() throws {
        let all = SynthLog.lines(0..<10)
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", String(all[0].prefix(40)))
        let s1 = try ingest([dir.path("maillog")], db: db)
        #expect(s1.failedFiles.isEmpty)
        #expect(s1.lines == 0)
        #expect(try totalRows(db) == 0)
        try dir.write("maillog", SynthLog.text(all))   // rewritten in place: same first bytes, completed
        let s2 = try ingest([dir.path("maillog")], db: db)
        #expect(s2.lines == Int64(all.count))
        try expectStore(db, equals: try cleanDump(all), "completed first line")
    }

    /// The partial line is completed, then the file is rotated and compressed before the next run:
    /// the line is read whole, once, from the compressed file.
    @Test func partialLineCompletedInTheRotatedCompressedFile() throws {
        let all = SynthLog.lines(0..<80)
        let k = SynthLog.sessionSplits(0..<80)[40] - 1
        let a = Array(all[..<k]), line = all[k], b = Array(all[(k + 1)..<(k + 20)]), c = Array(all[(k + 20)...])
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(a) + String(line.prefix(50)))
        try ingest([dir.path("maillog")], db: db)
        try dir.append("maillog", raw: String(line.dropFirst(50)) + "\n" + SynthLog.text(b))
        try dir.move("maillog", "maillog.1")
        try shell("xz '\(dir.path("maillog.1"))'")
        try dir.write("maillog", SynthLog.text(c))
        let s = try ingest([dir.path("maillog"), dir.path("maillog.1.xz")], db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(s.lines == Int64(1 + b.count + c.count))
        try expectStore(db, equals: try cleanDump(all), "partial line across rotation")
    }

    // MARK: sessions split across runs

    /// The first line of an event in run 1, the rest in run 2 (the log grew in between): linked
    /// exactly as in one run. Kinds: 0 STARTTLS=server / from=, 1 STARTTLS=client / to=,
    /// 3 accept failed / ruleset reject, 4 STARTTLS=server / AUTH + from=.
    @Test(arguments: [0, 1, 3, 4])
    func sessionSplitAcrossTwoRunsLinksAsInOneRun(kind: Int) throws {
        let events = 0..<40
        let all = SynthLog.lines(events)
        let i = 20 + kind   // the split event
        let cut = SynthLog.lines(0..<i).count + 1
        #expect(SynthLog.event(i).first == all[cut - 1])

        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(all[..<cut]))
        try ingest([dir.path("maillog")], db: db)
        #expect(try scalar(db, "SELECT count(*) FROM ingest_state WHERE key = 'linker'") == 1)
        try dir.append("maillog", lines: all[cut...])
        let s = try ingest([dir.path("maillog")], db: db)
        #expect(s.lines == Int64(all.count - cut))
        try expectStore(db, equals: try cleanDump(all), "split kind \(kind)")

        let pid = 20000 + i
        switch kind {
        case 0:
            #expect(try StoreDump.query(db, """
                SELECT s.peer, s.role FROM messages m JOIN tls_sessions s ON s.id = m.tls_session_id WHERE m.pid = \(pid)
                """) == ["in\(i).example.org|server"])
        case 1:
            #expect(try StoreDump.query(db, """
                SELECT s.peer, s.role, s.verify FROM deliveries d JOIN tls_sessions s ON s.id = d.tls_session_id WHERE d.pid = \(pid)
                """) == ["mx\(i).example.net|client|OK"])
        case 3:
            #expect(try StoreDump.query(db, "SELECT kind, peer, ruleset, reject FROM tls_failures WHERE pid = \(pid)")
                    == ["accept_failed|scan\(i).example.net|tls_server|403 4.7.0 TLS handshake failed."])
        default:
            #expect(try StoreDump.query(db, """
                SELECT s.peer FROM auth_events a JOIN tls_sessions s ON s.id = a.tls_session_id WHERE a.pid = \(pid)
                UNION ALL
                SELECT s.peer FROM messages m JOIN tls_sessions s ON s.id = m.tls_session_id WHERE m.pid = \(pid)
                """) == ["auth\(i).example.org", "auth\(i).example.org"])
        }
    }

    /// A log collected from two hosts whose clocks differ by more than the session gap (mx2 runs
    /// 45 minutes ahead). A session of mx1 split across two runs must still link as in one run:
    /// idleness is a matter of each host's own clock.
    @Test func splitSessionLinksDespiteAnotherHostsClockSkew() throws {
        // mx1 events 0..<20 around 01:00; mx2 events 100..<120 around 01:55 (pids differ).
        var lines: [String] = []
        for k in 0..<20 {
            lines += SynthLog.event(k, host: "mx1")
            lines += SynthLog.event(100 + k, host: "mx2").map {
                // 45 minutes ahead of the 01:10 its event index implies.
                $0.replacingOccurrences(of: "Nov 29 01:1", with: "Nov 29 01:5")
            }
        }
        // Split right after mx1's STARTTLS=client of event 11 (its to= follows mx2's event 111).
        let i = 11
        let startTLS = try #require(lines.firstIndex(of: SynthLog.event(i, host: "mx1")[0]))
        let cut = startTLS + 1 + SynthLog.event(100 + i).count   // mx1's STARTTLS, then all of mx2's event
        var runs = lines
        let to = runs.remove(at: startTLS + 1)                  // mx1's to= goes after mx2's event
        runs.insert(to, at: cut - 1)
        #expect(runs[cut - 2].contains("mx2"))
        #expect(runs[cut - 1].contains("to=<rcpt\(i)@"))
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(runs[..<(cut - 1)]))
        try ingest([dir.path("maillog")], db: db)
        try dir.append("maillog", lines: runs[(cut - 1)...])
        try ingest([dir.path("maillog")], db: db)
        let linked = try StoreDump.query(db, """
            SELECT s.peer FROM deliveries d JOIN tls_sessions s ON s.id = d.tls_session_id WHERE d.host = 'mx1' AND d.pid = \(20000 + i)
            """)
        do {
            #expect(linked == ["mx\(i).example.net"])
            try expectStore(db, equals: try cleanDump(runs), "skewed clocks")
        }
    }

    /// Many runs, each reading a few lines of a growing file (cut anywhere, including mid-session):
    /// the same store as one run.
    @Test func manySmallRunsEqualOneRun() throws {
        let all = SynthLog.lines(0..<90)
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", "")
        var at = 0
        var step = 1
        while at < all.count {
            let next = min(all.count, at + step)
            try dir.append("maillog", lines: all[at..<next])
            let s = try ingest([dir.path("maillog")], db: db)
            #expect(s.failedFiles.isEmpty)
            #expect(s.lines == Int64(next - at))
            at = next
            step = step % 13 + 2
        }
        try expectStore(db, equals: try cleanDump(all), "many small runs")
    }

    // MARK: --reingest

    /// `--reingest` of a single file: its rows are removed and read again; same store as before.
    @Test func reingestOfASingleFileRestoresTheSameStore() throws {
        let all = SynthLog.lines(0..<60)
        let dir = try TempDir()
        let db = dir.path("t.db")
        let log = try dir.write("maillog", SynthLog.text(all))
        try ingest([log], db: db)
        let before = try StoreDump.of(db)
        let marks = try checkpoints(db)
        let s = try ingest([log], reingest: [log], db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(s.lines == Int64(all.count))
        try expectStore(db, equals: before, "reingest")
        #expect(try checkpoints(db) == marks, "the same source, not a new one")
    }

    /// `--reingest` of one file of a rotated chain whose sessions continue into the next file (and
    /// come from the previous one): the store must be the same as before.
    @Test(arguments: ["maillog.1", "maillog"], [1, 3])
    func reingestOfAFileInAChain(file: String, splitKind: Int) throws {
        let events = 0..<80
        let all = SynthLog.lines(events)
        let i = 40 + splitKind
        let cut = SynthLog.lines(0..<i).count + 1   // splits event i between the two files
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog.1", SynthLog.text(all[..<cut]))
        try dir.write("maillog", SynthLog.text(all[cut...]))
        let chain = [dir.path("maillog.1"), dir.path("maillog")]
        try ingest(chain, db: db)
        let before = try StoreDump.of(db)
        try expectStore(db, equals: try cleanDump(all), "before reingest")
        let marks = try checkpoints(db)

        let s = try ingest([dir.path(file)], reingest: [dir.path(file)], db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(try checkpoints(db) == marks)
        let after = try StoreDump.of(db)
        let counts = try StoreDump.counts(db)
        do {
            // Row counts never change, and neither do rows or links.
            #expect(counts == SynthLog.expectedRows(events))
            let same = after == before
            #expect(same, "\(StoreDump.diff(after, before))")
        }
        // Linking stays intact for the rows not involved in the split session.
        #expect(try scalar(db, "SELECT count(*) FROM deliveries WHERE pid <> \(20000 + i) AND tls_session_id IS NULL") == 0)
    }

    /// `--reingest` of either file of a Postfix rotation cut while connections were open, or of
    /// both: the older file's message, AUTH row and handshake failure were written while the newer
    /// file was read (its `disconnect … starttls=1` made them encrypted, its `TLS library problem`
    /// line gave the reason). Re-reading the older file must put those rows back as they were, and
    /// re-reading the newer one must not write them twice: every view, rollup and local count equal
    /// a clean run's.
    @Test(arguments: [["maillog.1"], ["maillog"], ["maillog.1", "maillog"], ["maillog", "maillog.1"]])
    func reingestOfAPostfixChainKeepsWhatWasHeldAcrossTheRotation(files: [String]) throws {
        let dir = try TempDir()
        try dir.write("maillog.1", lines: HeldAcrossRotation.older)
        try dir.write("maillog", lines: HeldAcrossRotation.newer)
        let chain = [dir.path("maillog.1"), dir.path("maillog")]
        let clean = dir.path("clean.db")
        try ingest(chain, db: clean)
        func dump(_ db: String) throws -> [[String]] {
            try HeldAcrossRotation.everything.map { try StoreDump.query(db, $0).sorted() }
        }
        let want = try dump(clean)
        // The case is the one meant: what the older file's lines made depends on the newer file.
        #expect(try StoreDump.query(clean, "SELECT queue_id, encrypted FROM messages ORDER BY queue_id")
                == ["3F2A1B0C00|1", "3F2A1B0C01|1", "3F2A1B0C02|1"])
        #expect(try StoreDump.query(clean, "SELECT authid, encrypted FROM auth_events") == ["carol|1"])
        #expect(try StoreDump.query(clean, "SELECT reason LIKE '%unsupported protocol%' FROM tls_failures") == ["1"])

        let db = dir.path("t.db")
        try ingest(chain, db: db)
        let marks = try checkpoints(db)
        let paths = files.map { dir.path($0) }
        let s = try ingest(paths, reingest: Set(paths), db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(try checkpoints(db) == marks, "the same sources, not new ones")
        for (q, (got, w)) in zip(HeldAcrossRotation.everything, zip(try dump(db), want)) {
            #expect(got == w, "\(q): \(StoreDump.diff(got, w))")
        }
    }

    /// `--reingest` of the newest file while its connections are still open: what the re-read holds
    /// at its end has no row yet and the run's saved linker holds it too, so it is written once, when
    /// the rest of the log arrives, as a clean run writes it.
    @Test func reingestOfTheNewestFileWithConnectionsStillOpenWritesTheirRowsOnce() throws {
        let dir = try TempDir()
        let log = try dir.write("maillog", lines: HeldAcrossRotation.older)
        let db = dir.path("t.db")
        try ingest([log], db: db)
        let s = try ingest([log], reingest: [log], db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(try StoreDump.query(db, "SELECT queue_id FROM messages") == ["3F2A1B0C00"], "the others wait for their connections")
        try dir.append("maillog", lines: HeldAcrossRotation.newer)
        try ingest([log], db: db)
        let clean = dir.path("clean.db")
        try ingest([try dir.write("all.log", lines: HeldAcrossRotation.older + HeldAcrossRotation.newer)], db: clean)
        for q in HeldAcrossRotation.everything {
            let got = try StoreDump.query(db, q).sorted(), want = try StoreDump.query(clean, q).sorted()
            #expect(got == want, "\(q): \(StoreDump.diff(got, want))")
        }
    }

    /// `--reingest` gives every row its old id, deliveries included, whatever the MTA: only a
    /// delivery that is a row takes an id (local ones, counted and not stored, took ids too, so the
    /// re-read handed the rows' old ids to them and the rows got others).
    @Test func reingestKeepsTheIdsOfEveryRow() throws {
        let logs = ["multihost.log", "postfix.log", "exim.log"].map { repositoryRoot.appendingPathComponent("Samples/\($0)").path }
        let dir = try TempDir()
        let db = dir.path("t.db")
        let synth = try dir.write("synth.log", SynthLog.text(SynthLog.lines(0..<200)))
        try ingest(logs + [synth], db: db)
        let ids = ["SELECT 'D', id, source_id, source_offset FROM delivery_rows", "SELECT 'S', id, source_id, source_offset FROM session_rows",
                   "SELECT 'F', id, source_id, source_offset FROM failure_rows"]
        func dump() throws -> [String] { try ids.flatMap { try StoreDump.query(db, $0) }.sorted() }
        let before = try dump()
        #expect(try scalar(db, "SELECT count(*) FROM local_mail WHERE kind = 'delivery'") > 0, "local deliveries in the logs")
        for log in logs + [synth] {
            let s = try ingest([log], reingest: [log], db: db)
            #expect(s.failedFiles.isEmpty)
            let after = try dump()
            #expect(after == before, "\(log): \(StoreDump.diff(after, before))")
        }
    }

    /// `--reingest` after `prune`: the re-read file's lines of the pruned days do not come back (the
    /// rollups, which prune keeps, count them still), so rows, rollups and local counts stay as prune
    /// left them, whichever file is re-read.
    @Test func reingestAfterPruneLeavesThePrunedDaysOut() throws {
        let dir = try TempDir()
        let older = try dir.write("maillog.1", SynthLog.text(SynthLog.lines(0..<120, day: 27) + SynthLog.lines(120..<200, day: 28)))
        let newer = try dir.write("maillog", SynthLog.text(SynthLog.lines(200..<260, day: 28) + SynthLog.lines(260..<400, day: 29)))
        let db = dir.path("t.db")
        try ingest([older, newer], db: db)
        let store = try Store(path: db)
        let cutoff = Int64(try #require(try scalar(db, "SELECT unixepoch('2026-11-28')")))
        let removed = try store.prune(before: cutoff)
        #expect(removed.first?.rows ?? 0 > 0)
        // Noted for the file whose rows it deleted; the newer file has none before the cutoff.
        #expect(try store.prunedBefore(sourceID: 1) == cutoff && store.prunedBefore(sourceID: 2) == nil)
        func dump() throws -> [[String]] { try HeldAcrossRotation.everything.map { try StoreDump.query(db, $0).sorted() } }
        let pruned = try dump()
        for file in [older, newer] {
            let s = try ingest([file], reingest: [file], db: db)
            #expect(s.failedFiles.isEmpty)
            for (q, (got, want)) in zip(HeldAcrossRotation.everything, zip(try dump(), pruned)) {
                #expect(got == want, "\(file): \(q): \(StoreDump.diff(got, want))")
            }
        }
        #expect(try scalar(db, "SELECT count(*) FROM tls_sessions WHERE ts < '2026-11-28'") == 0)
        // A later prune with an earlier cutoff does not move the mark back.
        _ = try store.prune(before: cutoff - 86_400)
        #expect(try store.prunedBefore(sourceID: 1) == cutoff)
    }

    /// A file first ingested after a `prune`, with lines before its cutoff: prune never deleted its
    /// rows, so its re-read stores them all again (a cutoff for the whole store lost them, and took
    /// them out of the rollups).
    @Test func reingestOfAFileIngestedAfterAPruneKeepsItsOldLines() throws {
        let dir = try TempDir()
        let first = try dir.write("first.log", SynthLog.text(SynthLog.lines(0..<100, day: 28)))
        let db = dir.path("t.db")
        try ingest([first], db: db)
        let cutoff = Int64(try #require(try scalar(db, "SELECT unixepoch('2026-11-29')")))
        _ = try Store(path: db).prune(before: cutoff)
        let late = try dir.write("late.log", SynthLog.text(SynthLog.lines(100..<200, day: 27) + SynthLog.lines(200..<260, day: 29)))
        try ingest([late], db: db)
        func dump() throws -> [[String]] { try HeldAcrossRotation.everything.map { try StoreDump.query(db, $0).sorted() } }
        let before = try dump()
        #expect(try scalar(db, "SELECT count(*) FROM tls_sessions WHERE ts < '2026-11-28'") > 0, "the late file's old lines are rows")
        let s = try ingest([late], reingest: [late], db: db)
        #expect(s.failedFiles.isEmpty)
        for (q, (got, want)) in zip(HeldAcrossRotation.everything, zip(try dump(), before)) {
            #expect(got == want, "\(q): \(StoreDump.diff(got, want))")
        }
    }

    /// `--reingest DIR` re-reads every file in the folder, as ingesting the folder reads them.
    @Test func reingestOfAFolderRereadsItsFiles() throws {
        let dir = try TempDir()
        let all = SynthLog.lines(0..<80)
        let cut = SynthLog.lines(0..<40).count
        try FileManager.default.createDirectory(atPath: dir.path("logs"), withIntermediateDirectories: true)
        try dir.write("logs/maillog.1", SynthLog.text(all[..<cut]))
        try dir.write("logs/maillog", SynthLog.text(all[cut...]))
        let db = dir.path("t.db")
        try ingest([dir.path("logs")], db: db)
        let before = try StoreDump.of(db)
        _ = try Store(path: db).database.execute("DELETE FROM session_rows WHERE id = (SELECT max(id) FROM session_rows)")
        #expect(try StoreDump.of(db) != before)
        let s = try ingest([dir.path("logs")], reingest: [dir.path("logs")], db: db)
        #expect(s.failedFiles.isEmpty && s.lines == Int64(all.count), "both files read again: \(s.line)")
        try expectStore(db, equals: before, "after --reingest of the folder")
    }

    // MARK: failures leave the store unchanged

    /// The store refuses a write part way through a file (disk full, simulated with
    /// max_page_count): that file is rolled back completely (rows, checkpoint, linker state), the
    /// error names it, and a later run with space reads it as if nothing had happened.
    @Test func storeFullRollsBackTheFile() throws {
        let all = SynthLog.lines(0..<400)
        let cut = SynthLog.sessionSplits(0..<400)[20]
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog.1", SynthLog.text(all[..<cut]))
        try ingest([dir.path("maillog.1")], db: db)
        let before = try StoreDump.of(db)
        let marks = try checkpoints(db)
        let linkerBefore = try StoreDump.query(db, "SELECT value FROM ingest_state WHERE key = 'linker'")
        try dir.write("maillog", SynthLog.text(all[cut...]))

        do {
            let store = try Store(path: db)
            let pages = try #require(try store.database.scalarInt("PRAGMA page_count"))
            _ = try store.database.scalarInt("PRAGMA max_page_count = \(pages + 2)")
            let s = try Ingester(store: store, options: IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!))
                .ingest(paths: [dir.path("maillog")])
            #expect(s.failedFiles.count == 1)
            #expect(s.failedFiles.first?.path == dir.path("maillog"))
            if case .store = s.failedFiles.first {} else { Issue.record("expected a store error, got \(s.failedFiles)") }
            #expect(s.rows.rows == 0, "counts of the rolled-back file are not reported")
        }
        try expectStore(db, equals: before, "after the failed file")
        #expect(try checkpoints(db) == marks)
        #expect(try StoreDump.query(db, "SELECT value FROM ingest_state WHERE key = 'linker'") == linkerBefore)

        let s2 = try ingest([dir.path("maillog.1"), dir.path("maillog")], db: db)
        #expect(s2.failedFiles.isEmpty)
        #expect(s2.lines == Int64(all.count - cut))
        try expectStore(db, equals: try cleanDump(all), "after the retry")
    }

    /// A corrupt compressed file between two good ones: rolled back alone, linker included, so the
    /// store equals a run over the good files only.
    @Test(arguments: ["gzip", "bzip2", "xz"])
    func corruptCompressedFileIsRolledBackAlone(tool: String) throws {
        try #require(toolExists(tool), "\(tool) is needed for this test")
        let all = SynthLog.lines(0..<900)
        let splits = SynthLog.sessionSplits(0..<900)
        let g1 = Array(all[..<splits[40]]), bad = Array(all[splits[40]..<splits[680]]), g2 = Array(all[splits[680]...])
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("good1.log", SynthLog.text(g1))
        try dir.write("bad-src", SynthLog.text(bad))
        let badName = "broken." + compressedExtension(tool)
        // Truncated to half: the first part decompresses (for gzip/xz), then the stream ends early.
        try shell("cd '\(dir.url.path)' && \(tool) -c bad-src > full && head -c $(( $(stat -c %s full) / 2 )) full > \(badName)")
        try dir.write("good2.log", SynthLog.text(g2))
        let s = try ingest([dir.path("good1.log"), dir.path(badName), dir.path("good2.log")], db: db)
        #expect(s.failedFiles.count == 1)
        #expect(s.failedFiles.first?.path == dir.path(badName))
        #expect("\(s.failedFiles.first.map { "\($0)" } ?? "")".contains(badName))
        if case .corrupt = s.failedFiles.first {} else { Issue.record("expected .corrupt, got \(s.failedFiles)") }
        try expectStore(db, equals: try cleanDump([g1, g2]), "good files only")
        #expect(try StoreDump.query(db, "SELECT path FROM sources ORDER BY id") == [dir.path("good1.log"), dir.path("good2.log")])
    }

    // MARK: provenance

    /// Every row knows its source file and the byte offset of its line, also after a rotation.
    @Test func everyRowPointsAtItsLine() throws {
        let p = RotationTests.Pieces(firstCut: 30, secondCut: 70, events: 100)
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(p.a))
        try ingest([dir.path("maillog")], db: db)
        try dir.append("maillog", lines: p.b)
        try dir.move("maillog", "maillog.1")
        try dir.write("maillog", SynthLog.text(p.c))
        try ingest([dir.path("maillog.1"), dir.path("maillog")], db: db)

        var checked = 0
        for (table, needle) in [("tls_sessions", "STARTTLS="), ("messages", "from=<"), ("deliveries", "to=<"),
                                ("auth_events", "AUTH="), ("tls_failures", "accept failed")] {
            for row in try StoreDump.query(db, """
                SELECT s.path, t.source_offset, t.pid FROM \(table) t JOIN sources s ON s.id = t.source_id
                """) {
                let f = row.split(separator: "|").map(String.init)
                let data = try Data(contentsOf: URL(fileURLWithPath: f[0]))
                let start = try #require(Int(f[1]))
                let rest = data[(data.startIndex + start)...]
                let line = String(decoding: rest.prefix { $0 != 0x0A }, as: UTF8.self)
                #expect(start == 0 || data[data.startIndex + start - 1] == 0x0A, "offset \(start) is a line start")
                #expect(line.contains(needle) && line.contains("[\(f[2])]:"), "\(table) row -> \(line)")
                checked += 1
            }
        }
        #expect(checked == SynthLog.expectedRows(0..<100).values.reduce(0, +))
    }
}
