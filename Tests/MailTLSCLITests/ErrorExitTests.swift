import Foundation
import MailTLSTestSupport
import MailTLSStore
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors name what failed, leave the store unchanged by the failed part, still ingest the other
/// files, and map to the documented exit codes (0 ok, 1 some input failed, 2 usage, 75 locked).
/// Output is cron-friendly.
@Suite struct ErrorExitTests {
    /// Two good files (separate chains) and the lines of each.
    struct Goods {
        let dir: Scratch
        let first: [String], second: [String]
        init() throws {
            dir = try Scratch()
            let all = SynthLog.lines(0..<60)
            let cut = SynthLog.sessionSplits(0..<60)[24]
            first = Array(all[..<cut])
            second = Array(all[cut...])
            try dir.write("good1.log", lines: first)
            try dir.write("good2.log", lines: second)
        }
        var paths: [String] { [dir.path("good1.log"), dir.path("good2.log")] }
        /// The store of a run over the good files alone.
        func clean() async throws -> [String] {
            let db = dir.path("clean-goods.db")
            let r = try await dir.run(ingestArgs(db, paths))
            #expect(r.status == 0, "\(r)")
            return try StoreDump.of(db)
        }
    }

    @Test func missingFileIsNamedAndTheOthersAreIngested() async throws {
        let g = try Goods()
        let db = g.dir.path("t.db")
        let r = try await g.dir.run(ingestArgs(db, [g.paths[0], g.dir.path("nope.log"), g.paths[1]]))
        #expect(r.status == 1 && !r.signaled, "\(r)")
        #expect(r.stderr.contains("\(g.dir.path("nope.log")): cannot open: No such file or directory"), "\(r)")
        #expect(r.stderr.contains("3 files (1 failed)"), "the summary line counts it: \(r)")
        try expectStore(db, equals: try await g.clean(), "good files")
        #expect(try StoreDump.query(db, "SELECT path FROM sources ORDER BY id") == g.paths)
    }

