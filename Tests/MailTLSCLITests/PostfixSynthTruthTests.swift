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
