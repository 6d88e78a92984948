import Foundation
import MailTLSTestSupport
import MailTLSStore
import Testing

/// `mailtls status` and `mailtls prune`.
@Suite struct StatusPruneTests {
    /// Status's size format ("812 B", "12.3 KiB").
    static func human(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes)
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(bytes) B" : String(format: "%.1f %@", v, units[u])
    }

    @Test func statusListsFilesWithOffsetsRowsAndTheLastRun() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let missing = try await dir.run(["status", "--db", db])
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains(db) && missing.stderr.contains("mailtls ingest"), "\(missing)")

        // A small file whose last line is still being written, and a compressed one.
        let small = SynthLog.lines(0..<2)
        let partial = "Nov 29 23:59:59 mx1 sm-mta[1]: STARTTLS"
        try dir.write("maillog", SynthLog.text(small) + partial)
        let big = SynthLog.lines(100..<160)
        try dir.write("maillog.1", lines: big)
        try shOK("gzip '\(dir.path("maillog.1"))'")
        let r = try await dir.run(ingestArgs(db, [dir.path("maillog"), dir.path("maillog.1.gz")]))
        #expect(r.status == 0, "\(r)")

        let s = try await dir.run(["status", "--db", db])
        #expect(s.status == 0, "\(s)")
        let out = s.stdout
        let smallBytes = SynthLog.bytes(small)
        #expect(smallBytes < 1024)
        #expect(out.contains("files (2):"), "\(out)")
        #expect(out.contains("  \(dir.path("maillog"))  [none]  read \(smallBytes) B of \(smallBytes + Int64(partial.utf8.count)) B, \(small.count) lines, last "),
                "the plain file's offset stops before the partial line: \(out)")
        #expect(out.contains("  \(dir.path("maillog.1.gz"))  [gzip]  read \(Self.human(SynthLog.bytes(big))) of "),
                "the compressed file's offset counts decompressed bytes: \(out)")
        let fileLines = out.split(separator: "\n").filter { $0.hasPrefix("  /") }
        #expect(fileLines.first?.contains("maillog.1.gz") == true, "oldest first: \(out)")

        let expected = SynthLog.expectedRows(0..<2).merging(SynthLog.expectedRows(100..<160)) { $0 + $1 }
        for (table, n) in expected {
            let line = out.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(table + " ") }
            #expect(line?.hasSuffix(" \(n)") == true, "\(table): \(String(describing: line))")
        }
        // Local mail is counted, not stored: status shows the counts after the rows.
        let counted = try #require(out.components(separatedBy: "counted, not stored").last)
        for kind in ["delivery", "submission"] {
            let n = try StoreDump.query(db, "SELECT coalesce(sum(n), 0) FROM local_mail WHERE kind = '\(kind)'").first ?? "?"
            let line = counted.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(kind == "delivery" ? "deliveries " : "submissions ") }
            #expect(line?.hasSuffix(" \(n)") == true, "\(kind): \(out)")
        }
        let lastRun = try #require(out.split(separator: "\n").first { $0.hasPrefix("last run: ") })
        #expect(lastRun.contains("2 files, \(small.count + big.count) lines"), "\(lastRun)")
        #expect(out.contains("store: \(db) ("), "\(out)")

        // A second run is the last run now.
        let r2 = try await dir.run(ingestArgs(db, [dir.path("maillog"), dir.path("maillog.1.gz")]))
        #expect(r2.status == 0)
        let s2 = try await dir.run(["status", "--db", db])
        #expect(s2.stdout.split(separator: "\n").contains { $0.hasPrefix("last run: ") && $0.contains("2 files (2 unchanged), 0 lines") },
                "\(s2.stdout)")
    }

    /// `mailtls ingest --reingest FILE` (no other file needed) reads the file again from the start
    /// and ends with the same store; a plain rerun reads nothing.
    @Test func reingestFromTheCommandLine() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let lines = SynthLog.lines(0..<40)
        let log = try dir.write("maillog", lines: lines)
        #expect(try await dir.run(ingestArgs(db, [log])).status == 0)
        let before = try StoreDump.of(db)
        let r = try await dir.run(ingestArgs(db, [], ["--reingest", log]))
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("1 file, \(lines.count) lines"), "read again in full: \(r)")
        try expectStore(db, equals: before, "after --reingest")
        #expect(try StoreDump.query(db, "SELECT count(*) FROM sources") == ["1"])
        let again = try await dir.run(ingestArgs(db, [log]))
        #expect(again.stderr.contains("(1 unchanged), 0 lines"), "\(again)")
    }

    /// Rows older than the cutoff go; the newer rows stay exactly; the checkpoints stay, so a rerun
    /// does not read the pruned lines again (new lines appended later are read).
    @Test func pruneRemovesOldRowsAndKeepsCheckpoints() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let thisYear = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).year!
        let old = SynthLog.lines(0..<30), new = SynthLog.lines(100..<130)
        try dir.write("old.log", lines: old)
        try dir.write("new.log", lines: new)
        func ingestOld() async throws -> CLIResult {
            try await dir.run(["ingest", "--db", db, "--year", "2020", "--timezone", "UTC", dir.path("old.log")])
        }
        func ingestNew() async throws -> CLIResult {
            try await dir.run(["ingest", "--db", db, "--year", "\(thisYear)", "--timezone", "UTC", dir.path("new.log")])
        }
        #expect(try await ingestOld().status == 0)
        #expect(try await ingestNew().status == 0)
        let checkpointsBefore = try StoreDump.query(db, "SELECT path, offset, lines, head_hash, tail_hash FROM sources ORDER BY id")
        let oldRows = SynthLog.expectedRows(0..<30)

        let p = try await dir.run(["prune", "--db", db, "--older-than", "400d"])
        #expect(p.status == 0, "\(p)")
        #expect(p.stdout.isEmpty)
        let expectedNote = "\(oldRows["tls_sessions"]!) tls_sessions, \(oldRows["messages"]!) messages, \(oldRows["deliveries"]!) deliveries, \(oldRows["auth_events"]!) auth_events, \(oldRows["tls_failures"]!) tls_failures"
        #expect(p.stderr.contains("mailtls: removed rows before ") && p.stderr.contains(expectedNote), "\(p)")

        // Exactly the newer rows are left.
        let newOnlyDB = dir.path("new-only.db")
        #expect(try await dir.run(["ingest", "--db", newOnlyDB, "--year", "\(thisYear)", "--timezone", "UTC", dir.path("new.log")]).status == 0)
        try expectStore(db, equals: try StoreDump.of(newOnlyDB), "after prune")
        #expect(try StoreDump.query(db, "SELECT count(*) FROM tls_sessions WHERE ts < '2021-01-01'") == ["0"])
        #expect(try StoreDump.query(db, "SELECT path, offset, lines, head_hash, tail_hash FROM sources ORDER BY id") == checkpointsBefore,
                "checkpoints kept")

        // Rerun: nothing read again.
        let again = try await ingestOld()
        #expect(again.status == 0)
        #expect(again.stderr.contains("1 file (1 unchanged), 0 lines"), "\(again)")
        try expectStore(db, equals: try StoreDump.of(newOnlyDB), "rerun after prune")

        // New lines in the old file: only they are read.
        try dir.append("old.log", SynthLog.text(SynthLog.lines(30..<35)))
        let more = try await ingestOld()
        #expect(more.stderr.contains(", \(SynthLog.lines(30..<35).count) lines,"), "only the 5 new events: \(more)")
        #expect(try StoreDump.of(db).count == (try StoreDump.of(newOnlyDB)).count + SynthLog.expectedRows(30..<35).values.reduce(0, +))

        // --quiet, and a date cutoff that removes nothing more.
        let q = try await dir.run(["prune", "--db", db, "--older-than", "2019-01-01", "--quiet"])
        #expect(q.status == 0 && q.stderr.isEmpty && q.stdout.isEmpty, "\(q)")
    }

    /// Prune removes whole UTC days: a cutoff in the middle of a day keeps that day's rows. The
    /// rollups keep every day whole, so a day cut in two counted in full in sendmail's per-MTA figures
    /// (the summary's less the other MTAs' rows) and in part in `--mta sendmail`'s.
    @Test func pruneRemovesWholeDaysSoPerMTAFiguresAgree() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples")
        // sendmail's and Postfix's lines on the same morning: 10:00-10:42 and 10:00-10:20 on 1 December.
        let sendmail = try String(contentsOf: samples.appendingPathComponent("multihost.log"), encoding: .utf8)
            .split(separator: "\n").map { $0.hasPrefix("Nov 29") ? "Dec  1" + $0.dropFirst(6) : String($0) }
        try dir.write("sendmail.log", lines: sendmail)
        let ingest = try await dir.run(["ingest", "--db", db, "--year", "2026", "--timezone", "UTC", dir.path("sendmail.log"),
                                         samples.appendingPathComponent("postfix.log").path])
        #expect(ingest.status == 0, "\(ingest)")
        func sessions(_ extra: [String] = []) async throws -> (total: Int?, sendmail: Int?) {
            let r = try await dir.run(["report", "summary", "--db", db, "--format", "json"] + extra)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r)")
            let total = (doc["sessions"] as? [String: Any])?["total"] as? Int
            let byMTA = ((doc["by_mta"] as? [String: Any])?["sendmail"] as? [String: Any])?["sessions"] as? [String: Any]
            return (total, byMTA?["total"] as? Int)
        }
        let before = try await sessions()
        let onlySendmail = try await sessions(["--mta", "sendmail"])
        #expect(before.sendmail == onlySendmail.total && before.sendmail != nil && before.sendmail! > 0, "\(before) \(onlySendmail)")

        let p = try await dir.run(["prune", "--db", db, "--older-than", "2026-12-01T10:10:00Z"])
        #expect(p.status == 0 && p.stderr.contains("removed rows before 2026-12-01T00:00:00Z: 0 tls_sessions"), "\(p)")
        let after = try await sessions(), afterSendmail = try await sessions(["--mta", "sendmail"])
        #expect(after.sendmail == afterSendmail.total, "sendmail's per-MTA figures are --mta sendmail's: \(after) \(afterSendmail)")
        #expect(after == before && afterSendmail == onlySendmail, "\(after) \(afterSendmail)")

        let next = try await dir.run(["prune", "--db", db, "--older-than", "2026-12-02T09:00:00Z"])
        #expect(next.status == 0 && next.stderr.contains("removed rows before 2026-12-02T00:00:00Z"), "\(next)")
        #expect(try StoreDump.query(db, "SELECT count(*) FROM tls_sessions") == ["0"])
        #expect(try await sessions().total == before.total, "the rollups keep the pruned days")
        // status says which files a prune took rows of, and up to which day.
        let st = try await dir.run(["status", "--db", db])
        #expect(st.status == 0 && st.stdout.contains("sendmail.log") && st.stdout.contains("rows before 2026-12-02 pruned"), "\(st)")
    }

    /// `prune` and `rebuild-rollups` change a store: given a name where there is none (a typo), they
    /// stop with exit 1 and say so, and leave no new store or lock file behind.
    @Test(arguments: [["prune", "--older-than", "400d"], ["rebuild-rollups"]])
    func commandsThatChangeAStoreDoNotCreateOne(args: [String]) async throws {
        let dir = try Scratch()
        let db = dir.path("typo.db")
        let r = try await dir.run(args + ["--db", db])
        #expect(r.status == 1 && r.stderr.contains("cannot open store \(db): no such file (run `mailtls ingest` first)"), "\(r)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("")).filter { $0.hasPrefix("typo") }.isEmpty)
    }

    /// `status` lists a file under its full path, whatever path a run named it by: a `--reingest` by
    /// hand with a relative path does not rename the file cron reads by its full path.
    @Test func filesAreListedUnderTheirFullPath() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        try dir.write("maillog", lines: SynthLog.lines(0..<20))
        #expect(try await dir.run(["ingest", "--db", db, "--year", "2026", dir.path("maillog")]).status == 0)
        let full = try StoreDump.query(db, "SELECT path FROM sources")
        #expect(full == [URL(fileURLWithPath: dir.path("maillog")).standardizedFileURL.path])
        // Another name of the same file (relative names are made absolute the same way, from the folder
        // the command runs in).
        try FileManager.default.createDirectory(atPath: dir.path("sub"), withIntermediateDirectories: true)
        let again = try await dir.run(["ingest", "--db", db, "--year", "2026", "--reingest", dir.path("sub/../maillog")])
        #expect(again.status == 0, "\(again)")
        #expect(try StoreDump.query(db, "SELECT path FROM sources") == full)
        let st = try await dir.run(["status", "--db", db])
        #expect(st.stdout.contains(full[0]), "\(st)")
    }
}