    @Test(.enabled(if: getuid() != 0, "root reads every file"))
    func unreadableFileIsNamedAndTheOthersAreIngested() async throws {
        let g = try Goods()
        let secret = try g.dir.write("secret.log", lines: SynthLog.lines(100..<110))
        chmod(secret, 0)
        let db = g.dir.path("t.db")
        let r = try await g.dir.run(ingestArgs(db, [g.paths[0], secret, g.paths[1]]))
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("\(secret): cannot open: Permission denied"), "\(r)")
        try expectStore(db, equals: try await g.clean(), "good files")
    }

    /// A corrupt compressed file among good ones (truncated after a valid start, or garbage after
    /// the magic bytes): error naming it, exit 1, the good files in, nothing of the broken one (no
    /// rows, no checkpoint), and a rerun after repairing it reads it.
    @Test(arguments: ["gzip", "bzip2", "xz"], [false, true])
    func corruptCompressedFileAmongGoodOnes(tool: String, garbage: Bool) async throws {
        try #require(toolExists(tool), "\(tool) is needed")
        let g = try Goods()
        let ext = tool == "gzip" ? "gz" : tool == "bzip2" ? "bz2" : "xz"
        let broken = g.dir.path("broken.\(ext)")
        let src = try g.dir.write("broken-src", lines: SynthLog.lines(1000..<1600))
        if garbage {
            // Valid magic bytes, then noise.
            let magic: [UInt8] = tool == "gzip" ? [0x1F, 0x8B, 0x08, 0x00] : tool == "bzip2" ? Array("BZh9".utf8)
                : [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]
            var bytes = magic
            for i in 0..<3000 { bytes.append(UInt8(truncatingIfNeeded: i &* 7919 &+ 13)) }
            try Data(bytes).write(to: URL(fileURLWithPath: broken))
        } else {
            try shOK("\(tool) -c '\(src)' > '\(broken).full' && head -c $(( $(stat -c %s '\(broken).full') * 2 / 3 )) '\(broken).full' > '\(broken)'")
        }
        let db = g.dir.path("t.db")
        let r = try await g.dir.run(ingestArgs(db, [g.paths[0], broken, g.paths[1]]))
        #expect(r.status == 1 && !r.signaled, "\(r)")
        let formatName = tool == "gzip" ? "gzip" : tool == "bzip2" ? "bzip2" : "xz"
        #expect(r.stderr.contains("\(broken): corrupt \(formatName) data"), "\(r)")
        #expect(r.stderr.contains("(1 failed)"), "\(r)")
        try expectStore(db, equals: try await g.clean(), "good files only")
        #expect(try StoreDump.query(db, "SELECT path FROM sources ORDER BY id") == g.paths)

        // Repaired (replaced by a complete file): read in full on the next run.
        try shOK("\(tool) -c '\(src)' > '\(broken)'")
        let r2 = try await g.dir.run(ingestArgs(db, [g.paths[0], broken, g.paths[1]]))
        #expect(r2.status == 0, "\(r2)")
        #expect(r2.stderr.contains("3 files (2 unchanged)"), "\(r2)")
        let rows = SynthLog.expectedRows(0..<60).values.reduce(0, +) + SynthLog.expectedRows(1000..<1600).values.reduce(0, +)
        #expect(try StoreDump.of(db).count == rows)
    }

    /// The store's directory does not exist: a clear error naming the store and its folder (not the
    /// lock file beside it, a name the user never gave), exit 1.
    @Test func storeInAMissingDirectory() async throws {
        let g = try Goods()
        let db = g.dir.path("no/such/dir/t.db")
        let r = try await g.dir.run(ingestArgs(db, g.paths))
        #expect(r.status == 1 && !r.signaled, "\(r)")
        #expect(r.stderr.contains("\(db): cannot open: its folder \(g.dir.path("no/such/dir")) does not exist"), "\(r)")
        #expect(!r.stderr.contains(".lock"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    /// A read-only store (immutable file as root, read-only permissions otherwise): exit 1, an
    /// error naming the problem, the store unchanged, and it works again once writable.
    @Test func readOnlyStore() async throws {
        let g = try Goods()
        let db = g.dir.path("t.db")
        let r0 = try await g.dir.run(ingestArgs(db, [g.paths[0]]))
        #expect(r0.status == 0)
        let before = try StoreDump.of(db)
        let dbDir = g.dir.url.path
        if getuid() == 0 {
            guard try sh("chattr +i '\(db)'").status == 0 else {
                print("skipping: chattr +i is not supported here")
                return
            }
        } else {
            try shOK("chmod 0444 '\(db)' && chmod 0555 '\(dbDir)'")
        }
        let r = try await g.dir.run(ingestArgs(db, [g.paths[1]]))
        if getuid() == 0 { _ = try sh("chattr -i '\(db)'") } else { try shOK("chmod 0755 '\(dbDir)' && chmod 0644 '\(db)'") }
        #expect(r.status == 1 && !r.signaled, "\(r)")
        #expect(r.stderr.lowercased().contains("readonly") || r.stderr.lowercased().contains("read-only")
                || r.stderr.contains("Permission denied") || r.stderr.contains("Operation not permitted"), "\(r)")
        // The message should name the store that refused the write, not only the input file.
        do {
            #expect(r.stderr.contains(db), "\(r)")
        }
        try expectStore(db, equals: before, "unchanged")
        let r2 = try await g.dir.run(ingestArgs(db, [g.paths[0], g.paths[1]]))
        #expect(r2.status == 0, "\(r2)")
        try expectStore(db, equals: try await g.clean(), "writable again")
    }

    // MARK: exit codes and output

    /// Usage errors exit 2 (documented), with a message.
    @Test(arguments: [
        ["ingest"],
        ["ingest", "--timezone", "Mars/Olympus", "x.log"],
        ["ingest", "--wait", "-1", "x.log"],
        ["ingest", "--session-gap", "0", "x.log"],
        ["prune", "--older-than", "soon"],
        ["ingest", "--no-such-option", "x.log"],
    ])
    func usageErrorsExit2(args: [String]) async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let r = try await dir.run([args[0], "--db", db] + args.dropFirst())
        #expect(!r.stderr.isEmpty, "a usage message: \(r)")
        #expect(!FileManager.default.fileExists(atPath: db), "no store created on a usage error")
        do {
            #expect(r.status == 2, "\(r)")
        }
    }

    /// An unknown option is named as such, also when no file is given (ArgumentParser validates
    /// before it reports unknown options: the missing file is checked when the command runs).
    @Test func anUnknownOptionIsNamedBeforeAMissingFile() async throws {
        let dir = try Scratch()
        let bogus = try await dir.run(["ingest", "--bogus"])
        #expect(bogus.status == 2 && bogus.stderr.contains("Unknown option '--bogus'") && !bogus.stderr.contains("FILE"), "\(bogus)")
        let none = try await dir.run(["ingest", "--db", dir.path("t.db")])
        #expect(none.status == 2 && none.stderr.contains("give at least one FILE"), "\(none)")
    }

    /// Exit 0 on success; `--quiet` prints nothing at all; otherwise exactly one summary line on
    /// stderr, nothing on stdout, and no progress output (stderr is not a terminal here).
    @Test func quietAndSummaryOutput() async throws {
        let g = try Goods()
        let db = g.dir.path("t.db")
        let quiet = try await g.dir.run(ingestArgs(db, [g.paths[0]], ["--quiet"]))
        #expect(quiet.status == 0, "\(quiet)")
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty, "--quiet prints nothing: \(quiet)")

        let loud = try await g.dir.run(ingestArgs(db, g.paths))
        #expect(loud.status == 0, "\(loud)")
        #expect(loud.stdout.isEmpty, "\(loud)")
        #expect(loud.stderrLines.count == 1, "one summary line: \(loud)")
        #expect(loud.stderr.hasPrefix("mailtls: 2 files (1 unchanged), \(g.second.count) lines, "), "\(loud)")
        #expect(!loud.stderr.contains("\r") && !loud.stderr.contains("\u{1B}") && !loud.stderr.contains("MiB/s"),
                "no progress line when stderr is not a terminal: \(loud)")

        // --quiet still reports failures.
        let failing = try await g.dir.run(ingestArgs(db, [g.dir.path("missing.log")], ["--quiet"]))
        #expect(failing.status == 1, "\(failing)")
        #expect(failing.stderr.contains("missing.log"), "\(failing)")
    }

    /// On a terminal, a progress line (MiB, MiB/s, ETA) goes to stderr; the summary still follows.
    @Test(.enabled(if: toolExists("script"), "needs script(1) for a pseudo-terminal"))
    func progressLineOnlyOnATerminal() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        // The progress callback fires every 16384 lines.
        let log = try dir.write("maillog", lines: SynthLog.lines(0..<16_000))
        let bin = try MailTLSBinary.path()
        let cmd = ([bin] + ingestArgs(db, [log])).map { "'\($0)'" }.joined(separator: " ")
        let r = try sh("script -qec \"\(cmd)\" /dev/null")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("MiB/s") && r.output.contains("ETA"), "progress on a terminal: \(r.output.prefix(500))")
        #expect(r.output.contains("mailtls: 1 file, "), "summary after it: \(r.output.suffix(300))")
    }
}
