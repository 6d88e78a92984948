import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// `report downgrades` on a generated 20-day history with one known downgrade of each kind, and
/// peers that must not be reported (always verified, back to its best version, unknown version,
/// mostly clear before, loopback).
@Suite struct DowngradeTests {
    static func store() throws -> TestStore { try TestStore(WatchHistory.downgrades().text) }

    /// 2026-03-21T00:00:00Z: with 7 days, the recent window is March 14-20.
    static let until = try! TimeBound.parse("2026-03-21")

    static func filter(recent: String? = nil, until: Date? = DowngradeTests.until) throws -> ReportFilter {
        var f = ReportFilter(until: until)
        f.recent = try recent.map { try Age.parse($0, option: "--recent") }
        return f
    }

    static let columns = ["peer", "role", "kind", "was", "now", "earlier", "earlier_good", "earlier_share", "recent",
                          "recent_good", "recent_share", "last_good", "first_bad"]

    /// The expected rows of the 7-day window, in first_bad order.
    static let expected = [
        // Half of it encrypted before (6 of 12): it went to clear on March 12, before the window.
        "half.example|server|cleartext|encrypted|clear|12|6|0.5|7|0|0.0|2026-03-11T08:00:01Z|2026-03-12T08:00:01Z",
        "mx.oldtls.example|client|version|TLSv1.3|TLSv1|13|13|1.0|7|2|0.2857|2026-03-15T12:00:00Z|2026-03-16T12:00:00Z",
        "mx.stripped.example|client|cleartext|encrypted|clear|13|13|1.0|7|3|0.4286|2026-03-16T11:00:01Z|2026-03-17T11:00:01Z",
        "mx.badcert.example|client|verify|OK|FAIL|13|13|1.0|7|4|0.5714|2026-03-17T13:00:00Z|2026-03-18T13:00:00Z",
        "mail.sender.example|server|cleartext|encrypted|clear|13|13|1.0|7|5|0.7143|2026-03-18T09:00:01Z|2026-03-19T09:00:01Z",
    ]

    @Test func eachKnownDowngradeIsFoundWithItsTimesAndCounts() throws {
        let store = try Self.store()
        let t = try store.table("downgrades", try Self.filter())
        #expect(t.columns == Self.columns)
        #expect(rows(t, Self.columns) == Self.expected)
    }

    @Test func theWindowEndsAtTheNewestRowByDefault() throws {
        let store = try Self.store()
        // The newest row is 2026-03-20T23:59:01Z: the window starts 7 days before, so day 13 is
        // history and day 14 recent, as with --until 2026-03-21.
        let t = try store.table("downgrades", try Self.filter(until: nil))
        #expect(rows(t, Self.columns) == Self.expected)
    }

