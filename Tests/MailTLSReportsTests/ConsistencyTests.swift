import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// Each query is a file that runs on its own, so the definitions (inbound message, outbound
/// delivery, loopback, handshake failure) are written in several of them. These checks pin the
/// copies to each other: every section must tell the same totals as the summary, for any filter.
@Suite struct ConsistencyTests {
    static let filters: [ReportFilter] = [
        ReportFilter(),
        ReportFilter(includeLocal: true),
        ReportFilter(role: .server),
        ReportFilter(role: .client, includeLocal: true),
        ReportFilter(peer: "*.example"),
        ReportFilter(host: "mx*"),
        ReportFilter(since: Date(timeIntervalSince1970: 1_794_787_200)),  // 2026-11-16
    ]

    func sum(_ t: ResultTable, _ column: String) -> Int64 {
        t.column(column).reduce(0) { $0 + ($1.int ?? 0) }
    }

    @Test(arguments: filters)
    func sectionsAgreeWithTheSummary(filter: ReportFilter) throws {
        let store = try SampleGoldenTests.store()
        let s = try store.summary(filter)
        let inbound = s["inbound"]?["messages"]?.int, inboundTLS = s["inbound"]?["encrypted"]?.int
        let outbound = s["outbound"]?["deliveries"]?.int, outboundTLS = s["outbound"]?["encrypted"]?.int
        let sessions = s["sessions"]?["total"]?.int

        let rates = try store.table("rates", filter)
        #expect(sum(rates, "inbound_messages") == inbound && sum(rates, "inbound_encrypted") == inboundTLS)
        #expect(sum(rates, "outbound_deliveries") == outbound && sum(rates, "outbound_encrypted") == outboundTLS)
        var byPeer = filter
        byPeer.by = .peer
        let peerRates = try store.table("rates", byPeer)
        #expect(sum(peerRates, "inbound_messages") == inbound && sum(peerRates, "outbound_encrypted") == outboundTLS)

        let daily = try store.table("daily", filter)
        #expect(sum(daily, "sessions") == sessions)
        #expect(sum(daily, "inbound_messages") == inbound && sum(daily, "inbound_encrypted") == inboundTLS)
        #expect(sum(daily, "outbound_deliveries") == outbound && sum(daily, "outbound_encrypted") == outboundTLS)
        #expect(sum(daily, "handshake_failures") == s["handshake_failures"]?.int)

        for section in ["verify", "versions", "ciphers"] {
            #expect(sum(try store.table(section, filter), "sessions") == sessions, "\(section)")
        }
        let peers = try store.table("peers", filter)
        #expect(sum(peers, "sessions") == sessions)
        #expect(sum(peers, "messages") == (inbound ?? 0) + (outbound ?? 0))
        #expect(sum(peers, "encrypted") == (inboundTLS ?? 0) + (outboundTLS ?? 0))
        #expect(Int64(peers.rows.filter { ($0[1].int ?? 0) > 0 }.count) == s["sessions"]?["peers"]?.int)

        let failures = try store.table("failures", filter)
        let kinds = failures.column("kind").map { $0.text ?? "" }
        let counts = failures.column("failures").map { $0.int ?? 0 }
        func count(_ names: Set<String>) -> Int64 { zip(kinds, counts).filter { names.contains($0.0) }.reduce(0) { $0 + $1.1 } }
        #expect(count(["accept_failed", "connect_failed"]) == s["handshake_failures"]?.int)
        #expect(count(["ruleset_reject"]) == s["ruleset_rejects"]?.int)
        #expect(count(["read_error", "write_error"]) == s["tls_io_errors"]?.int)

        // The summary's dictionaries are the sections' rows.
        let verify = try store.table("verify", filter)
        for role in ["server", "client"] {
            let rows = verify.rows.filter { $0[0].text == role }.map { "\($0[1].text!): \($0[3].int!)" }
            let doc = s["sessions"]?["by_verify"]?[role]
            guard case .object(let members)? = doc else { Issue.record("by_verify.\(role)"); continue }
            #expect(rows.sorted() == members.map { "\($0.key): \($0.value.int!)" }.sorted(), "by_verify.\(role)")
        }
        let ciphers = try store.table("ciphers", filter)
        let ppc = DocumentRows.rows(s["peers_per_cipher"], ["role", "cipher", "bits", "peers", "sessions"])
        #expect(ppc == ciphers.rows.map { r in [r[0], r[1], r[2], r[4], r[3]].map { $0.text ?? "-" }.joined(separator: "|") }.sorted())
    }
}

/// Arrays of objects from a JSON document as sorted `a|b|c` lines.
enum DocumentRows {
    static func rows(_ v: JSONValue?, _ keys: [String]) -> [String] {
        guard case .array(let items)? = v else { return [] }
        return items.map { item in
            keys.map { k in item[k].map { $0.string ?? ($0.isNull ? "-" : $0.compactText) } ?? "-" }.joined(separator: "|")
        }.sorted()
    }
}
