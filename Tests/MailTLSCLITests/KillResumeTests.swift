import Foundation
import MailTLSTestSupport
import MailTLSStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mailtls ingest` killed with SIGKILL at random moments in the middle of a large file, committed in
/// many parts, then run again: the store must equal a clean run's, rows, links, rollups and
/// checkpoints alike (nothing lost, nothing counted twice).
///
/// The log is a 2 MiB `mailtls-synth` log (several hosts, interleaved sessions) and parts are made
/// small (`MAILTLS_PART_BYTES`), so a run commits about 30 parts and a kill lands between commits,
/// inside a part, or while one commits. Half of the kills come after a random delay (timed against a
/// clean run of the same file), half from the `MAILTLS_FAULT_AFTER_ROWS` hook at a random row; some
/// trials are killed twice before the run that finishes.
@Suite struct KillResumeTests {
    enum Input: String, CaseIterable, Sendable { case plain, gzip }

    static let partBytes = 64 * 1024
    static let trialsPerInput = 12

    /// A generated log (plain or gzip) and what a clean run makes of it.
    struct Fixture {
        let dir: Scratch
        let log: String
        /// Decompressed size of the log.
        let contentBytes: Int64
        let clean: Snapshot
        let cleanRows: Int
        let cleanSeconds: Double

        init(_ input: Input) async throws {
            dir = try Scratch()
            let plain = dir.path("maillog")
            let (status, output) = try sh("'\(try SynthTruthTests.synthPath())' 2M --seed 5 --out '\(plain)' --truth '\(dir.path("truth.json"))' 2>&1")
            try #require(status == 0, "mailtls-synth failed: \(output)")
            contentBytes = ((try? FileManager.default.attributesOfItem(atPath: plain))?[.size] as? NSNumber)?.int64Value ?? 0
            if input == .gzip {
                try shOK("gzip '\(plain)'")
                log = plain + ".gz"
            } else {
                log = plain
            }
            let db = dir.path("clean.db")
            let r = try await dir.run(ingestArgs(db, [log], ["--quiet"]), env: ["MAILTLS_PART_BYTES": "\(KillResumeTests.partBytes)"])
            try #require(r.status == 0 && !r.signaled, "clean run: \(r)")
            clean = try Snapshot(db)
            cleanRows = clean.rows.count
            // The kills' delays are fractions of this. Capped: on a busy machine (the rest of a full
            // test run on two cores) a clean run of this log was seen taking over 17 s instead of half a
            // second, and every trial then slept that long; a kill within the first seconds of such a
            // slow run still lands in the middle of the file.
            cleanSeconds = min(r.seconds, 3)
            try #require(cleanRows > 3_000, "the log makes \(cleanRows) rows")
            // The same file in one part gives the same store: parts change nothing but the commits.
            let onePart = dir.path("one-part.db")
            #expect(try await dir.run(ingestArgs(onePart, [log], ["--quiet"])).status == 0)
            #expect(try Snapshot(onePart) == clean, "one part vs many")
        }
    }

    /// Everything a user or a later run can see: the rows and links (`StoreDump`), every rollup
    /// table, and the checkpoint.
    struct Snapshot: Equatable, CustomStringConvertible {
        let rows: [String]
        let rollups: [String]
        let checkpoints: [String]

        init(_ db: String) throws {
            rows = try StoreDump.of(db)
            var r: [String] = []
            for table in try StoreDump.query(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rollup%' ORDER BY name") {
                r += try StoreDump.query(db, "SELECT '\(table)', * FROM \(table)").sorted()
            }
            rollups = r
            checkpoints = try StoreDump.query(db, """
                SELECT path, offset, lines, compression, head_length, head_hash, tail_hash, size, mtime FROM sources ORDER BY id
                """)
        }

        var description: String { "\(rows.count) rows, \(rollups.count) rollup rows, checkpoints \(checkpoints)" }

        func difference(from other: Snapshot) -> String {
            "rows: \(StoreDump.diff(rows, other.rows)); rollups: \(StoreDump.diff(rollups, other.rollups)); checkpoints \(checkpoints) vs \(other.checkpoints)"
        }
    }

    /// How one trial kills the run.
    enum Kill: CustomStringConvertible {
        case afterDelay(Double)
        case afterRows(Int)
        var description: String {
            switch self {
            case .afterDelay(let s): return "SIGKILL after \(String(format: "%.3f", s))s"
            case .afterRows(let n): return "MAILTLS_FAULT_AFTER_ROWS=\(n)"
            }
        }
    }

    /// Runs ingest once and kills it as `kill` says; returns the committed content offset after it.
    static func killedRun(_ f: Fixture, db: String, _ kill: Kill) async throws -> Int64 {
        let env = ["MAILTLS_PART_BYTES": "\(partBytes)"]
        switch kill {
        case .afterDelay(let seconds):
            let running = try f.dir.start(ingestArgs(db, [f.log], ["--quiet"]), env: env)
            await threadSleep(seconds: seconds)
            if running.process.isRunning { Glibc.kill(running.process.processIdentifier, SIGKILL) }
            let r = await running.wait()
            #expect((r.signaled && r.status == SIGKILL) || r.status == 0, "\(kill): \(r)")
        case .afterRows(let n):
            var e = env
            e["MAILTLS_FAULT_AFTER_ROWS"] = "\(n)"
            let r = try await f.dir.run(ingestArgs(db, [f.log], ["--quiet"]), env: e)
            // (A second kill may find fewer rows left than its count: that run finishes.)
            #expect((r.signaled && r.status == SIGKILL) || r.status == 0, "\(kill): \(r)")
        }
        guard FileManager.default.fileExists(atPath: db) else { return 0 }
        do {
            return Int64(try StoreDump.query(db, "SELECT max(offset) FROM sources").first ?? "") ?? 0
        } catch StoreError.needsMigration(_, found: 0, _) {
            return 0   // killed while it made the store, before its schema was committed: the rerun makes it
        }
    }

    @Test(arguments: Input.allCases)
    func killedAtRandomMomentsThenRerunEqualsCleanRun(input: Input) async throws {
        let f = try await Fixture(input)
        var rng = SystemRandomNumberGenerator()
        var midFile = 0
        for trial in 0..<Self.trialsPerInput {
            let db = f.dir.path("t\(trial).db")
            var kills: [Kill] = []
            for _ in 0..<(trial % 3 == 2 ? 2 : 1) {
                kills.append(trial % 2 == 0
                    ? .afterDelay(Double.random(in: 0.05...0.95, using: &rng) * f.cleanSeconds)
                    : .afterRows(Int.random(in: 1...f.cleanRows, using: &rng)))
            }
            var offsets: [Int64] = []
            for kill in kills {
                let offset = try await Self.killedRun(f, db: db, kill)
                offsets.append(offset)
                if offset > 0 && offset < f.contentBytes { midFile += 1 }
                if case .afterRows(let n) = kill, FileManager.default.fileExists(atPath: db) {
                    // What a kill keeps is whole parts: never more rows than were written before it.
                    let kept = try StoreDump.of(db).count
                    #expect(kept <= n || offsets.count > 1, "trial \(trial), \(kill): \(kept) rows kept")
                }
            }
            let rerun = try await f.dir.run(ingestArgs(db, [f.log], ["--quiet"]), env: ["MAILTLS_PART_BYTES": "\(Self.partBytes)"])
            #expect(rerun.status == 0 && !rerun.signaled, "trial \(trial) rerun: \(rerun)")
            let got = try Snapshot(db)
            #expect(got == f.clean, "trial \(trial) (\(input), \(kills), committed offsets \(offsets) of \(f.contentBytes)): \(got.difference(from: f.clean))")
        }
        // The kills must have hit the middle of the file, not only its start or end.
        #expect(midFile >= Self.trialsPerInput / 3, "only \(midFile) kills left a partly read file")
    }

    /// `--reingest` is one transaction: killed in the middle, the store is as before it (nothing
    /// counted twice); run again, it ends with the clean store.
    @Test func killedReingestLeavesTheStoreAsBefore() async throws {
        let f = try await Fixture(.plain)
        let db = f.dir.path("r.db")
        let env = ["MAILTLS_PART_BYTES": "\(Self.partBytes)"]
        #expect(try await f.dir.run(ingestArgs(db, [f.log], ["--quiet"]), env: env).status == 0)
        let before = try Snapshot(db)
        #expect(before == f.clean)
        var e = env
        e["MAILTLS_FAULT_AFTER_ROWS"] = "\(f.cleanRows * 2 / 3)"
        let killed = try await f.dir.run(ingestArgs(db, [], ["--quiet", "--reingest", f.log]), env: e)
        #expect(killed.signaled && killed.status == SIGKILL, "\(killed)")
        let afterKill = try Snapshot(db)
        #expect(afterKill.rows == before.rows && afterKill.rollups == before.rollups, "\(afterKill.difference(from: before))")
        // A plain run finds nothing new; the re-ingest, run again, gives the clean store.
        let plain = try await f.dir.run(ingestArgs(db, [f.log]), env: env)
        #expect(plain.status == 0 && plain.stderr.contains("(1 unchanged)"), "\(plain)")
        let again = try await f.dir.run(ingestArgs(db, [], ["--quiet", "--reingest", f.log]), env: env)
        #expect(again.status == 0, "\(again)")
        let got = try Snapshot(db)
        #expect(got.rows == f.clean.rows && got.rollups == f.clean.rollups, "\(got.difference(from: f.clean))")
    }

    /// A line longer than the line limit (12 MiB: `LineReader` cuts lines somewhere past 4 MiB) is cut,
    /// and the rest of it skipped: a part never ends after the cut (its checkpoint would point into the middle of the line). Killed after it, the rerun
    /// resumes after the whole long line and ends with the clean store, line count included.
    @Test func killAfterALongLineResumesAfterIt() async throws {
        let dir = try Scratch()
        let long = "Nov 29 01:30:00 mx1 sm-mta[1]: " + String(repeating: "x", count: 12 << 20)
        let before = SynthLog.lines(0..<200), after = SynthLog.lines(200..<400)
        try dir.write("maillog", SynthLog.text(before + [long] + after))
        let env = ["MAILTLS_PART_BYTES": "5000"]
        let cleanDB = dir.path("clean.db")
        #expect(try await dir.run(ingestArgs(cleanDB, [dir.path("maillog")], ["--quiet"]), env: env).status == 0)
        let clean = try Snapshot(cleanDB)
        let rowsBefore = SynthLog.expectedRows(0..<200).values.reduce(0, +)
        let db = dir.path("t.db")
        var e = env
        e["MAILTLS_FAULT_AFTER_ROWS"] = "\(rowsBefore + 1)"
        let killed = try await dir.run(ingestArgs(db, [dir.path("maillog")], ["--quiet"]), env: e)
        #expect(killed.signaled && killed.status == SIGKILL, "\(killed)")
        let offset = Int64(try StoreDump.query(db, "SELECT offset FROM sources").first ?? "") ?? -1
        let longStart = SynthLog.bytes(before), longEnd = longStart + Int64(long.utf8.count) + 1
        #expect(offset <= longStart || offset >= longEnd, "a checkpoint inside the long line: \(offset)")
        let rerun = try await dir.run(ingestArgs(db, [dir.path("maillog")]), env: env)
        #expect(rerun.status == 0, "\(rerun)")
        let got = try Snapshot(db)
        #expect(got == clean, "\(got.difference(from: clean))")
    }
}