    @Test func aShorterWindowStillDatesTheDowngradeWhenItStarted() throws {
        let store = try Self.store()
        // March 18-20 against March 1-17: the stripped peer went to clear on the 17th, before the
        // window; half.example was mostly clear before (6 of 16): not a downgrade any more.
        let t = try store.table("downgrades", try Self.filter(recent: "3d"))
        #expect(rows(t, ["peer", "kind", "was", "now", "earlier", "earlier_good", "recent", "recent_good", "last_good", "first_bad"]) == [
            "mx.oldtls.example|version|TLSv1.3|TLSv1|17|15|3|0|2026-03-15T12:00:00Z|2026-03-16T12:00:00Z",
            "mx.stripped.example|cleartext|encrypted|clear|17|16|3|0|2026-03-16T11:00:01Z|2026-03-17T11:00:01Z",
            "mx.badcert.example|verify|OK|FAIL|17|17|3|0|2026-03-17T13:00:00Z|2026-03-18T13:00:00Z",
            "mail.sender.example|cleartext|encrypted|clear|17|17|3|1|2026-03-18T09:00:01Z|2026-03-19T09:00:01Z",
        ])
    }

    @Test func aDowngradeShowsFromItsFirstDayAndNotBefore() throws {
        let store = try Self.store()
        // The day of the version drop (March 16) as the window: found.
        var f = try Self.filter(recent: "1d", until: try TimeBound.parse("2026-03-17"))
        #expect(rows(try store.table("downgrades", f), ["peer", "kind", "first_bad"]) == [
            "mx.oldtls.example|version|2026-03-16T12:00:00Z",
        ])
        // The day before: not yet. (A one-day window sees mx.flappy.example's TLSv1.2 day as a drop:
        // the window must be longer than a peer's normal variation.)
        f.until = try TimeBound.parse("2026-03-16")
        #expect(rows(try store.table("downgrades", f), ["peer", "kind", "was", "now", "first_bad"]) == [
            "mx.flappy.example|version|TLSv1.3|TLSv1.2|2026-03-15T14:00:00Z",
        ])
        // The window reaching just past the first bad session (12:00:00 is in, 11:59:59 out).
        f.until = try TimeBound.parse("2026-03-16T12:00:01Z")
        f.recent = 3600
        #expect(rows(try store.table("downgrades", f), ["peer", "kind"]) == ["mx.oldtls.example|version"])
        f.until = try TimeBound.parse("2026-03-16T12:00:00Z")
        #expect(try store.table("downgrades", f).rows.isEmpty)
    }

    @Test func peersThatStayedGoodOrWereNeverGoodAreNotReported() throws {
        let store = try Self.store()
        for recent in ["3d", "7d", "10d"] {
            let peers = try store.table("downgrades", try Self.filter(recent: recent)).column("peer").compactMap(\.text)
            for quiet in ["mx.stable.example", "mx.flappy.example", "mx.legacy.example", "anchor.example", "localhost"] {
                #expect(!peers.contains(quiet), "\(quiet) with --recent \(recent)")
            }
            // 5 of 11 encrypted before March 14, 5 of 15 before March 18: under half. With 10 days,
            // 5 of 10 before March 11: exactly half, so its clear window is a downgrade.
            #expect(peers.contains("mostlyclear.example") == (recent == "10d"), "mostlyclear.example with --recent \(recent)")
        }
    }

    @Test func filtersApply() throws {
        let store = try Self.store()
        var f = try Self.filter()
        f.role = .client
        #expect(rows(try store.table("downgrades", f), ["peer"]) == ["mx.oldtls.example", "mx.stripped.example", "mx.badcert.example"])
        f.role = .server
        #expect(rows(try store.table("downgrades", f), ["peer"]) == ["half.example", "mail.sender.example"])
        f.role = nil
        f.peer = "MX.*.example"
        #expect(try store.table("downgrades", f).rows.count == 3)
        f.peer = nil
        f.limit = 2
        #expect(rows(try store.table("downgrades", f), ["peer"]) == ["half.example", "mx.oldtls.example"])
        f.limit = nil
        f.host = "mx2"
        #expect(try store.table("downgrades", f).rows.isEmpty)
        f.host = nil
        // Loopback peers only with --include-local.
        f.includeLocal = true
        let local = try store.table("downgrades", f)
        #expect(rows(local, ["peer", "kind", "earlier", "recent", "last_good", "first_bad"]).contains(
            "localhost|cleartext|13|7|2026-03-13T06:00:01Z|2026-03-14T06:00:01Z"))
        #expect(local.rows.count == 6)
        // --since cuts the history: from March 13, half.example (no mail that day) has none (and the
        // others a day or two: --min-sessions 1 keeps them).
        f.includeLocal = false
        f.since = try TimeBound.parse("2026-03-13")
        f.minHistory = 1
        #expect(rows(try store.table("downgrades", f), ["peer"]) == ["mx.oldtls.example", "mx.stripped.example",
                                                                       "mx.badcert.example", "mail.sender.example"])
    }

    @Test func rendersInEveryFormat() throws {
        let store = try Self.store()
        let f = try Self.filter(recent: "7d")
        let table = try store.render("downgrades", .table, f)
        #expect(table.hasPrefix("STARTTLS downgrades\n(until 2026-03-21T00:00:00Z, recent 7d, loopback peers excluded)\n"), "\(table)")
        #expect(table.contains("28.6%") && table.contains("100.0%"), "shares as percentages: \(table)")
        let csv = try store.render("downgrades", .csv, f)
        #expect(csv.hasPrefix(Self.columns.joined(separator: ",") + "\r\n"))
        #expect(csv.components(separatedBy: "\r\n").count == Self.expected.count + 2)
        let json = try JSONValue(parsing: try store.render("downgrades", .json, f))
        guard case .array(let items) = json else { Issue.record("not an array"); return }
        #expect(items.count == Self.expected.count)
        #expect(items[1]["was"]?.string == "TLSv1.3" && items[1]["now"]?.string == "TLSv1")
        #expect(items[1]["first_bad"]?.string == "2026-03-16T12:00:00Z")
    }

    /// sqlite3 users leave :recent NULL: the SQL's default must be the Swift one.
    @Test func theSQLDefaultWindowIsTheSwiftDefault() throws {
        let store = try Self.store()
        let s = try store.reporter.store!.database.prepare(try QueryLibrary.sql(named: "downgrades"))
        for (i, p) in s.parameterNames.enumerated() where p == ":until" { s.bind(Int32(i + 1), "2026-03-21T00:00:00Z") }
        var lines: [String] = []
        while try s.step() { lines.append((0..<s.columnCount).map { s.value($0).text ?? "-" }.joined(separator: "|")) }
        #expect(lines == Self.expected)
        #expect(ReportFilter.defaultRecent == 7 * 86400)
    }

    @Test func whatCountsAsAFailedVerify() throws {
        var h = WatchHistory()
        for d in 1...20 {
            // DANE: TRUSTED, then DANE_FAIL (a failure, as in verify-failures).
            h.outbound(d, "10:00", peer: "mx.dane.example", verify: d < 14 ? "TRUSTED" : "DANE_FAIL")
            // OK, then NO (no certificate): neither verified nor failed.
            h.outbound(d, "11:00", peer: "mx.nocert.example", verify: d < 14 ? "OK" : "NO")
            // Inbound clients rarely show a certificate (NO): never verified, never a downgrade.
            h.inbound(d, "12:00", relay: "client.example [192.0.2.50]", verify: d < 14 ? "NO" : "FAIL")
        }
        let store = try TestStore(h.text)
        #expect(rows(try store.table("downgrades", try Self.filter()), ["peer", "kind", "was", "now", "recent_good", "first_bad"]) == [
            "mx.dane.example|verify|TRUSTED|DANE_FAIL|0|2026-03-14T10:00:00Z",
        ])
    }

    @Test func anEmptyStoreOrNoHistoryGivesNoRows() throws {
        #expect(try TestStore([]).table("downgrades").rows.isEmpty)
        // Everything in the window: no earlier history to compare with.
        let store = try Self.store()
        #expect(try store.table("downgrades", try Self.filter(recent: "30d")).rows.isEmpty)
    }
}

/// The rows as `a|b|c` of the named columns ("-" for NULL).
func rows(_ table: ResultTable, _ names: [String]) -> [String] {
    let idx = names.map { n in table.columns.firstIndex(of: n) ?? -1 }
    return table.rows.map { row in idx.map { $0 < 0 ? "?" : (row[$0].text ?? "-") }.joined(separator: "|") }
}

