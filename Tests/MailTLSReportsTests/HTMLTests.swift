import Foundation
@testable import MailTLSReports
import MailTLSStore
import Testing

/// `--format html`: self-contained pages whose log values are escaped and whose figures are the
/// JSON report's.
@Suite struct HTMLTests {
    static let script = "<script>alert(1)</script>"
    static let img = "\"><img src=x onerror=alert(2)>"

    /// A log whose peer, certificate issuer and AUTH account are markup.
    static func hostileStore() throws -> TestStore {
        try TestStore(
            Log.serverTLS("10:00:00", 1, relay: "\(script) [192.0.2.9]", version: "TLSv1", cipher: "RC4-MD5", bits: "128/128")
                + Log.from("10:00:01", 1, qid: "4AT00000000001", proto: "ESMTPS", relay: "\(script) [192.0.2.9]")
                + Log.clientTLS("10:01:00", 2, relay: "mx.\(script).example.", verify: "FAIL")
                + line("10:01:00", 2, "STARTTLS=client, cert-subject=/CN=x, cert-issuer=/CN=\(img), verifymsg=unable to get local issuer certificate")
                + Log.to("10:01:01", 2, qid: "4AT00000000002", mailer: "esmtp", relay: "mx.\(script).example. [198.51.100.9]")
                + line("10:02:00", 3, "AUTH=server, relay=\(script) [192.0.2.9], authid=\(img), mech=PLAIN, bits=0")
                + Log.from("10:02:01", 3, qid: "4AT00000000003", proto: "ESMTPA", relay: "\(script) [192.0.2.9]"))
    }

    @Test func everyLoggedValueIsEscapedOnEveryPage() throws {
        let store = try Self.hostileStore()
        var shown = ""
        for section in ReportSection.all {
            let page = try store.reporter.render(section, filter: ReportFilter(), format: .html)
            let lower = page.lowercased()
            #expect(!lower.contains("<script") && !lower.contains("<img") && !lower.contains("onerror=alert(2)>"), "\(section.name): \(page)")
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"), "\(section.name)")
            shown += page
        }
        #expect(shown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the peer shows as text")
        #expect(shown.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), "the issuer and account show as text")
    }

    /// No request of any kind: no URL but the SVG namespace, no script, a CSP that forbids loading.
    /// The per-day chart places days by date: days 1, 2 and 8 of a month are not evenly spread, and
    /// the line breaks over the days without mail instead of joining them.
    @Test func dayChartsPlaceDaysByDate() throws {
        let daily = ResultTable(columns: ["date", "inbound_rate", "outbound_rate"], rows: [
            [.text("2026-03-01"), .real(0.5), .real(1)],
            [.text("2026-03-02"), .real(0.75), .real(1)],
            [.text("2026-03-08"), .real(1), .real(1)],
        ])
        let svg = HTMLRenderer.lineChart(daily)
        let xs = svg.components(separatedBy: "<circle cx=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        #expect(xs.count == 6)
        // 7 days across 640 units (720 less the margins): a day is 91.4 apart.
        #expect(xs.prefix(3).map { ($0 * 10).rounded() / 10 } == [40, 131.4, 680])
        // Two lines of two points each (days 1 and 2), nothing drawn to day 8.
        let lines = svg.components(separatedBy: "<polyline").dropFirst()
        #expect(lines.count == 2 && lines.allSatisfy { $0.split(separator: "points=\"")[1].prefix { $0 != "\"" }.split(separator: " ").count == 2 }, "\(svg)")
        // Tables scroll sideways in their own box; dates stay on one line.
        let table = HTMLRenderer.table(ResultTable(columns: ["peer", "last_seen"], rows: [[.text("mx.example"), .text("2026-03-08T10:00:00Z")]]))
        #expect(table.hasPrefix("<div class=\"scroll\"><table>") && table.hasSuffix("</table></div>\n"))
        #expect(table.contains("<td>mx.example</td><td class=\"t\">2026-03-08T10:00:00Z</td>"), "\(table)")
        let days = HTMLRenderer.dayNumbers(["2026-02-28", "2026-03-01", "2024-02-28", "2024-03-01"])
        #expect(zip(days, days.dropFirst()).map { $1 - $0 } == [1, -732, 2], "leap years")
    }

    @Test func pagesAreSelfContained() throws {
        let store = try SampleGoldenTests.store()
        let page = try store.render("summary", .html)
        let urls = page.components(separatedBy: "://").count - 1
        let namespaces = page.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
        #expect(urls == namespaces && namespaces == 2, "no URL but the SVG namespace of the 2 charts")
        #expect(page.contains("default-src 'none'") && !page.contains("<script") && !page.contains("<link"))
        #expect(page.contains("prefers-color-scheme: dark") && page.contains("@media print"))
    }

    /// The headline figures and the table rows on the pages are the JSON report's.
    @Test func figuresEqualTheJSONReport() throws {
        let store = try SampleGoldenTests.store()
        let doc = try store.summary()
        let page = try store.render("summary", .html)
        for (label, value) in [("inbound encrypted", doc["inbound"]?["rate"]?.double), ("outbound encrypted", doc["outbound"]?["rate"]?.double)] {
            let v = try #require(value)
            #expect(page.contains("<div class=\"label\">\(label)</div><div class=\"value\">\(TableRenderer.percent(v))</div>"), "\(label)")
        }
        // The period as the JSON gives it: the first row's time to the last row's (the previous period
        // is computed with an exclusive end one second later, which the page does not show).
        let from = try #require(doc["period"]?["from"]?.string), to = try #require(doc["period"]?["to"]?.string)
        #expect(page.contains("<p>Period \(from) to \(to); "), "\(page.prefix(2000))")
        for (label, path) in [("weak sessions", ["weak_sessions"]), ("handshake failures", ["handshake_failures"]),
                              ("passwords in clear", ["auth", "plaintext_password"])] {
            let v = try #require(path.reduce(Optional(doc)) { $0?[$1] }?.int)
            #expect(page.contains("<div class=\"label\">\(label)</div><div class=\"value\">\(v)</div>"), "\(label)")
        }
        // Every row of the JSON of a table section is a row of its page, cell by cell.
        for section in ["peers", "weak", "failures", "verify"] {
            let json = try JSONValue(parsing: try store.render(section, .json))
            let html = try store.render(section, .html)
            guard case .array(let rows) = json else { Issue.record("\(section): not an array"); continue }
            #expect(html.components(separatedBy: "<tr>").count - 2 == rows.count, "\(section): one <tr> per row plus the header")
            for row in rows {
                guard case .object(let members) = row else { continue }
                let cells = members.map { key, value -> String in
                    let text: String
                    switch value {
                    case .string(let s): text = s
                    case .null: text = "-"
                    default: text = TableRenderer.isFraction(key) ? TableRenderer.percent(value.double ?? -1) : value.compactText
                    }
                    return HTMLRenderer.escape(text)
                }
                let tr = cells.map { ">\($0)</td>" }
                #expect(tr.allSatisfy { html.contains($0) }, "\(section): \(row)")
            }
        }
    }
}
