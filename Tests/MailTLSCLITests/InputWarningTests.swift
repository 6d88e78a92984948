import Foundation
import MailTLSTestSupport
import Testing

/// Errors and warnings that name what they are about: inputs that are most likely mistakes (a binary
/// file, a file of no mail server we read, an empty folder), control bytes never reaching the
/// terminal, store errors naming the store, and `prune` reading ages like `--since`.
@Suite struct InputWarningTests {
    /// A binary file among logs: warned about by name, skipped (no source row), the rest read, exit 0.
    @Test func aBinaryFileIsSkippedWithAWarning() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let log = try dir.write("maillog", CheckTests.log)
        var junk: [UInt8] = Array("\u{7F}ELF".utf8)
        for i in 0..<5000 { junk.append(UInt8(truncatingIfNeeded: i &* 31)) }
        let binary = try dir.write("core.log", bytes: junk)
        let r = try await dir.run(ingestArgs(db, [binary, log]))
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("mailtls: warning: \(binary): looks like a binary file, not a log"), "\(r)")
        #expect(r.stderr.contains("; skipped"), "\(r)")
        #expect(!r.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no control bytes echoed: \(r)")
        #expect(try StoreDump.query(db, "SELECT path FROM sources") == [log])
    }

    @Test func aFileWithNoSendmailLinesIsNamed() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let notes = try dir.write("notes.txt", "Dear admin,\nthe mail server is fine.\n")
        let other = try dir.write("auth.log", "Nov 29 10:00:00 mx1 sshd[42]: Accepted publickey for root from 192.0.2.9 port 22\n")
        let r = try await dir.run(ingestArgs(db, [notes, other]))
        #expect(r.stderr.contains("mailtls: warning: \(notes): no sendmail, postfix or exim line in its first"), "\(r)")
        #expect(r.stderr.contains("mailtls: warning: \(other): no sendmail, postfix or exim line in its first"), "\(r)")
        #expect(r.stderr.contains("is it a mail log?"), "\(r)")
        // A real log gets no warning.
        let good = try await dir.run(ingestArgs(dir.path("u.db"), [try dir.write("maillog", CheckTests.log)]))
        #expect(good.status == 0 && !good.stderr.contains("warning"), "\(good)")
        // Nor does a syslog file whose first mail line comes after 200 KiB of other programs' lines.
        let sshd = (0..<2_500).map { "Nov 29 10:00:00 mx1 sshd[42]: Accepted publickey for root from 192.0.2.9 port \($0)\n" }.joined()
        let mixed = try dir.write("messages", sshd + CheckTests.log)
        let late = try await dir.run(ingestArgs(dir.path("v.db"), [mixed]))
        #expect(late.status == 0 && !late.stderr.contains("warning"), "\(late)")
    }

    /// A folder is looked at file by file: its non-log files are named as a file given by name would be,
    /// a binary one is skipped, and its logs are read without a warning.
    @Test func aFoldersFilesAreCheckedOneByOne() async throws {
        let dir = try Scratch()
        let folder = dir.path("maillogs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let log = try dir.write("maillogs/maillog", CheckTests.log)
        let truth = try dir.write("maillogs/maillog.truth.json", "{\n  \"sessions\": 3\n}\n")
        var junk: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0]
        for i in 0..<5000 { junk.append(UInt8(truncatingIfNeeded: i &* 31)) }
        let binary = try dir.write("maillogs/core", bytes: junk)
        let db = dir.path("t.db")
        let r = try await dir.run(ingestArgs(db, [folder]))
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("mailtls: warning: \(truth): no sendmail, postfix or exim line in its first"), "\(r)")
        #expect(r.stderr.contains("mailtls: warning: \(binary): looks like a binary file, not a log"), "\(r)")
        #expect(!r.stderr.contains("warning: \(log):") && !r.stderr.contains("warning: \(folder):"), "the log and the folder are fine: \(r)")
        #expect(try StoreDump.query(db, "SELECT path FROM sources ORDER BY path") == [log, truth])
    }

    @Test func anEmptyFolderIsNamed() async throws {
        let dir = try Scratch()
        let folder = dir.path("maillogs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let r = try await dir.run(ingestArgs(dir.path("t.db"), [folder]))
        #expect(r.stderr.contains("mailtls: warning: \(folder): folder has no files to read"), "\(r)")
    }

    /// An unparsed line with terminal escapes is shown with them made visible.
    @Test func unparsedSamplesShowNoControlBytes() async throws {
        let dir = try Scratch()
        let log = try dir.write("maillog", CheckTests.log + "\u{1B}]0;owned\u{07} \u{1B}[31mred\n")
        let r = try await dir.run(ingestArgs(dir.path("t.db"), [log]))
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("unparsed \(log):9: "), "\(r)")
        #expect(r.stderr.contains("\\x1b]0;owned\\x07 \\x1b[31mred"), "\(r)")
        #expect(!r.stderr.contains("\u{1B}") && !r.stderr.contains("\u{07}"), "\(r)")
    }

    /// Every store error names the store file, whichever command meets it.
    @Test(arguments: [["report"], ["status"], ["export", "sessions"], ["ingest", "--year", "2026"]])
    func storeErrorsNameTheFile(command: [String]) async throws {
        let dir = try Scratch()
        let garbage = try dir.write("garbage.db", String(repeating: "not a database\n", count: 300))
        let log = try dir.write("maillog", CheckTests.log)
        let r = try await dir.run(command + ["--db", garbage] + (command[0] == "ingest" ? [log] : []))
        #expect(r.status == 1 && !r.signaled, "\(r)")
        #expect(r.stderr.contains("\(garbage): file is not a database"), "\(r)")
    }

    /// `prune --older-than` reads what `--since` reads, ages in minutes and hours included, and
    /// removes whole UTC days: the cutoff goes back to the start of the day it falls in.
    @Test(arguments: [("24h", 86_400.0), ("90m", 5_400.0), ("2w", 1_209_600.0)])
    func pruneTakesTheAgesOfSince(age: String, seconds: Double) async throws {
        let (dir, db) = try await CheckTests.store()
        let before = Date()
        let r = try await dir.run(["prune", "--db", db, "--older-than", age])
        let after = Date()
        #expect(r.status == 0, "\(r)")
        // "mailtls: removed rows before 2026-12-05T00:00:00Z: ..."
        let stamp = r.stderr.components(separatedBy: "before ").dropFirst().first.map { String($0.prefix(20)) }
        let cutoff = try #require(stamp.flatMap { ISO8601DateFormatter().date(from: $0) }, "\(r)")
        func dayStart(_ d: Date) -> Double { (d.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 }
        let want = [dayStart(before.addingTimeInterval(-seconds)), dayStart(after.addingTimeInterval(-seconds))]
        #expect(want.contains(cutoff.timeIntervalSince1970), "\(r)")
    }

    @Test func pruneTakesADate() async throws {
        let (dir, db) = try await CheckTests.store()
        let r = try await dir.run(["prune", "--db", db, "--older-than", "2026-11-29"])
        #expect(r.status == 0 && r.stderr.contains("removed rows before 2026-11-29T00:00:00Z: 1 tls_sessions"), "\(r)")
    }
}
