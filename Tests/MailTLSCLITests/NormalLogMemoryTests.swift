import Foundation
import Testing

/// A normal log stays well under the 64 MiB every ingest keeps to, not only hostile input
/// (`HostileInputTests`): a 60 MiB `mailtls-synth` log (about 76,000 TLS sessions, three days, one
/// 64 MiB part) ingested by the built binary, its peak RSS measured as `MeasuredRun` does.
///
/// The debug binary peaked at 48-51 MiB once the rollup counts were bounded (`IngestStore.rollupKeys`),
/// the read-ahead made 1 MiB and libpq loaded only for PostgreSQL; the release binary took 63.6 MiB
/// for a 50 MiB log before (docs/performance.md, "Peak memory of ingest"). Store v6's ingest gives
/// SQLite a 4 MiB page cache instead of 2 MiB (`StoreWriter.ingestCacheKiB`: far fewer WAL writes), which
/// took the debug binary to 57.5 MiB. The bound here, 60 MiB, leaves room for the machine's noise and
/// fails if one of those comes undone. About 13 CPU seconds.
@Suite struct NormalLogMemoryTests {
    static let maxRSSKiB = 60 * 1024

    @Test("a 60 MiB generated log: exit 0, peak RSS within 60 MiB")
    func normalLargeLog() async throws {
        let dir = try Scratch()
        let log = dir.path("maillog")
        let (status, output) = try sh("'\(try SynthTruthTests.synthPath())' 60M --seed 7 --out '\(log)' 2>&1")
        try #require(status == 0, "mailtls-synth failed: \(output)")
        let run = try await MeasuredRun.run(ingestArgs(dir.path("t.db"), [log]), in: dir)
        #expect(run.exitStatus == 0 && !run.signaled, "\(run)")
        let summary = run.stderr.split(separator: "\n").first { $0.hasPrefix("mailtls: 1 file,") } ?? ""
        #expect(summary.contains(" TLS sessions") && summary.contains(" 0 unparsed"), "\(run)")
        #expect(run.maxRSSKiB <= Self.maxRSSKiB, "peak RSS \(run.maxRSSKiB) KiB: \(run)")
        print("normal 60 MiB log: peak RSS \(run.maxRSSKiB / 1024) MiB, ingest \(String(format: "%.1f", run.seconds)) s")
    }
}
