import Foundation
import Testing

/// `mailtls-synth --mta postfix` writes an interleaved Postfix log of three kinds of hosts (TLS lines
/// logged or not, the 3.11 `tls=` field), with pid reuse, retries after deferrals, reused cached
/// connections and failed handshakes, and counts its truth as it writes; `mailtls ingest` and
/// `mailtls report summary --format json` must give the same numbers.
@Suite struct PostfixSynthTruthTests {
    static func number(_ any: Any?) -> Int? { SynthTruthTests.number(any) }

    @Test(arguments: [(seed: 5, hosts: 3, size: "2M"), (seed: 23, hosts: 4, size: "8M")])
    func ingestAndReportReproduceThePostfixTruth(seed: Int, hosts: Int, size: String) async throws {
        let dir = try Scratch()
        let r = try await SynthTruthTests.reproduce(in: dir, size: size, "--mta postfix --seed \(seed) --hosts \(hosts)")
        try SynthTruthTests.expectSummaryMatchesTruth(r)
        // Some of each, so the test can fail: sessions, failures, and mail in clear and over TLS both ways.
        #expect(Self.number((r.truth["sessions"] as? [String: Any])?["total"]) ?? 0 > 100)
        #expect(Self.number(r.truth["handshake_failures"]) ?? 0 > 0)
        for (key, total) in [("inbound", "messages"), ("outbound", "deliveries")] {
            let t = try #require(r.truth[key] as? [String: Any])
            #expect((Self.number(t["encrypted"]) ?? 0) > 0 && (Self.number(t["encrypted"]) ?? 0) < (Self.number(t[total]) ?? 0))
        }
        #expect(r.truth["auth"] is [String: Any] && r.summary["auth"] is [String: Any])
    }

    // A folder of sendmail and Postfix (and Exim) logs in one run: MixedMTATests.

    @Test func theSameSeedWritesTheSameLog() throws {
        let dir = try Scratch()
        let synth = try SynthTruthTests.synthPath()
        for name in ["a", "b"] {
            let (status, output) = try sh("'\(synth)' 300K --mta postfix --seed 9 --out '\(dir.path(name))' 2>&1")
            try #require(status == 0, "\(output)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("a"))) == Data(contentsOf: URL(fileURLWithPath: dir.path("b"))))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("a.truth.json"))) == Data(contentsOf: URL(fileURLWithPath: dir.path("b.truth.json"))))
    }
}
