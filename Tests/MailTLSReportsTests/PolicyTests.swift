import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// `report policy`: outbound peers that verified on every session become sendmail access-db and
/// Postfix policy lines; peers that never offered STARTTLS are listed to contact.
@Suite struct PolicyTests {
    static func history() -> String {
        var h = WatchHistory()
        for d in 1...5 { h.outbound(d, "10:00", peer: "mx.always.example") }
        for d in 1...3 {
            h.outbound(d, "11:00", peer: "mx.dane.example", verify: "TRUSTED", cipher: "TLS_AES_128_GCM_SHA256", bits: "128/128")
            h.outbound(d, "12:00", peer: "mx.mixed.example", verify: d == 3 ? "TRUSTED" : "OK")
            h.outbound(d, "15:00", peer: "mx.nocert.example", version: "TLSv1.2", verify: "NO", cipher: "ADH-AES256-SHA")
            h.outbound(d, "16:00", peer: "mx.weakbits.example", version: "TLSv1", cipher: "DES-CBC-SHA", bits: "56/56")
            h.outbound(d, "17:00", peer: "mx.sometimes.example")
        }
        for d in 1...2 { h.outbound(d, "13:00", peer: "mx.twice.example") }
        for d in 1...5 { h.outbound(d, "14:00", peer: "mx.onefail.example", verify: d == 5 ? "FAIL" : "OK") }
        // Verified on every session, but once in clear and once a failed handshake.
        h.outbound(4, "17:00", peer: "mx.sometimes.example", tls: false)
        h.failedHandshake(5, "17:00", peer: "mx.sometimes.example")
        // Never offered STARTTLS.
        for d in 1...2 { h.outbound(d, "18:00", peer: "mx.plain.example", tls: false) }
        // In clear, but it did offer STARTTLS once (the handshake failed): not "never offered".
        h.failedHandshake(1, "19:00", peer: "mx.plainfailed.example")
        h.outbound(2, "19:00", peer: "mx.plainfailed.example", tls: false)
        // A deferral in clear is not a delivery.
        h.outbound(2, "20:00", peer: "mx.deferred.example", tls: false, status: "Deferred: Connection refused by mx.deferred.example.", dsn: "4.0.0")
        // Inbound in clear: policy is about outbound peers.
        for d in 1...3 { h.inbound(d, "08:00", relay: "sender.example [192.0.2.20]", tls: false) }
        // Loopback (MSP -> MTA over [127.0.0.1]): left out unless --include-local.
        var local = h.text
        for d in 1...3 {
            local += Log.clientTLS("07:00:00", 900 + d, relay: "[127.0.0.1]", version: "TLSv1.3", verify: "OK",
                                   cipher: "TLS_AES_256_GCM_SHA384", day: WatchHistory.day(d), tag: "sendmail")
            local += Log.to("07:00:01", 900 + d, qid: "4AT0000000090\(d)", mailer: "relay", relay: "[127.0.0.1] [127.0.0.1]",
                            day: WatchHistory.day(d), tag: "sendmail")
        }
        return local
    }

    static let columns = ["action", "peer", "sessions", "verify", "min_bits", "deliveries", "clear_deliveries",
                          "handshake_failures", "last_seen", "sendmail", "postfix"]

    static let expected = [
        "enforce|mx.always.example|5|OK 5|256|5|0|0|2026-03-05T10:00:01Z|TLS_Srv:mx.always.example VERIFY:128|mx.always.example verify",
        "enforce|mx.sometimes.example|3|OK 3|256|4|1|1|2026-03-04T17:00:01Z|TLS_Srv:mx.sometimes.example VERIFY:128|mx.sometimes.example verify",
        "enforce|mx.dane.example|3|TRUSTED 3|128|3|0|0|2026-03-03T11:00:01Z|TLS_Srv:mx.dane.example VERIFY:128|mx.dane.example verify",
        "enforce|mx.mixed.example|3|OK 2, TRUSTED 1|256|3|0|0|2026-03-03T12:00:01Z|TLS_Srv:mx.mixed.example VERIFY:128|mx.mixed.example verify",
        // Fewer than 128 cipher bits on some session: VERIFY without a key size.
        "enforce|mx.weakbits.example|3|OK 3|56|3|0|0|2026-03-03T16:00:01Z|TLS_Srv:mx.weakbits.example VERIFY|mx.weakbits.example verify",
        "contact|mx.plain.example|0|-|-|2|2|0|2026-03-02T18:00:01Z|-|-",
    ]

