import Foundation
import Testing

/// A folder of sendmail, Postfix and Exim logs (from `mailtls-synth --mta`, each with its truth) ingests
/// in one run; the summary's overall figures are the sum of the three truths, its `by_mta` figures and
/// `--mta` each equal their MTA's truth, and every section prints in every format.
@Suite struct MixedMTATests {
    static let mtas = ["sendmail", "postfix", "exim"]

    static func value(_ doc: Any?, _ path: [String]) -> Int? {
        var v: Any? = doc
        for k in path { v = (v as? [String: Any])?[k] }
        return (v as? NSNumber)?.intValue
    }

    /// The figures the truths and the summary share, as paths into the JSON; `sessions` count loopback
    /// peers too (the truths count every handshake), the others are without loopback, as reports count.
    static let remotePaths: [[String]] = [["inbound", "messages"], ["inbound", "encrypted"], ["outbound", "deliveries"],
                                          ["outbound", "encrypted"], ["handshake_failures"]]

    @Test func aFolderOfAllThreeMTAsEqualsEachGeneratorsTruth() async throws {
        let dir = try Scratch()
        let synth = try SynthTruthTests.synthPath()
        try FileManager.default.createDirectory(atPath: dir.path("logs"), withIntermediateDirectories: true)
        var truths: [String: [String: Any]] = [:]
        for (i, mta) in Self.mtas.enumerated() {
            let log = dir.path("logs/\(mta).log"), truth = dir.path("\(mta).truth.json")
            let (status, output) = try sh("'\(synth)' 1M --mta \(mta) --seed \(11 + i) --out '\(log)' --truth '\(truth)' 2>&1")
            try #require(status == 0, "\(output)")
            truths[mta] = try SynthTruthTests.json(String(decoding: try Data(contentsOf: URL(fileURLWithPath: truth)), as: UTF8.self))
        }
        let db = dir.path("t.db")
        let ingest = try await dir.run(["ingest", "--quiet", "--db", db, "--year", "2026", "--timezone", "UTC", dir.path("logs")])
        #expect(ingest.status == 0, "\(ingest)")
        #expect(ingest.stderr.isEmpty, "no warning for a folder of mail logs: \(ingest.stderr)")

        let all = try SynthTruthTests.json(try await dir.run(["report", "summary", "--db", db, "--format", "json", "--include-local"]).stdout)
        let remote = try SynthTruthTests.json(try await dir.run(["report", "summary", "--db", db, "--format", "json"]).stdout)
        func sum(_ path: [String]) -> Int { Self.mtas.reduce(0) { $0 + (Self.value(truths[$1], path) ?? 0) } }

        // Overall: the sum of the three truths.
        #expect(Self.value(all, ["sessions", "total"]) == sum(["sessions", "total"]))
        for path in Self.remotePaths {
            #expect(Self.value(remote, path) == sum(path), "\(path)")
        }

        // Per MTA, in by_mta and with --mta: that MTA's truth.
        let byMTA = try #require(remote["by_mta"] as? [String: Any], "by_mta with three MTAs in the store")
        #expect(Set(byMTA.keys) == Set(Self.mtas))
        let byMTAWithLocal = try #require(all["by_mta"] as? [String: Any])
        for mta in Self.mtas {
            let truth = truths[mta]
            #expect(Self.value(byMTAWithLocal[mta], ["sessions", "total"]) == Self.value(truth, ["sessions", "total"]), "\(mta)")
            for path in Self.remotePaths {
                #expect(Self.value(byMTA[mta], path) == Self.value(truth, path), "\(mta) \(path)")
            }
            let one = try SynthTruthTests.json(try await dir.run(["report", "summary", "--db", db, "--format", "json",
                                                                  "--include-local", "--mta", mta]).stdout)
            let ts = try #require(truth?["sessions"] as? [String: Any]), ss = try #require(one["sessions"] as? [String: Any])
            for key in ["by_role", "by_version", "by_cipher"] {
                #expect(SynthTruthTests.counts(ss[key]) == SynthTruthTests.counts(ts[key]), "\(mta) sessions.\(key)")
            }
            #expect(one["by_mta"] == nil, "one MTA: no per-MTA figures")
        }

        // Every section, in every format, on the mixed store.
        for section in ["summary", "rates", "verify", "versions", "ciphers", "peers", "failures", "weak", "auth",
                        "verify-failures", "daily", "downgrades", "policy"] {
            for format in ["table", "json", "csv", "html"] {
                let r = try await dir.run(["report", section, "--db", db, "--format", format])
                #expect(r.status == 0 && !r.stdout.isEmpty, "\(section) \(format): \(r.stderr)")
            }
        }
        let digest = try await dir.run(["report", "digest", "--db", db, "--since", "2026-11-01"])
        #expect(digest.status == 0, "\(digest)")
    }
}
