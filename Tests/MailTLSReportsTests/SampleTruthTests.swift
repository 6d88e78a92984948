import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// The summary of each sample log against its hand-counted `Samples/*.truth.json` (the same schema
/// as mailtls-synth's truth): an oracle independent of the SQL.
///
/// The truth counts STARTTLS sessions with loopback peers included, so those keys are compared with
/// `--include-local`; inbound, outbound, handshake failures and peers per cipher leave loopback out,
/// as the reports do by default. `period` is not compared: the truth spans every syslog line, the
/// summary the rows it counts.
@Suite struct SampleTruthTests {
    @Test(arguments: SampleGoldenTests.logs)
    func summaryMatchesTheTruthFile(log: String) throws {
        let truthText = try String(contentsOfFile: sample(log) + ".truth.json", encoding: .utf8)
        let truth = try JSONValue(parsing: truthText)
        let store = try TestStore([], files: [sample(log)])
        let summary = try store.summary()
        let local = try store.summary(ReportFilter(includeLocal: true))

        for key in ["total", "by_role", "by_version", "by_cipher", "by_verify"] {
            #expect(Self.sorted(local["sessions"]?[key]) == Self.sorted(truth["sessions"]?[key]), "sessions.\(key)")
        }
        for key in ["inbound", "outbound", "handshake_failures"] {
            #expect(Self.sorted(summary[key]) == Self.sorted(truth[key]), "\(key)")
        }
        let ppc = Self.rows(summary["peers_per_cipher"], keys: ["role", "cipher", "peers", "sessions"])
        #expect(ppc == Self.rows(truth["peers_per_cipher"], keys: ["role", "cipher", "peers", "sessions"]))
        // Daily: messages and rates without loopback, sessions with it.
        let daily = ["date", "inbound_messages", "inbound_encrypted", "inbound_rate", "outbound_deliveries",
                     "outbound_encrypted", "outbound_rate"]
        #expect(Self.rows(summary["daily"], keys: daily) == Self.rows(truth["daily"], keys: daily))
        #expect(Self.rows(local["daily"], keys: ["date", "sessions"]) == Self.rows(truth["daily"], keys: ["date", "sessions"]))
    }

    /// Objects with their keys sorted, so key order does not matter.
    static func sorted(_ v: JSONValue?) -> JSONValue? {
        switch v {
        case .object(let members)?: return .object(members.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)!) })
        case .array(let items)?: return .array(items.map { sorted($0)! })
        default: return v
        }
    }

    /// The `keys` of each object of an array, one line each, sorted.
    static func rows(_ v: JSONValue?, keys: [String]) -> [String] {
        guard case .array(let items)? = v else { return [] }
        return items.map { item in keys.map { item[$0]?.compactText ?? "-" }.joined(separator: "|") }.sorted()
    }
}