    @Test func verifiedPeersBecomePolicyLinesAndPeersWithoutTLSAreToContact() throws {
        let store = try TestStore(Self.history())
        let t = try store.table("policy")
        #expect(t.columns == Self.columns)
        #expect(rows(t, Self.columns) == Self.expected)
    }

    @Test func minSessions() throws {
        let store = try TestStore(Self.history())
        var f = ReportFilter()
        f.minSessions = 2
        let two = rows(try store.table("policy", f), ["action", "peer", "sessions"])
        #expect(two.contains("enforce|mx.twice.example|2"))
        #expect(two.count == Self.expected.count + 1)
        f.minSessions = 4
        #expect(rows(try store.table("policy", f), ["action", "peer"]) == ["enforce|mx.always.example", "contact|mx.plain.example"])
        f.minSessions = 6
        #expect(rows(try store.table("policy", f), ["action"]) == ["contact"])
        // The default is 3, in Swift and in the SQL (NULL, as with sqlite3).
        f.minSessions = 3
        #expect(rows(try store.table("policy", f), Self.columns) == Self.expected)
        let s = try store.reporter.store!.database.prepare(try QueryLibrary.sql(named: "policy"))
        var n = 0
        while try s.step() { n += 1 }
        #expect(n == Self.expected.count)
        #expect(ReportFilter.defaultMinSessions == 3)
    }

    @Test func filtersApply() throws {
        let store = try TestStore(Self.history())
        #expect(try store.table("policy", ReportFilter(role: .server)).rows.isEmpty, "outbound only")
        #expect(rows(try store.table("policy", ReportFilter(role: .client)), Self.columns) == Self.expected)
        #expect(rows(try store.table("policy", ReportFilter(peer: "*.plain.example")), ["action", "peer"]) == ["contact|mx.plain.example"])
        #expect(rows(try store.table("policy", ReportFilter(limit: 2)), ["peer"]) == ["mx.always.example", "mx.sometimes.example"])
        // Since March 3: the peers with 3 sessions before have 1 now; mx.always has 3.
        var f = ReportFilter(since: try TimeBound.parse("2026-03-03"))
        #expect(rows(try store.table("policy", f), ["action", "peer", "sessions"]) == ["enforce|mx.always.example|3"])
        f.since = nil
        f.includeLocal = true
        #expect(rows(try store.table("policy", f), ["peer", "sendmail"]).contains("127.0.0.1|TLS_Srv:127.0.0.1 VERIFY:128"))
        #expect(try store.table("policy", ReportFilter(host: "other")).rows.isEmpty)
    }

    @Test func rendersInEveryFormat() throws {
        let store = try TestStore(Self.history())
        var f = ReportFilter()
        f.minSessions = 3
        let table = try store.render("policy", .table, f)
        #expect(table.hasPrefix("TLS policy suggestions\n(enforce: at least 3 verified sessions, loopback peers excluded)\n"), "\(table)")
        #expect(table.contains("TLS_Srv:mx.always.example VERIFY:128"))
        let csv = try store.render("policy", .csv, f)
        #expect(csv.components(separatedBy: "\r\n").dropFirst().first == "enforce,mx.always.example,5,OK 5,256,5,0,0,2026-03-05T10:00:01Z,TLS_Srv:mx.always.example VERIFY:128,mx.always.example verify")
        let json = try JSONValue(parsing: try store.render("policy", .json, f))
        guard case .array(let items) = json else { Issue.record("not an array"); return }
        let lines = items.filter { $0["action"]?.string == "enforce" }.compactMap { $0["sendmail"]?.string }
        #expect(lines.count == 5 && lines.allSatisfy { $0.hasPrefix("TLS_Srv:") })
        #expect(items.last?["sendmail"] == .null)
    }
}
