import Foundation
import Testing

/// The generator's truth, reproduced by ingest + report: `mailtls-synth` counts every fact while it
/// writes a realistic log (interleaved sessions, pid reuse, connection caching, MX fallback, failed
/// handshakes, several hosts); `mailtls report summary --format json` must give the same numbers.
@Suite struct SynthTruthTests {
    /// The generator, built next to `mailtls`.
    static func synthPath() throws -> String {
        let mailtls = try MailTLSBinary.path()
        let synth = URL(fileURLWithPath: mailtls).deletingLastPathComponent().appendingPathComponent("mailtls-synth").path
        try #require(FileManager.default.isExecutableFile(atPath: synth), "mailtls-synth not built next to \(mailtls)")
        return synth
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text.prefix(300))")
    }

    static func counts(_ any: Any?) -> [String: Int] {
        ((any as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }.filter { $0.value > 0 }
    }

    static func rate(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

    @Test(arguments: [(seed: 7, hosts: 3), (seed: 11, hosts: 1)])
    func ingestAndReportReproduceTheTruth(seed: Int, hosts: Int) async throws {
        let dir = try Scratch()
        let log = dir.path("maillog")
        let truthPath = dir.path("truth.json")
        let (status, output) = try sh("'\(try Self.synthPath())' 3M --seed \(seed) --hosts \(hosts) --out '\(log)' --truth '\(truthPath)' 2>&1")
        try #require(status == 0, "mailtls-synth failed: \(output)")
        let truth = try Self.json(String(decoding: try Data(contentsOf: URL(fileURLWithPath: truthPath)), as: UTF8.self))

        let db = dir.path("t.db")
        let ingest = try await dir.run(["ingest", "--quiet", "--db", db, "--year", "2026", "--timezone", "UTC", log])
        #expect(ingest.status == 0, "\(ingest)")
        let all = try await dir.run(["report", "summary", "--db", db, "--format", "json", "--include-local"])
        #expect(all.status == 0, "\(all)")
        let remote = try await dir.run(["report", "summary", "--db", db, "--format", "json"])
        #expect(remote.status == 0, "\(remote)")
        let withLocal = try Self.json(all.stdout)
        let summary = try Self.json(remote.stdout)

        // Sessions: every STARTTLS main line, loopback included.
        let ts = try #require(truth["sessions"] as? [String: Any])
        let ss = try #require(withLocal["sessions"] as? [String: Any])
        #expect((ss["total"] as? NSNumber)?.intValue == (ts["total"] as? NSNumber)?.intValue)
        #expect(Self.counts(ss["by_role"]) == Self.counts(ts["by_role"]))
        #expect(Self.counts(ss["by_version"]) == Self.counts(ts["by_version"]))
        #expect(Self.counts(ss["by_cipher"]) == Self.counts(ts["by_cipher"]))
        let tv = (ts["by_verify"] as? [String: Any]) ?? [:]
        let sv = (ss["by_verify"] as? [String: Any]) ?? [:]
        for role in ["server", "client"] {
            #expect(Self.counts(sv[role]) == Self.counts(tv[role]), "verify, \(role)")
        }

        // Rates and the rest: loopback left out.
        for (key, total) in [("inbound", "messages"), ("outbound", "deliveries")] {
            let t = try #require(truth[key] as? [String: Any])
            let s = try #require(summary[key] as? [String: Any])
            #expect((s[total] as? NSNumber)?.intValue == (t[total] as? NSNumber)?.intValue, "\(key).\(total)")
            #expect((s["encrypted"] as? NSNumber)?.intValue == (t["encrypted"] as? NSNumber)?.intValue, "\(key).encrypted")
            if let tr = Self.rate(t["rate"]), let sr = Self.rate(s["rate"]) {
                #expect(abs(tr - sr) < 0.00005, "\(key).rate \(sr) vs \(tr)")
            }
        }
        #expect((summary["handshake_failures"] as? NSNumber)?.intValue
                == (truth["handshake_failures"] as? NSNumber)?.intValue)

        func ppc(_ any: Any?) -> Set<String> {
            Set(((any as? [[String: Any]]) ?? []).map { e in
                "\(e["role"] ?? "")|\(e["cipher"] ?? "")|\((e["peers"] as? NSNumber)?.intValue ?? -1)|\((e["sessions"] as? NSNumber)?.intValue ?? -1)"
            })
        }
        #expect(ppc(summary["peers_per_cipher"]) == ppc(truth["peers_per_cipher"]))

        // Per day: sessions (all) and the two rates (loopback left out).
        func days(_ any: Any?) -> [String: [String: Any]] {
            Dictionary(((any as? [[String: Any]]) ?? []).map { ($0["date"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        }
        let truthDays = days(truth["daily"])
        let allDays = days(withLocal["daily"])
        let remoteDays = days(summary["daily"])
        #expect(!truthDays.isEmpty)
        for (date, t) in truthDays {
            #expect((allDays[date]?["sessions"] as? NSNumber)?.intValue == (t["sessions"] as? NSNumber)?.intValue, "\(date) sessions")
            for r in ["inbound_rate", "outbound_rate"] {
                let want = Self.rate(t[r]), got = Self.rate(remoteDays[date]?[r])
                #expect((want == nil) == (got == nil), "\(date) \(r)")
                if let want, let got { #expect(abs(want - got) < 0.00005, "\(date) \(r)") }
            }
        }

        // AUTH, once the summary carries it.
        if let sa = summary["auth"] as? [String: Any], let ta = truth["auth"] as? [String: Any] {
            #expect(Self.counts(sa) == Self.counts(ta))
        }
    }
}
