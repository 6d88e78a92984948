import Foundation
import Testing

/// `mailtls report rates --by domain` on a realistic generated log (`mailtls-synth`: peers under
/// `co.uk`, `com.br` and friends, dynamic-IP clients, several hosts): it runs in every format with
/// the same rows, its table fits 100 columns, and its kinds add up to what `rates` counts.
@Suite struct RatesByDomainCommandTests {
    @Test func runsInEveryFormatAndAddsUpToRates() async throws {
        let dir = try Scratch()
        let log = dir.path("maillog")
        let (status, output) = try sh("'\(try SynthTruthTests.synthPath())' 1M --seed 5 --hosts 2 --out '\(log)' 2>&1")
        try #require(status == 0, "mailtls-synth failed: \(output)")
        let db = dir.path("t.db")
        let ingest = try await dir.run(ingestArgs(db, [log], ["--quiet"]))
        try #require(ingest.status == 0, "\(ingest)")
        let report = ["report", "rates", "--by", "domain", "--db", db]

        let json = try await dir.run(report + ["--format", "json"])
        #expect(json.status == 0, "\(json)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json)")
        func mail(_ kind: String, _ column: String) -> Int {
            rows.filter { $0["kind"] as? String == kind }.reduce(0) { $0 + (($1[column] as? NSNumber)?.intValue ?? 0) }
        }
        #expect(Set(rows.compactMap { $0["kind"] as? String }) == ["recipient", "sender", "peer"])
        // Registered domains under multi-label suffixes are whole, not cut to the last two labels.
        let peers = Set(rows.filter { $0["kind"] as? String == "peer" }.compactMap { $0["domain"] as? String })
        #expect(!peers.contains("co.uk") && !peers.contains("com.br"), "\(peers.sorted())")

        // The generator sends each delivery to one domain, so every kind adds up to rates.
        let rates = try await dir.run(["report", "rates", "--db", db, "--format", "json"])
        let all = try #require((try JSONSerialization.jsonObject(with: Data(rates.stdout.utf8)) as? [[String: Any]])?.first, "\(rates)")
        func total(_ key: String) -> Int { (all[key] as? NSNumber)?.intValue ?? -1 }
        #expect(mail("recipient", "mail") == total("outbound_deliveries") && total("outbound_deliveries") > 0)
        #expect(mail("recipient", "encrypted") == total("outbound_encrypted"))
        for kind in ["sender", "peer"] {
            #expect(mail(kind, "mail") == total("inbound_messages") && total("inbound_messages") > 0, "\(kind)")
            #expect(mail(kind, "encrypted") == total("inbound_encrypted"), "\(kind)")
        }

        let csv = try await dir.run(report + ["--format", "csv"])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("kind,domain,mail,encrypted,encrypted_share,verified,verified_share,versions\r\n"), "\(csv)")
        #expect(csv.stdout.components(separatedBy: "\r\n").count == rows.count + 2, "\(csv)")

        let table = try await dir.run(report)
        #expect(table.status == 0 && table.stdout.hasPrefix("Encryption rates by domain\n"), "\(table)")
        #expect(table.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 }, "\(table)")

        let html = try await dir.run(report + ["--format", "html", "--out", dir.path("domains.html")])
        #expect(html.status == 0 && html.stdout.isEmpty, "\(html)")
        let page = try String(contentsOfFile: dir.path("domains.html"), encoding: .utf8)
        #expect(page.contains("Encryption rates by domain") && page.contains("<table"), "\(page.prefix(500))")

        let limited = try await dir.run(report + ["--format", "json", "--limit", "2", "--role", "client"])
        let few = try #require(try JSONSerialization.jsonObject(with: Data(limited.stdout.utf8)) as? [[String: Any]], "\(limited)")
        #expect(few.count == 2 && few.allSatisfy { $0["kind"] as? String == "recipient" }, "\(limited)")
    }
}
