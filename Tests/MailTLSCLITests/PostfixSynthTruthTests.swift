import Foundation
import Testing

/// `mailtls-synth --mta postfix` writes an interleaved Postfix log of three kinds of hosts (TLS lines
/// logged or not, the 3.11 `tls=` field), with pid reuse, retries after deferrals, reused cached
/// connections and failed handshakes, and counts its truth as it writes; `mailtls ingest` and
/// `mailtls report summary --format json` must give the same numbers.
@Suite struct PostfixSynthTruthTests {
    static func number(_ any: Any?) -> Int? { (any as? NSNumber)?.intValue }

    @Test(arguments: [(seed: 5, hosts: 3, size: "2M"), (seed: 23, hosts: 4, size: "8M")])
    func ingestAndReportReproduceThePostfixTruth(seed: Int, hosts: Int, size: String) async throws {
        let dir = try Scratch()
        let log = dir.path("maillog"), truthPath = dir.path("truth.json")
        let (status, output) = try sh("'\(try SynthTruthTests.synthPath())' \(size) --mta postfix --seed \(seed) --hosts \(hosts) --out '\(log)' --truth '\(truthPath)' 2>&1")
        try #require(status == 0, "mailtls-synth failed: \(output)")
        let truth = try SynthTruthTests.json(String(decoding: try Data(contentsOf: URL(fileURLWithPath: truthPath)), as: UTF8.self))

        let db = dir.path("t.db")
        let ingest = try await dir.run(["ingest", "--quiet", "--db", db, "--year", "2026", "--timezone", "UTC", log])
        #expect(ingest.status == 0, "\(ingest)")
        let all = try await dir.run(["report", "summary", "--db", db, "--format", "json", "--include-local"])
        let remote = try await dir.run(["report", "summary", "--db", db, "--format", "json"])
        #expect(all.status == 0 && remote.status == 0)
        let withLocal = try SynthTruthTests.json(all.stdout), summary = try SynthTruthTests.json(remote.stdout)

        let ts = try #require(truth["sessions"] as? [String: Any])
        let ss = try #require(withLocal["sessions"] as? [String: Any])
        #expect(Self.number(ts["total"]) ?? 0 > 100)
        #expect(Self.number(ss["total"]) == Self.number(ts["total"]))
        for key in ["by_role", "by_version", "by_cipher"] {
            #expect(SynthTruthTests.counts(ss[key]) == SynthTruthTests.counts(ts[key]), "sessions.\(key)")
        }
        let tv = (ts["by_verify"] as? [String: Any]) ?? [:], sv = (ss["by_verify"] as? [String: Any]) ?? [:]
        for role in ["server", "client"] {
            #expect(SynthTruthTests.counts(sv[role]) == SynthTruthTests.counts(tv[role]), "verify, \(role)")
        }
        for (key, total) in [("inbound", "messages"), ("outbound", "deliveries")] {
            let t = try #require(truth[key] as? [String: Any]), s = try #require(summary[key] as? [String: Any])
            #expect(Self.number(s[total]) == Self.number(t[total]), "\(key).\(total)")
            #expect(Self.number(s["encrypted"]) == Self.number(t["encrypted"]), "\(key).encrypted")
            // Some of each, so the test can fail: mail in clear and over TLS both ways.
            #expect((Self.number(t["encrypted"]) ?? 0) > 0 && (Self.number(t["encrypted"]) ?? 0) < (Self.number(t[total]) ?? 0))
        }
        #expect(Self.number(summary["handshake_failures"]) == Self.number(truth["handshake_failures"]))
        #expect(Self.number(truth["handshake_failures"]) ?? 0 > 0)
        func ppc(_ any: Any?) -> Set<String> {
            Set(((any as? [[String: Any]]) ?? []).map { e in
                "\(e["role"] ?? "")|\(e["cipher"] ?? "")|\(Self.number(e["peers"]) ?? -1)|\(Self.number(e["sessions"]) ?? -1)"
            })
        }
        #expect(ppc(summary["peers_per_cipher"]) == ppc(truth["peers_per_cipher"]))
        func days(_ any: Any?) -> [String: [String: Any]] {
            Dictionary(((any as? [[String: Any]]) ?? []).map { ($0["date"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        }
        let truthDays = days(truth["daily"]), allDays = days(withLocal["daily"]), remoteDays = days(summary["daily"])
        #expect(!truthDays.isEmpty)
        for (date, t) in truthDays {
            #expect(Self.number(allDays[date]?["sessions"]) == Self.number(t["sessions"]), "\(date) sessions")
            for k in ["inbound_messages", "inbound_encrypted", "outbound_deliveries", "outbound_encrypted"] {
                #expect(Self.number(remoteDays[date]?[k]) == Self.number(t[k]), "\(date) \(k)")
            }
        }
        let ta = try #require(truth["auth"] as? [String: Any]), sa = try #require(summary["auth"] as? [String: Any])
        #expect(SynthTruthTests.counts(sa) == SynthTruthTests.counts(ta))
    }

    @Test func aFolderOfSendmailAndPostfixLogsIngestsInOneRun() async throws {
        let dir = try Scratch()
        let synth = try SynthTruthTests.synthPath()
        try FileManager.default.createDirectory(atPath: dir.path("logs"), withIntermediateDirectories: true)
        var truths: [[String: Any]] = []
        for mta in ["sendmail", "postfix"] {
            let log = dir.path("logs/\(mta).log"), truth = dir.path("\(mta).truth.json")
            let (status, output) = try sh("'\(synth)' 1M --mta \(mta) --seed 3 --out '\(log)' --truth '\(truth)' 2>&1")
            try #require(status == 0, "\(output)")
            truths.append(try SynthTruthTests.json(String(decoding: try Data(contentsOf: URL(fileURLWithPath: truth)), as: UTF8.self)))
        }
        let db = dir.path("t.db")
        let ingest = try await dir.run(["ingest", "--quiet", "--db", db, "--year", "2026", "--timezone", "UTC", dir.path("logs")])
        #expect(ingest.status == 0, "\(ingest)")
        let all = try SynthTruthTests.json(try await dir.run(["report", "summary", "--db", db, "--format", "json", "--include-local"]).stdout)
        let remote = try SynthTruthTests.json(try await dir.run(["report", "summary", "--db", db, "--format", "json"]).stdout)
        func sum(_ path: [String]) -> Int {
            truths.reduce(0) { total, t in
                var v: Any? = t
                for k in path { v = (v as? [String: Any])?[k] }
                return total + (Self.number(v) ?? 0)
            }
        }
        func value(_ doc: [String: Any], _ path: [String]) -> Int? {
            var v: Any? = doc
            for k in path { v = (v as? [String: Any])?[k] }
            return Self.number(v)
        }
        #expect(value(all, ["sessions", "total"]) == sum(["sessions", "total"]))
        for path in [["inbound", "messages"], ["inbound", "encrypted"], ["outbound", "deliveries"], ["outbound", "encrypted"],
                     ["handshake_failures"]] {
            #expect(value(remote, path) == sum(path), "\(path)")
        }
    }

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
