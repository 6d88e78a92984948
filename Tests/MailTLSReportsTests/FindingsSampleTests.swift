import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// The findings (weak, auth, verify-failures) on the scenarios of Samples/ (see Samples/README.md),
/// and their agreement with the summary.
@Suite struct FindingsSampleTests {
    /// The summary's auth of each log against its hand-counted truth file.
    @Test(arguments: SampleGoldenTests.logs)
    func authMatchesTheTruthFile(log: String) throws {
        let truth = try JSONValue(parsing: try String(contentsOfFile: sample(log) + ".truth.json", encoding: .utf8))
        let store = try TestStore([], files: [sample(log)])
        #expect(SampleTruthTests.sorted(try store.summary()["auth"]) == SampleTruthTests.sorted(truth["auth"]))
    }

    @Test func theSeedScenarios() throws {
        let store = try SampleGoldenTests.store()

        let auth = try store.table("auth")
        // The client without TLS sending PLAIN (isp-relay smtp1 23433) is the only finding.
        #expect(auth.rows.filter { $0[0].text == "password_in_clear" }.count == 1)
        #expect(auth.lines("kind", "role", "account", "mech", "peer", "events", "last_seen").first
                == "password_in_clear|server|mthomas|PLAIN|198.51.100.140|1|2026-11-03T09:03:15Z")
        // LOGIN after STARTTLS (Outlook Express on the legacy relay, proto=ESMTP) is fine.
        #expect(auth.lines("kind", "account", "mech", "over_tls", "in_clear").contains("success|kwalsh@example.net|LOGIN|1|0"))
        // CRAM-MD5 without TLS: in clear, but no password on the wire.
        #expect(auth.lines("kind", "account", "mech", "over_tls", "in_clear").contains("success|olaf|CRAM-MD5|0|1"))
        // The bot on mx2 tried two accounts over TLS; the 8.14 failure has no user=.
        #expect(auth.lines("kind", "account", "peer", "accounts", "events", "over_tls").contains("failure_by_peer|-|203.0.113.77|2|2|2"))
        #expect(auth.lines("kind", "account", "peer", "accounts", "events", "in_clear").contains("failure_by_peer|-|192.0.2.66|0|1|1"))

        let weak = try store.table("weak")
        let byPeer = Dictionary(uniqueKeysWithValues: weak.lines("peer", "kind", "version", "reasons").map {
            (String($0.prefix(while: { $0 != "|" })), $0)
        })
        // ADH and AECDH: anonymous.
        #expect(byPeer["mx.oldfarm.example"] == "mx.oldfarm.example|anonymous|TLSv1|TLSv1, anonymous")
        #expect(byPeer["smtp.tinyisp.example"] == "smtp.tinyisp.example|anonymous|TLSv1.2|anonymous")
        // RC4 (one of them on old sendmail's TLSv1/SSLv3) and SSLv3.
        #expect(byPeer["mail.museum-archive.example"] == "mail.museum-archive.example|weak|TLSv1|TLSv1, RC4, MD5")
        #expect(byPeer["203-0-113-45.cable.dyn.example.net"] == "203-0-113-45.cable.dyn.example.net|weak|TLSv1/SSLv3|RC4, MD5")
        #expect(byPeer["relay.legacy-plant.example"] == "relay.legacy-plant.example|weak|SSLv3|SSLv3, 3DES")
        // TLSv1/SSLv3 with AES is not weak.
        #expect(byPeer.count == 5)
        #expect(try store.summary()["weak_sessions"]?.int == 5)

        // The purchased RapidSSL certificate of harborlogistics: verify=FAIL with its verifymsg.
        let v = try store.table("verify-failures")
        #expect(v.lines("peer_list", "verify", "reason", "issuer", "hint").contains(
            "mail.harborlogistics.example|FAIL|unable to get local issuer certificate|/C=US/O=GeoTrust Inc./CN=RapidSSL SHA256 CA - G3|the issuer's CA is not in CACertPath/CACertFile"))
        #expect(v.lines("peer_list", "reason").contains("mail.museum-archive.example|self signed certificate"))
        #expect(v.lines("peer_list", "reason").contains("relay.legacy-plant.example|certificate has expired"))
        // Logs below LogLevel 12 have no certificate line: say how to get one.
        #expect(v.lines("reason", "peers", "hint").first == "-|7|no certificate line: set LogLevel 12+ (confLOG_LEVEL)")
    }

    func sum(_ t: ResultTable, _ column: String, where keep: ([String: SQLValue]) -> Bool = { _ in true }) -> Int64 {
        t.records.filter(keep).reduce(0) { $0 + ($1[column]?.int ?? 0) }
    }

    /// The copies of the definitions in summary.sql, weak.sql, auth.sql and verify-failures.sql agree,
    /// for any filter.
    @Test(arguments: ConsistencyTests.filters)
    func findingsAgreeWithTheSummary(filter: ReportFilter) throws {
        let store = try SampleGoldenTests.store()
        let s = try store.summary(filter)
        #expect(sum(try store.table("weak", filter), "sessions") == s["weak_sessions"]?.int)

        let auth = try store.table("auth", filter)
        let server: ([String: SQLValue]) -> Bool = { $0["role"]?.text == "server" }
        let success: ([String: SQLValue]) -> Bool = { server($0) && $0["kind"]?.text == "success" }
        #expect(sum(auth, "events", where: success) == s["auth"]?["total"]?.int)
        #expect(sum(auth, "over_tls", where: success) == s["auth"]?["over_tls"]?.int)
        #expect(sum(auth, "events") { server($0) && $0["kind"]?.text == "password_in_clear" } == s["auth"]?["plaintext_password"]?.int)
        for kind in ["success", "failure_by_account", "failure_by_peer"] {
            let rows = auth.records.filter { $0["kind"]?.text == kind }
            #expect(rows.allSatisfy { ($0["over_tls"]?.int ?? -1) + ($0["in_clear"]?.int ?? -1) == $0["events"]?.int }, "\(kind)")
        }
        #expect(sum(auth, "events") { $0["kind"]?.text == "failure_by_account" }
                == sum(auth, "events") { $0["kind"]?.text == "failure_by_peer" })

        // Every verify result that is not OK, TRUSTED, NO or NOT is a verify failure.
        var failed: Int64 = 0
        for role in ["server", "client"] {
            if case .object(let members)? = s["sessions"]?["by_verify"]?[role] {
                for (verify, n) in members where !["OK", "TRUSTED", "NO", "NOT"].contains(verify) { failed += n.int ?? 0 }
            }
        }
        #expect(sum(try store.table("verify-failures", filter), "sessions") == failed)
    }
}
