import Foundation
import MailTLSTestSupport
import MailTLSStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `MAILTLS_FAULT_AFTER_ROWS=N` kills `mailtls ingest` with SIGKILL after N rows were written,
/// mid-transaction. A rerun must end with exactly the store of a clean, uninterrupted run.
///
/// These files are far smaller than a commit part, so each is one transaction here: the kill keeps
/// the files committed before it. Kills in the middle of files committed in many parts are in
/// `KillResumeTests`.
@Suite struct CrashTests {
    /// A rotated chain of three files (maillog.2.gz, maillog.1, maillog; sessions split across
    /// each boundary; maillog ends with a line still being written) and its clean-run dump.
    struct Chain {
        let dir: Scratch
        let files: [String]
        let all: [String]
        let parts: [[String]]
        let clean: [String]
        /// Rows a clean run writes for each file.
        let rowsPerFile: [Int]

        /// The line maillog's unterminated last line will become (a STARTTLS=server: one row).
        static let partial = SynthLog.event(999)[0]

        init(events: Int = 75) async throws {
            dir = try Scratch()
            all = SynthLog.lines(0..<events)
            let splits = SynthLog.sessionSplits(0..<events)
            let c1 = splits[splits.count / 3], c2 = splits[2 * splits.count / 3]
            parts = [Array(all[..<c1]), Array(all[c1..<c2]), Array(all[c2...])]
            try dir.write("maillog.2", lines: parts[0])
            try shOK("gzip '\(dir.path("maillog.2"))'")
            try dir.write("maillog.1", lines: parts[1])
            try dir.write("maillog", SynthLog.text(parts[2]) + String(Self.partial.prefix(60)))
            files = [dir.path("maillog"), dir.path("maillog.1"), dir.path("maillog.2.gz")]   // any order

            let cleanDB = dir.path("clean.db")
            let r = try await dir.run(ingestArgs(cleanDB, files))
            #expect(r.status == 0 && !r.signaled, "clean run: \(r)")
            clean = try StoreDump.of(cleanDB)
            var perFile: [Int] = []
            let d = dir
            for i in 0..<2 {
                let db = d.path("prefix\(i).db")
                let prefix = ["maillog.2.gz", "maillog.1"][...i].map { d.path($0) }
                try await d.run(ingestArgs(db, prefix))
                perFile.append(try StoreDump.of(db).count - perFile.reduce(0, +))
            }
            perFile.append(clean.count - perFile.reduce(0, +))
            rowsPerFile = perFile
        }
    }

    /// Killed after N rows (first row, inside the compressed first file, at the last row of a file
    /// before its commit, in the middle file, the very last row), then rerun: the clean store.
    /// N past the end does not fire.
    @Test(arguments: [1, 7, 30, 48, 60, 100, 135, 136])
    func crashAfterNRowsThenRerunEqualsCleanRun(n: Int) async throws {
        let chain = try await Chain()
        let total = chain.clean.count
        #expect(total == 135, "75 events write 135 rows")
        let db = chain.dir.path("t.db")
        let crashed = try await chain.dir.run(ingestArgs(db, chain.files, ["--quiet"]), env: ["MAILTLS_FAULT_AFTER_ROWS": "\(n)"])
        if n <= total {
            #expect(crashed.signaled && crashed.status == SIGKILL, "expected death by SIGKILL: \(crashed)")
            // Each file is one part here: the store holds the files committed before the crash, nothing of the rest.
            let committed = try StoreDump.query(db, "SELECT count(*) FROM sources").first.flatMap { Int($0) } ?? -1
            let rowsNow = try StoreDump.of(db).count
            #expect(rowsNow == chain.rowsPerFile.prefix(committed).reduce(0, +),
                    "after the crash: \(committed) files committed, \(rowsNow) rows")
            #expect(rowsNow < n || n == 0, "the file being written when killed was rolled back")
        } else {
            #expect(crashed.status == 0 && !crashed.signaled, "\(crashed)")
        }
        let rerun = try await chain.dir.run(ingestArgs(db, chain.files))
        #expect(rerun.status == 0 && !rerun.signaled, "\(rerun)")
        try expectStore(db, equals: chain.clean, "crash after \(n) rows, then rerun")

        // And a third run adds nothing.
        let again = try await chain.dir.run(ingestArgs(db, chain.files))
        #expect(again.status == 0)
        #expect(again.stderr.contains("3 unchanged"), "\(again)")
        try expectStore(db, equals: chain.clean, "third run")
    }

    /// Killed in the middle of the second file, after the first one committed: the first file's rows
    /// and checkpoint are in, nothing of the second; the rerun reads only what is missing.
    @Test func crashInTheMiddleOfTheSecondFile() async throws {
        let chain = try await Chain()
        let db = chain.dir.path("t.db")
        let n = chain.rowsPerFile[0] + chain.rowsPerFile[1] / 2
        let crashed = try await chain.dir.run(ingestArgs(db, chain.files), env: ["MAILTLS_FAULT_AFTER_ROWS": "\(n)"])
        #expect(crashed.signaled && crashed.status == SIGKILL, "\(crashed)")
        #expect(try StoreDump.query(db, "SELECT path, compression FROM sources ORDER BY id") == ["\(chain.dir.path("maillog.2.gz"))|gzip"])
        let firstOnly = chain.dir.path("first.db")
        try await chain.dir.run(ingestArgs(firstOnly, [chain.dir.path("maillog.2.gz")]))
        try expectStore(db, equals: try StoreDump.of(firstOnly), "after the crash: the first file exactly")

        let rerun = try await chain.dir.run(ingestArgs(db, chain.files))
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.stderr.contains("1 unchanged"), "the committed file is not read again: \(rerun)")
        try expectStore(db, equals: chain.clean, "after the rerun")
    }

    /// Several crashes in a row at different points, the log growing in between, then a clean
    /// finish: still the clean store.
    @Test func repeatedCrashesWhileTheLogGrows() async throws {
        let chain = try await Chain()
        let db = chain.dir.path("t.db")
        let extra = SynthLog.lines(75..<90)
        var r = try await chain.dir.run(ingestArgs(db, chain.files), env: ["MAILTLS_FAULT_AFTER_ROWS": "70"])
        #expect(r.signaled, "\(r)")
        r = try await chain.dir.run(ingestArgs(db, chain.files), env: ["MAILTLS_FAULT_AFTER_ROWS": "3"])
        #expect(r.signaled, "\(r)")
        // The partial last line gets completed and more lines arrive.
        try chain.dir.append("maillog", String(Chain.partial.dropFirst(60)) + "\n" + SynthLog.text(extra))
        r = try await chain.dir.run(ingestArgs(db, chain.files), env: ["MAILTLS_FAULT_AFTER_ROWS": "40"])
        #expect(r.signaled, "\(r)")
        r = try await chain.dir.run(ingestArgs(db, chain.files))
        #expect(r.status == 0, "\(r)")

        let cleanDB = chain.dir.path("clean2.db")
        try await chain.dir.run(ingestArgs(cleanDB, chain.files))
        let clean2 = try StoreDump.of(cleanDB)
        #expect(clean2.count == chain.clean.count + 1 + 27, "the completed line is a session; 15 events write 27 rows")
        try expectStore(db, equals: clean2, "after repeated crashes")
    }
}
