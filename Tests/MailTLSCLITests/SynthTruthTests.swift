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

    static func number(_ any: Any?) -> Int? { (any as? NSNumber)?.intValue }

    /// What a generated log gave: the generator's truth, and `report summary --format json` of the
    /// store it was ingested into, with loopback peers (`withLocal`) and without (`summary`).
    struct Reproduction {
        let truth: [String: Any]
        let withLocal: [String: Any]
        let summary: [String: Any]
        /// The generated log.
        let log: String
    }

    /// Generates a log with `mailtls-synth SIZE synthArguments…`, ingests it with `ingestArguments` and
    /// reads the summary both ways.
    static func reproduce(in dir: Scratch, size: String, _ synthArguments: String,
                          ingestArguments: [String] = ["--year", "2026", "--timezone", "UTC"]) async throws -> Reproduction {
        let log = dir.path("maillog"), truthPath = dir.path("truth.json")
        let (status, output) = try sh("'\(try synthPath())' \(size) \(synthArguments) --out '\(log)' --truth '\(truthPath)' 2>&1")
        try #require(status == 0, "mailtls-synth failed: \(output)")
        let truth = try json(String(decoding: try Data(contentsOf: URL(fileURLWithPath: truthPath)), as: UTF8.self))
        let db = dir.path("t.db")
        let ingest = try await dir.run(["ingest", "--quiet", "--db", db] + ingestArguments + [log])
        #expect(ingest.status == 0, "\(ingest)")
        let all = try await dir.run(["report", "summary", "--db", db, "--format", "json", "--include-local"])
        #expect(all.status == 0, "\(all)")
        let remote = try await dir.run(["report", "summary", "--db", db, "--format", "json"])
        #expect(remote.status == 0, "\(remote)")
        return Reproduction(truth: truth, withLocal: try json(all.stdout), summary: try json(remote.stdout), log: log)
    }

    /// The figures every generator's truth shares with the summary, compared: sessions (loopback
    /// included) by role, version, cipher and verify result; inbound and outbound mail, encrypted and
    /// rate; handshake failures; peers per cipher; per day the sessions, and the counts and rates the
    /// truth gives; AUTH.
    static func expectSummaryMatchesTruth(_ r: Reproduction) throws {
        let truth = r.truth, summary = r.summary
        let ts = try #require(truth["sessions"] as? [String: Any])
        let ss = try #require(r.withLocal["sessions"] as? [String: Any])
        #expect(number(ss["total"]) == number(ts["total"]))
        for key in ["by_role", "by_version", "by_cipher"] {
            #expect(counts(ss[key]) == counts(ts[key]), "sessions.\(key)")
        }
        let tv = (ts["by_verify"] as? [String: Any]) ?? [:], sv = (ss["by_verify"] as? [String: Any]) ?? [:]
        for role in ["server", "client"] {
            #expect(counts(sv[role]) == counts(tv[role]), "verify, \(role)")
        }

        // Rates and the rest: loopback left out.
        for (key, total) in [("inbound", "messages"), ("outbound", "deliveries")] {
            let t = try #require(truth[key] as? [String: Any]), s = try #require(summary[key] as? [String: Any])
            #expect(number(s[total]) == number(t[total]), "\(key).\(total)")
            #expect(number(s["encrypted"]) == number(t["encrypted"]), "\(key).encrypted")
            if let tr = rate(t["rate"]), let sr = rate(s["rate"]) {
                #expect(abs(tr - sr) < 0.00005, "\(key).rate \(sr) vs \(tr)")
            }
        }
        #expect(number(summary["handshake_failures"]) == number(truth["handshake_failures"]))

        func ppc(_ any: Any?) -> Set<String> {
            Set(((any as? [[String: Any]]) ?? []).map { e in
                "\(e["role"] ?? "")|\(e["cipher"] ?? "")|\(number(e["peers"]) ?? -1)|\(number(e["sessions"]) ?? -1)"
            })
        }
        #expect(ppc(summary["peers_per_cipher"]) == ppc(truth["peers_per_cipher"]))

        // Per day: sessions (all), and the counts and rates the truth has (loopback left out).
        func days(_ any: Any?) -> [String: [String: Any]] {
            Dictionary(((any as? [[String: Any]]) ?? []).map { ($0["date"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        }
        let truthDays = days(truth["daily"]), allDays = days(r.withLocal["daily"]), remoteDays = days(summary["daily"])
        #expect(!truthDays.isEmpty)
        for (date, t) in truthDays {
            #expect(number(allDays[date]?["sessions"]) == number(t["sessions"]), "\(date) sessions")
            for k in ["inbound_messages", "inbound_encrypted", "outbound_deliveries", "outbound_encrypted"] where t[k] != nil {
                #expect(number(remoteDays[date]?[k]) == number(t[k]), "\(date) \(k)")
            }
            for k in ["inbound_rate", "outbound_rate"] where t.keys.contains(k) {
                let want = rate(t[k]), got = rate(remoteDays[date]?[k])
                #expect((want == nil) == (got == nil), "\(date) \(k)")
                if let want, let got { #expect(abs(want - got) < 0.00005, "\(date) \(k)") }
            }
        }
        #expect(counts(summary["auth"]) == counts(truth["auth"]))
    }

    @Test(arguments: [(seed: 7, hosts: 3), (seed: 11, hosts: 1)])
    func ingestAndReportReproduceTheTruth(seed: Int, hosts: Int) async throws {
        let dir = try Scratch()
        let r = try await Self.reproduce(in: dir, size: "3M", "--seed \(seed) --hosts \(hosts)")
        try Self.expectSummaryMatchesTruth(r)
    }
}
