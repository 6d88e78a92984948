import Foundation
import Testing

/// `mailtls-synth --mta exim` writes an interleaved Exim main log (retries, reused connections, pids
/// from a small pool) and counts its truth while writing; `mailtls ingest` and `mailtls report summary
/// --format json` must give the same figures (docs/exim.md).
@Suite struct EximSynthTruthTests {
    @Test(arguments: [(seed: 5, size: "2M"), (seed: 8, size: "1M")])
    func eximIngestAndReportReproduceTheTruth(seed: Int, size: String) async throws {
        let dir = try Scratch()
        let log = dir.path("mainlog")
        let truthPath = dir.path("truth.json")
        let (status, output) = try sh("'\(try SynthTruthTests.synthPath())' \(size) --mta exim --seed \(seed) --out '\(log)' --truth '\(truthPath)' 2>&1")
        try #require(status == 0, "mailtls-synth failed: \(output)")
        let truth = try SynthTruthTests.json(String(decoding: try Data(contentsOf: URL(fileURLWithPath: truthPath)), as: UTF8.self))
        // The log is Exim's own: lines of every kind the truth counts are there.
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: log)), as: UTF8.self)
        for marker in [" <= ", " => ", " -> ", " == ", " ** ", " X=TLS1.3:", " X=TLSv1", " CV=dane", " DN=\"", " A=",
                       "]* X=", "TLS error on connection from", "delivering unencrypted to H="] {
            #expect(text.contains(marker), "no \(marker) in the generated log")
        }

        let db = dir.path("t.db")
        let ingest = try await dir.run(["ingest", "--quiet", "--db", db, "--timezone", "UTC", log])
        #expect(ingest.status == 0, "\(ingest)")
        let all = try await dir.run(["report", "summary", "--db", db, "--format", "json", "--include-local"])
        let remote = try await dir.run(["report", "summary", "--db", db, "--format", "json"])
        #expect(all.status == 0 && remote.status == 0, "\(all) \(remote)")
        let withLocal = try SynthTruthTests.json(all.stdout)
        let summary = try SynthTruthTests.json(remote.stdout)

        let ts = try #require(truth["sessions"] as? [String: Any])
        let ss = try #require(withLocal["sessions"] as? [String: Any])
        #expect((ts["total"] as? NSNumber)?.intValue ?? 0 > 100)
        #expect((ss["total"] as? NSNumber)?.intValue == (ts["total"] as? NSNumber)?.intValue)
        for key in ["by_role", "by_version", "by_cipher"] {
            #expect(SynthTruthTests.counts(ss[key]) == SynthTruthTests.counts(ts[key]), "sessions.\(key)")
        }
        let tv = (ts["by_verify"] as? [String: Any]) ?? [:], sv = (ss["by_verify"] as? [String: Any]) ?? [:]
        for role in ["server", "client"] {
            #expect(SynthTruthTests.counts(sv[role]) == SynthTruthTests.counts(tv[role]), "verify, \(role)")
        }
        for (key, total) in [("inbound", "messages"), ("outbound", "deliveries")] {
            let t = try #require(truth[key] as? [String: Any]), s = try #require(summary[key] as? [String: Any])
            #expect((s[total] as? NSNumber)?.intValue == (t[total] as? NSNumber)?.intValue, "\(key).\(total)")
            #expect((s["encrypted"] as? NSNumber)?.intValue == (t["encrypted"] as? NSNumber)?.intValue, "\(key).encrypted")
        }
        #expect((summary["handshake_failures"] as? NSNumber)?.intValue == (truth["handshake_failures"] as? NSNumber)?.intValue)
        #expect((truth["handshake_failures"] as? NSNumber)?.intValue ?? 0 > 0)
        #expect((summary["weak_sessions"] as? NSNumber)?.intValue == (truth["weak_sessions"] as? NSNumber)?.intValue)
        #expect((truth["weak_sessions"] as? NSNumber)?.intValue ?? 0 > 0)
        #expect(SynthTruthTests.counts(summary["auth"]) == SynthTruthTests.counts(truth["auth"]))

        func ppc(_ any: Any?) -> Set<String> {
            Set(((any as? [[String: Any]]) ?? []).map { e in
                "\(e["role"] ?? "")|\(e["cipher"] ?? "")|\((e["peers"] as? NSNumber)?.intValue ?? -1)|\((e["sessions"] as? NSNumber)?.intValue ?? -1)"
            })
        }
        #expect(ppc(summary["peers_per_cipher"]) == ppc(truth["peers_per_cipher"]))

        func days(_ any: Any?) -> [String: [String: Any]] {
            Dictionary(((any as? [[String: Any]]) ?? []).map { ($0["date"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        }
        let truthDays = days(truth["daily"]), allDays = days(withLocal["daily"]), remoteDays = days(summary["daily"])
        #expect(truthDays.count >= 1)
        for (date, t) in truthDays {
            #expect((allDays[date]?["sessions"] as? NSNumber)?.intValue == (t["sessions"] as? NSNumber)?.intValue, "\(date) sessions")
            for r in ["inbound_rate", "outbound_rate"] {
                let want = SynthTruthTests.rate(t[r]), got = SynthTruthTests.rate(remoteDays[date]?[r])
                #expect((want == nil) == (got == nil), "\(date) \(r)")
                if let want, let got { #expect(abs(want - got) < 0.00005, "\(date) \(r)") }
            }
        }
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
