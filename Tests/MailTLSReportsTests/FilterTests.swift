import Foundation
import MailTLSParser
import MailTLSReports
import MailTLSStore
import Testing

/// Three days on two hosts: Monday 2026-03-02 and Tuesday 03-03, then Monday 03-09 late in the
/// evening (UTC), which is already 03-10 in Berlin.
let filterLog =
    Log.serverTLS("10:00:00", 1, relay: "a.example.com [192.0.2.1]")
    + Log.from("10:00:01", 1, qid: "622A00aa000001", proto: "ESMTPS", relay: "a.example.com [192.0.2.1]")
    + Log.clientTLS("10:00:05", 2, relay: "mx.google.com.")
    + Log.to("10:00:06", 2, qid: "622A00aa000001", mailer: "esmtp", relay: "mx.google.com. [198.51.100.1]")
    + Log.from("08:00:01", 3, qid: "623800aa000003", proto: "ESMTP", relay: "b.example.org [192.0.2.2]", host: "mx2", day: "Mar  3")
    + Log.to("08:00:06", 4, qid: "623800aa000003", mailer: "esmtp", relay: "mx.b.example.org. [198.51.100.2]", host: "mx2", day: "Mar  3")
    + Log.serverTLS("23:30:00", 5, relay: "c.example.net [192.0.2.3]", version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM-SHA384", day: "Mar  9")
    + Log.from("23:30:01", 5, qid: "6239NUaa000005", proto: "ESMTPS", relay: "c.example.net [192.0.2.3]", day: "Mar  9")
    + Log.serverTLS("23:40:00", 6, relay: "localhost [127.0.0.1]", verify: "NOT", day: "Mar  9")

@Suite struct FilterTests {
    let store: TestStore
    init() throws { store = try TestStore(filterLog) }

    func utc(_ text: String) throws -> Date { try TimeBound.parse(text) }

    @Test func sinceAndUntilCutOnTimestamps() throws {
        #expect(try store.table("daily", ReportFilter(since: try utc("2026-03-03"))).column("date")
                == [.text("2026-03-03"), .text("2026-03-09")])
        #expect(try store.table("daily", ReportFilter(until: try utc("2026-03-03"))).column("date") == [.text("2026-03-02")])
        // until is exclusive, to the second.
        let f = ReportFilter(since: try utc("2026-03-02T10:00:01Z"), until: try utc("2026-03-02T10:00:06Z"))
        #expect(try store.table("rates", f).lines == ["all|1|1|1.0|0|0|-"])
    }

    @Test func hostRolePeerAndLimit() throws {
        #expect(try store.table("rates", ReportFilter(host: "mx2")).lines == ["all|1|0|0.0|1|0|0.0"])
        #expect(try store.table("rates", ReportFilter(host: "mx*")).lines == ["all|3|2|0.6667|2|1|0.5"])
        #expect(try store.table("rates", ReportFilter(role: .server)).lines == ["all|3|2|0.6667|0|0|-"])
        #expect(try store.table("rates", ReportFilter(role: .client)).lines == ["all|0|0|-|2|1|0.5"])
        #expect(try store.table("versions", ReportFilter(role: .client)).lines == ["client|TLSv1.2|1|1.0|1"])
        // A wildcard peer, matched case-insensitively because peers are stored lowercase.
        #expect(try store.table("rates", ReportFilter(peer: "*.EXAMPLE.org")).lines == ["all|1|0|0.0|1|0|0.0"])
        #expect(try store.table("peers", ReportFilter(peer: "*.example.*")).column("peer").count == 4)
        #expect(try store.table("rates", ReportFilter(limit: 2, by: .peer)).rows.count == 2)
        // daily keeps the last days.
        #expect(try store.table("daily", ReportFilter(limit: 1)).column("date") == [.text("2026-03-09")])
        #expect(try store.summary(ReportFilter(limit: 1))["daily"]?.compactText.contains("2026-03-09") == true)
    }

    @Test func includeLocal() throws {
        #expect(try store.summary()["sessions"]?["total"]?.int == 3)
        #expect(try store.summary(ReportFilter(includeLocal: true))["sessions"]?["total"]?.int == 4)
        #expect(try store.table("verify", ReportFilter(includeLocal: true)).lines.contains("server|NOT|no certificate requested|1|0.3333|1"))
    }

    @Test func ratesGroupings() throws {
        #expect(try store.table("rates", ReportFilter(by: .day)).lines == [
            "2026-03-02|1|1|1.0|1|1|1.0", "2026-03-03|1|0|0.0|1|0|0.0", "2026-03-09|1|1|1.0|0|0|-",
        ])
        #expect(try store.table("rates", ReportFilter(by: .week)).lines == ["2026-03-02|2|1|0.5|2|1|0.5", "2026-03-09|1|1|1.0|0|0|-"])
        #expect(try store.table("rates", ReportFilter(by: .month)).lines == ["2026-03|3|2|0.6667|2|1|0.5"])
        #expect(try store.table("rates", ReportFilter(by: .host)).lines == ["mx1|2|2|1.0|1|1|1.0", "mx2|1|0|0.0|1|0|0.0"])
        #expect(try store.table("rates", ReportFilter(by: .peer)).column("bucket").count == 5)
        // Hours of the day (UTC here), from the rows: 08:00 in clear both ways, 10:00 encrypted both
        // ways, 23:30 one inbound message over TLS (the loopback one at 23:40 left out).
        #expect(try store.table("rates", ReportFilter(by: .hour)).lines == [
            "08|1|0|0.0|1|0|0.0", "10|1|1|1.0|1|1|1.0", "23|1|1|1.0|0|0|-",
        ])
    }

    @Test func optionsOnlyWhereTheyApply() throws {
        #expect(throws: ReportError.self) { try store.table("verify", ReportFilter(by: .day)) }
        #expect(throws: ReportError.self) { try store.table("rates", ReportFilter(cipher: "RC4*")) }
        #expect(throws: ReportError.unknownSection("nope")) { try ReportSection.named("nope") }
    }

    /// `TimeBound.iso` (the store's `CivilTime.iso8601`) agrees with Foundation's formatter from 1600
    /// (before the Gregorian reform Foundation counts Julian dates) to 9999; years below 1000 are
    /// padded to four digits, as SQL's text comparison of timestamps needs.
    @Test func isoTimesAgreeWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")!
        var t: Int64 = -11_676_096_000  // 1600-01-01T00:00:00Z
        var steps = 0
        while t < 253_402_300_799 {  // 9999-12-31T23:59:59Z
            let date = Date(timeIntervalSince1970: TimeInterval(t))
            #expect(TimeBound.iso(date) == formatter.string(from: date), "at \(t)")
            t += 86_400 * 3_671 + 37_573  // about ten years and ten hours: every month, weekday and hour over time
            steps += 1
        }
        #expect(steps > 800)
        let year999 = CivilTime.seconds(year: 999, month: 3, day: 1, hour: 0, minute: 0, second: 0)
        #expect(TimeBound.iso(Date(timeIntervalSince1970: TimeInterval(year999))) == "0999-03-01T00:00:00Z")
    }

    @Test func timeBoundsAreReadInTheirZone() throws {
        let now = try utc("2026-03-10T12:00:00Z")
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        func iso(_ s: String, _ zone: TimeZone = TimeZone(identifier: "UTC")!) throws -> String {
            TimeBound.iso(try TimeBound.parse(s, now: now, timeZone: zone))
        }
        #expect(try iso("2026-03-01") == "2026-03-01T00:00:00Z")
        #expect(try iso("2026-03-01", berlin) == "2026-02-28T23:00:00Z")
        #expect(try iso("2026-07-01", berlin) == "2026-06-30T22:00:00Z")
        #expect(try iso("2026-03-01T08:30") == "2026-03-01T08:30:00Z")
        #expect(try iso("2026-03-01 08:30:15", berlin) == "2026-03-01T07:30:15Z")
        #expect(try iso("2026-03-01T08:30:15.250Z", berlin) == "2026-03-01T08:30:15Z")
        #expect(try iso("2026-03-01T08:30:15+02:00") == "2026-03-01T06:30:15Z")
        #expect(try iso("2026-03-01T08:30:15-0500") == "2026-03-01T13:30:15Z")
        #expect(try iso("7d") == "2026-03-03T12:00:00Z")
        #expect(try iso("24h") == "2026-03-09T12:00:00Z")
        #expect(try iso("2w") == "2026-02-24T12:00:00Z")
        #expect(try iso("90m") == "2026-03-10T10:30:00Z")
        #expect(TimeBound.iso(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        for bad in ["", "yesterday", "2026-02-30", "2026-13-01", "2026-3-1", "7y", "d", "2026-03-01T25:00", "2026-03-01X"] {
            #expect(throws: ReportError.invalidTime(bad)) { try TimeBound.parse(bad, now: now) }
        }
    }

    @Test func rolesAndGroupingsReadTheirNames() throws {
        #expect(try ReportFilter.Role(name: "inbound") == .server)
        #expect(try ReportFilter.Role(name: "Client") == .client)
        #expect(throws: ReportError.invalidRole("both")) { try ReportFilter.Role(name: "both") }
        #expect(throws: ReportError.invalidGrouping("year")) { try ReportFilter.Grouping(name: "year") }
    }
}
