import Foundation
@testable import MailTLSReports
import MailTLSStore
import Testing

/// `report digest` on the downgrade history (days 1-20 of March) plus, in the last week, a new weak
/// peer, a spike of handshake failures and a password sent in clear: the week of March 14-20 against
/// the 7 weeks before.
@Suite struct DigestTests {
    static func store() throws -> TestStore {
        var h = WatchHistory.downgrades()
        for d in 15...20 { h.outbound(d, "15:00", peer: "mx.rc4.example", version: "TLSv1", cipher: "RC4-MD5", bits: "128/128") }
        for m in 0..<5 { h.failedHandshake(19, "16:0\(m)", peer: "mx.broken.example") }
        h.failedHandshake(3, "16:00", peer: "mx.broken.example")
        h.login(18, "17:00", relay: "dsl.example [203.0.113.7]", mech: "PLAIN", tls: false)
        return try TestStore(h.text)
    }

    static let week = ReportFilter(since: try! TimeBound.parse("2026-03-14"), until: try! TimeBound.parse("2026-03-21"))

    @Test func fitsACronMailAndNamesWhatIsNewOrWorse() throws {
        let store = try Self.store()
        let text = try Digest(reporter: store.reporter).render(filter: Self.week)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count <= 40 && lines.allSatisfy { $0.count <= 100 }, "\(text)")
        #expect(text.hasPrefix("mailtls digest: 2026-03-14T00:00:00Z to 2026-03-21T00:00:00Z (7d)\n"), "\(text)")
        #expect(text.contains("2 new weak peers (mailtls report weak):\n    mx.rc4.example (client): TLSv1, RC4, MD5\n"), "\(text)")
        #expect(text.contains("    user211 from dsl.example (PLAIN), new\n"), "\(text)")
        #expect(text.contains("  handshake failures: 5, at most 1 in a period before"), "\(text)")
        #expect(text.contains("5 connect_failed"), "\(text)")
        #expect(text.contains("  1 password sent in clear, 1 account and peer (mailtls report auth):\n    user"), "\(text)")
        // The command that lists the same downgrades: the 7 weeks before as the history, this week recent.
        #expect(text.contains("  5 downgrades, all listed by\n    mailtls report downgrades --since 2026-01-24T00:00:00Z "
                              + "--until 2026-03-21T00:00:00Z --recent 7d\n"), "\(text)")
        #expect(text.contains("    mx.stripped.example (client): cleartext encrypted -> clear\n"), "\(text)")
        #expect(text.contains("    … and 1 more\n"), "\(text)")
        #expect(text.contains("mx.badcert.example"), "newly failing verify: \(text)")
    }

    /// The figures are the summary's for the same times: this week's rates, and the 7 weeks before
    /// as one share of their totals.
    @Test func figuresEqualTheSummaries() throws {
        let store = try Self.store()
        let text = try Digest(reporter: store.reporter).render(filter: Self.week)
        let now = try store.summary(Self.week)
        var before = Self.week
        before.since = try TimeBound.parse("2026-01-24")
        before.until = try TimeBound.parse("2026-03-14")
        let earlier = try store.summary(before)
        let rate = try #require(now["outbound"]?["rate"]?.double)
        let deliveries = try #require(now["outbound"]?["deliveries"]?.int)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("outbound encrypted") }, "\(text)")
        #expect(line.contains("\(TableRenderer.percent(rate)) of \(deliveries)"), "\(line)")
        let rateBefore = try #require(earlier["outbound"]?["rate"]?.double)
        #expect(line.contains(TableRenderer.percent(rateBefore)), "\(line) \(earlier)")
        let failures = try #require(text.split(separator: "\n").first { $0.hasPrefix("handshake failures") })
        #expect(failures.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first == "\(now["handshake_failures"]?.int ?? -1)",
                "\(failures)")
    }

    /// Past 40 lines the findings are cut whole, or a heading with some of its list, never a heading
    /// alone; the last line names the sections of what was cut, and the count of lines cut is right.
    @Test func aLongDigestNamesTheSectionsItCut() {
        func finding(_ section: String, _ items: Int) -> Digest.Finding {
            Digest.Finding(lines: ["  \(section):"] + (0..<items).map { "    \(section) \($0)" }, section: section)
        }
        let findings = [finding("weak", 5), finding("verify-failures", 5), finding("downgrades", 6), finding("auth", 5)]
        // Room for all: all, no pointer.
        #expect(Digest.fit(findings, into: 25) == findings.flatMap(\.lines))
        // Room for 15: weak and verify-failures whole (12), 2 of downgrades (heading and one item), the pointer.
        let cut = Digest.fit(findings, into: 15)
        #expect(cut.count == 15)
        #expect(Array(cut.prefix(12)) == (findings[0].lines + findings[1].lines))
        #expect(cut[12] == "  downgrades:" && cut[13] == "    downgrades 0")
        #expect(cut[14] == "(11 more lines: see mailtls report downgrades, mailtls report auth)")
        // Room for 13: no heading alone; downgrades goes whole into the pointer.
        let tight = Digest.fit(findings, into: 13)
        #expect(tight.count == 13 && !tight.contains("  downgrades:"))
        #expect(tight.last == "(13 more lines: see mailtls report downgrades, mailtls report auth)")
    }

    /// A quiet period says so in one line.
    @Test func aQuietPeriodSaysNothingNewOrWorse() throws {
        var h = WatchHistory()
        for d in 1...10 { h.outbound(d, "10:00", peer: "mx.stable.example") }
        let store = try TestStore(h.text)
        let f = ReportFilter(since: try TimeBound.parse("2026-03-10"), until: try TimeBound.parse("2026-03-11"))
        let text = try Digest(reporter: store.reporter).render(filter: f)
        #expect(text.hasSuffix("\nNothing new or worse.\n"), "\(text)")
        #expect(!text.contains("is the ingest running"), "\(text)")
        // A period after the last row (a stopped ingest) is not a quiet one: the digest says so.
        let later = ReportFilter(since: try TimeBound.parse("2026-03-12"), until: try TimeBound.parse("2026-03-13"))
        let stopped = try Digest(reporter: store.reporter).render(filter: later)
        #expect(stopped.contains("\nNothing in this period; the newest row is from 2026-03-10T10:00:"), "\(stopped)")
        #expect(stopped.contains(": is the ingest running?\n"), "\(stopped)")
        // A period before the rows (the ingest runs), and filters nothing matches, say so instead.
        let earlier = ReportFilter(since: try TimeBound.parse("2026-02-01"), until: try TimeBound.parse("2026-02-02"))
        #expect(try Digest(reporter: store.reporter).render(filter: earlier).contains("\nNothing in this period; the store has rows after it.\n"))
        var nosuch = f
        nosuch.host = "nosuch"
        #expect(try Digest(reporter: store.reporter).render(filter: nosuch).contains("\nNo row of the store matches these filters.\n"))
        let empty = try TestStore([])
        #expect(try Digest(reporter: empty.reporter).render(filter: f).contains("\nThe store holds no rows: run mailtls ingest.\n"))
    }

    /// The downgrades command names the store and the filters, on lines a shell continues (`\`) when
    /// it is longer than the width, never cut.
    @Test func theDowngradesCommandListsTheSameRows() throws {
        var reporter = try Self.store().reporter
        reporter.location = "/var/lib/mailtls/mailtls.db"
        var f = Self.week
        f.role = .client
        let text = try Digest(reporter: reporter).render(filter: f)
        // 3 of the 5 downgrades are of outbound peers: what the printed command lists.
        var listed = f
        listed.since = try TimeBound.parse("2026-01-24")
        listed.recent = 7 * 86400
        #expect(try reporter.table(.downgrades, filter: listed).rows.count == 3)
        #expect(text.contains("  3 downgrades, all listed by\n    mailtls report downgrades --db /var/lib/mailtls/mailtls.db "
                              + "--since 2026-01-24T00:00:00Z \\\n       --until 2026-03-21T00:00:00Z --recent 7d --role client\n"), "\(text)")
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 100 && !$0.contains("…d") })
    }
}
