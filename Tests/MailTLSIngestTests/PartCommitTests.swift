import Foundation
import MailTLSIngest
import MailTLSParser
import MailTLSStore
import MailTLSTestSupport
import Testing

/// A file is committed in parts (`IngestOptions.partBytes`): each part's rows, rollups, checkpoint and
/// open sessions in one transaction. The parts change nothing in what is stored, and a file that fails
/// half way keeps the parts it committed.
@Suite struct PartCommitTests {
    static let utc = TimeZone(identifier: "UTC")!

    @discardableResult
    static func ingest(_ paths: [String], db: String, partBytes: Int64) throws -> IngestSummary {
        try Ingester(store: try Store(path: db), options: IngestOptions(year: 2026, timeZone: utc, partBytes: partBytes))
            .ingest(paths: paths)
    }

    /// A log read in three runs while it grows, in parts of 5,000 bytes (about 25 lines: sessions are
    /// cut between parts all the time), equals one run over all of it in one part: rows, links,
    /// rollups, and the checkpoint's offset and line count.
    @Test func tinyPartsGiveTheStoreOfOneTransaction() throws {
        let all = SynthLog.lines(0..<1500)
        let splits = SynthLog.sessionSplits(0..<1500)
        let cuts = [splits[200], splits[700], all.count]
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(all[..<cuts[0]]))
        var parts = 0
        for (i, cut) in cuts.enumerated() {
            if i > 0 { try dir.append("maillog", lines: all[cuts[i - 1]..<cut]) }
            let s = try Self.ingest([dir.path("maillog")], db: db, partBytes: 5000)
            #expect(s.failedFiles.isEmpty)
            #expect(s.lines == Int64(cut - (i > 0 ? cuts[i - 1] : 0)))
            parts += s.parts
        }
        #expect(parts > 40, "\(parts) parts")

        let oneDB = dir.path("one.db")
        try dir.write("one.log", SynthLog.text(all))
        let one = try Self.ingest([dir.path("one.log")], db: oneDB, partBytes: IngestOptions.defaultPartBytes)
        #expect(one.parts == 1)
        try expectStore(db, equals: try StoreDump.of(oneDB), "tiny parts")
        #expect(try Self.rollups(db) == Self.rollups(oneDB))
        #expect(try StoreDump.query(db, "SELECT offset, lines FROM sources") == StoreDump.query(oneDB, "SELECT offset, lines FROM sources"))
    }

    /// Every rollup row, sorted.
    static func rollups(_ db: String) throws -> [String] {
        var out: [String] = []
        for t in try StoreDump.query(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rollup%' ORDER BY name") {
            out += try StoreDump.query(db, "SELECT '\(t)', * FROM \(t)").sorted()
        }
        return out
    }

    /// A gzip file that breaks off half way, between two good files: the error names it, the parts
    /// it committed before the damage stay (exactly the rows of its first `offset` content bytes,
    /// linked on into the next file), and a rerun adds nothing twice.
    @Test func brokenGzipKeepsTheCommittedPartsAndTheRunGoesOn() throws {
        try #require(toolExists("gzip"), "gzip is needed for this test")
        let all = SynthLog.lines(0..<3000)
        let splits = SynthLog.sessionSplits(0..<3000)
        let g1 = Array(all[..<splits[100]]), bad = Array(all[splits[100]..<splits[1900]]), g2 = Array(all[splits[1900]...])
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("good1.log", SynthLog.text(g1))
        try dir.write("bad-src", SynthLog.text(bad))
        try shell("cd '\(dir.url.path)' && gzip -c bad-src > full && head -c $(( $(stat -c %s full) / 2 )) full > broken.gz")
        try dir.write("good2.log", SynthLog.text(g2))
        let paths = [dir.path("good1.log"), dir.path("broken.gz"), dir.path("good2.log")]

        let s = try Self.ingest(paths, db: db, partBytes: 8192)
        #expect(s.failedFiles.count == 1)
        #expect(s.failedFiles.first?.path == dir.path("broken.gz"))
        if case .corrupt = s.failedFiles.first {} else { Issue.record("expected .corrupt, got \(s.failedFiles)") }
        let kept = try #require(Int64(try StoreDump.query(db, "SELECT offset FROM sources WHERE path LIKE '%broken.gz'").first ?? ""))
        let badBytes = SynthLog.bytes(bad)
        #expect(kept > badBytes / 8 && kept < badBytes * 7 / 8, "committed \(kept) of \(badBytes) content bytes")

        // The reference: the same three files, the broken one cut where its last commit was.
        let ref = try TempDir()
        let content = Array(SynthLog.text(bad).utf8)
        try ref.write("good1.log", SynthLog.text(g1))
        try ref.write("prefix.log", bytes: Array(content[..<Int(kept)]))
        try ref.write("good2.log", SynthLog.text(g2))
        let r = try Self.ingest([ref.path("good1.log"), ref.path("prefix.log"), ref.path("good2.log")], db: ref.path("r.db"),
                                partBytes: IngestOptions.defaultPartBytes)
        #expect(r.failedFiles.isEmpty)
        try expectStore(db, equals: try StoreDump.of(ref.path("r.db")), "the committed parts of the broken file")
        #expect(try Self.rollups(db) == Self.rollups(ref.path("r.db")))
        #expect(s.lines == r.lines, "the summary counts the committed lines only")
        #expect(s.rows == r.rows, "and their rows only")

        // Rerun: the broken file fails again at the same place, nothing is added.
        let before = try StoreDump.of(db)
        let again = try Self.ingest(paths, db: db, partBytes: 8192)
        #expect(again.failedFiles.map(\.path) == [dir.path("broken.gz")])
        #expect(again.lines == 0 && again.rows.rows == 0, "\(again.line)")
        try expectStore(db, equals: before, "after the rerun")
    }
}
