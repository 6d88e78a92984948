import Foundation
import Testing

/// `mailtls-synth --mta exim` writes an interleaved Exim main log (retries, reused connections, pids
/// from a small pool) and counts its truth while writing; `mailtls ingest` and `mailtls report summary
/// --format json` must give the same figures (docs/exim.md).
@Suite struct EximSynthTruthTests {
    @Test(arguments: [(seed: 5, size: "2M"), (seed: 8, size: "1M")])
    func eximIngestAndReportReproduceTheTruth(seed: Int, size: String) async throws {
        let dir = try Scratch()
        let r = try await SynthTruthTests.reproduce(in: dir, size: size, "--mta exim --seed \(seed)",
                                                    ingestArguments: ["--timezone", "UTC"])
        // The log is Exim's own: lines of every kind the truth counts are there.
        // (The scratch folder, removed when `dir` is released, must outlive the read.)
        let text = try withExtendedLifetime(dir) {
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: r.log)), as: UTF8.self)
        }
        for marker in [" <= ", " => ", " -> ", " == ", " ** ", " X=TLS1.3:", " X=TLSv1", " CV=dane", " DN=\"", " A=",
                       "]* X=", "TLS error on connection from", "delivering unencrypted to H="] {
            #expect(text.contains(marker), "no \(marker) in the generated log")
        }
        try SynthTruthTests.expectSummaryMatchesTruth(r)
        let number = SynthTruthTests.number
        #expect(number((r.truth["sessions"] as? [String: Any])?["total"]) ?? 0 > 100)
        #expect(number(r.truth["handshake_failures"]) ?? 0 > 0)
        #expect(number(r.summary["weak_sessions"]) == number(r.truth["weak_sessions"]))
        #expect(number(r.truth["weak_sessions"]) ?? 0 > 0)
    }

    @Test func theSameSeedWritesTheSameLog() throws {
        let dir = try Scratch()
        let synth = try SynthTruthTests.synthPath()
        for name in ["a", "b"] {
            let (status, output) = try sh("'\(synth)' 200K --mta exim --seed 3 --out '\(dir.path(name))' 2>&1")
            try #require(status == 0, "\(output)")
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("a")))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir.path("b")))
        #expect(a == b)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("a.truth.json"))) == Data(contentsOf: URL(fileURLWithPath: dir.path("b.truth.json"))))
        #expect(a.count >= 200 << 10)
    }
}
