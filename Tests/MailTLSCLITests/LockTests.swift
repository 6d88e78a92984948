import Foundation
import MailTLSTestSupport
import MailTLSStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One writer at a time: a second `mailtls ingest` (or prune) gives up with exit 75 unless told to
/// `--wait`; reports read while an ingest writes; concurrent ingests never double-count.
@Suite struct LockTests {
    /// The store lock is held (here by the test, as another ingest would hold it): ingest exits 75
    /// with a clear message and changes nothing; prune too; status still works; with `--wait` the
    /// ingest waits for the lock and then reads everything once.
    @Test func lockedStoreExits75OrWaits() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let all = SynthLog.lines(0..<60)
        let cut = SynthLog.sessionSplits(0..<60)[20]
        try dir.write("maillog", lines: Array(all[..<cut]))
        #expect(try await dir.run(ingestArgs(db, [dir.path("maillog")])).status == 0)
        let before = try StoreDump.of(db)
        try dir.append("maillog", SynthLog.text(all[cut...]))

        let lock = try HeldStoreLock(db: db)
        let locked = try await dir.run(ingestArgs(db, [dir.path("maillog")]))
        #expect(locked.status == 75 && !locked.signaled, "\(locked)")
        #expect(locked.stderr.contains("another mailtls ingest is writing to this store"), "\(locked)")
        #expect(locked.stderr.contains(db), "the message names the store: \(locked)")
        #expect(locked.stderr.contains("--wait"), "the message suggests --wait: \(locked)")
        #expect(locked.stderrLines.count == 1, "\(locked)")
        try expectStore(db, equals: before, "nothing written while locked")

        let prune = try await dir.run(["prune", "--db", db, "--older-than", "400d"])
        #expect(prune.status == 75, "\(prune)")

        let status = try await dir.run(["status", "--db", db])
        #expect(status.status == 0, "status works while the lock is held: \(status)")
        #expect(status.stdout.contains(dir.path("maillog")))

        // --wait: released after ~1.5 s, the waiting ingest then runs.
        let waiting = try dir.start(ingestArgs(db, [dir.path("maillog")], ["--wait", "10"]))
        await threadSleep(seconds: 1.5)
        #expect(waiting.process.isRunning, "still waiting for the lock")
        lock.release()
        let waited = await waiting.wait()
        #expect(waited.status == 0 && !waited.signaled, "\(waited)")
        #expect(waited.seconds >= 1.4, "it waited for the lock: \(waited)")
        try expectStore(db, equals: try await cleanDump(all, dir: dir), "after waiting")

        // --wait that runs out: 75 again, saying how long it waited.
        let lock2 = try HeldStoreLock(db: db)
        let short = try await dir.run(ingestArgs(db, [dir.path("maillog")], ["--wait", "1"]))
        #expect(short.status == 75, "\(short)")
        #expect(short.seconds >= 0.9, "\(short)")
        #expect(short.stderr.contains("after waiting 1s"), "\(short)")
        lock2.release()
    }

    /// `mailtls status` (a read) runs while an ingest holds the lock and an open write transaction:
    /// it sees the last committed state and does not wait for the writer.
    @Test func statusReadsWhileAnIngestWrites() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        try dir.write("maillog", lines: SynthLog.lines(0..<50))
        #expect(try await dir.run(ingestArgs(db, [dir.path("maillog")])).status == 0)
        let messages = SynthLog.expectedRows(0..<50)["messages"]!

        let lock = try HeldStoreLock(db: db)
        let writer = try Store(path: db)
        try writer.database.execute("BEGIN IMMEDIATE")
        try writer.database.execute("DELETE FROM message_rows")
        defer { try? writer.database.execute("ROLLBACK"); lock.release() }

        let status = try await dir.run(["status", "--db", db])
        // Had it waited for the writer, whose transaction stays open until this test ends, it would have
        // failed after its 5 s busy timeout: exit 0 with the committed count is the proof, not a time.
        #expect(status.status == 0, "\(status)")
        let row = status.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("messages") }
        #expect(row.map { $0.hasSuffix(" \(messages)") } == true, "committed count shown: \(status.stdout)")
    }

    /// Two ingests started at once on the same files, both willing to wait: both succeed, one
    /// reads everything, the other finds nothing new; the store equals one clean run.
    @Test func twoConcurrentIngestsNeverDoubleCount() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let all = SynthLog.lines(0..<900)
        let splits = SynthLog.sessionSplits(0..<900)
        try dir.write("maillog.1", lines: Array(all[..<splits[300]]))
        try dir.write("maillog", lines: Array(all[splits[300]...]))
        let files = [dir.path("maillog.1"), dir.path("maillog")]
        let a = try dir.start(ingestArgs(db, files, ["--wait", "20"]))
        let b = try dir.start(ingestArgs(db, files, ["--wait", "20"]))
        let ra = await a.wait(), rb = await b.wait()
        #expect(ra.status == 0 && rb.status == 0, "\(ra)\n\(rb)")
        let unchanged = [ra, rb].filter { $0.stderr.contains("(2 unchanged)") }.count
        #expect(unchanged == 1, "exactly one run found both files already read:\n\(ra)\n\(rb)")
        #expect(try StoreDump.counts(db) == SynthLog.expectedRows(0..<900))
        try expectStore(db, equals: try await cleanDump(all, dir: dir), "two concurrent ingests")
    }
}

/// The dump of a clean CLI run over `lines` in one file.
func cleanDump(_ lines: [String], dir: Scratch) async throws -> [String] {
    let name = "clean-\(UUID().uuidString)"
    try dir.write(name, lines: lines)
    let r = try await dir.run(ingestArgs(dir.path(name + ".db"), [dir.path(name)]))
    #expect(r.status == 0, "clean run: \(r)")
    return try StoreDump.of(dir.path(name + ".db"))
}
