import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// `mailtls check` as a library call: each figure at, below and above its limit, at the warning and
/// the critical level, and the Nagios output.
@Suite struct WatchCheckTests {
    /// March 10 (the period): 10 inbound messages, 9 encrypted (0.9); 5 outbound deliveries, 4
    /// encrypted (0.8); 13 TLS sessions, 2 weak; 2 AUTH logins, 1 password in clear; 1 downgrade
    /// (mx.partner.example verified on March 1-9 and fails on the 10th).
    static func history() -> String {
        var h = WatchHistory()
        for d in 1...9 { h.outbound(d, "10:00", peer: "mx.partner.example") }
        h.outbound(10, "10:00", peer: "mx.partner.example", verify: "FAIL")
        for i in 1...3 { h.outbound(10, "11:0\(i)", peer: "mx\(i).other.example") }
        h.outbound(10, "12:00", peer: "mx.clear.example", tls: false)
        for i in 1...8 {
            let weak: [(String, String)] = [("TLSv1", "AES128-SHA"), ("TLSv1.2", "RC4-SHA")]
            let (version, cipher) = i <= 2 ? weak[i - 1] : ("TLSv1.3", "TLS_AES_256_GCM_SHA384")
            h.inbound(10, "13:0\(i)", relay: "in\(i).example [192.0.2.\(i)]", version: version, cipher: cipher,
                      bits: "128/128")
        }
        h.login(10, "14:00", relay: "client1.example [198.51.100.1]", mech: "PLAIN", tls: false)
        h.login(10, "14:01", relay: "client2.example [198.51.100.2]", mech: "PLAIN", tls: true)
        return h.text
    }

    static let since = try! TimeBound.parse("2026-03-10")
    static let until = try! TimeBound.parse("2026-03-11")

    static func check(_ store: TestStore, _ thresholds: CheckThresholds = CheckThresholds(),
                      filter: ReportFilter = ReportFilter()) throws -> CheckResult {
        try store.reporter.check(since: since, until: until, filter: filter, thresholds: thresholds)
    }

    @Test func theFiguresOfThePeriod() throws {
        let r = try Self.check(try TestStore(Self.history()))
        #expect(r.status == .ok && r.exitCode == 0)
        let figures = r.measures.map { "\($0.metric.perfLabel) \($0.value.map { String($0) } ?? "-") \($0.count)/\($0.total.map(String.init) ?? "-")" }
        #expect(figures == ["inbound_rate 0.9 9/10", "outbound_rate 0.8 4/5", "weak_sessions 2.0 2/13",
                            "plaintext_auth 1.0 1/2", "downgrades 1.0 1/-", "traffic 28.0 28/-"])
        #expect(rows(r.downgrades, ["peer", "kind", "was", "now", "earlier", "recent", "last_good", "first_bad"]) == [
            "mx.partner.example|verify|OK|FAIL|9|1|2026-03-09T10:00:00Z|2026-03-10T10:00:00Z",
        ])
        #expect(r.statusLine == "MAILTLS OK - inbound 90.0% encrypted, outbound 80.0% encrypted, 2 weak sessions, "
                + "1 plaintext password, 1 downgrade, traffic 28 | inbound_rate=0.9000;;;0;1 inbound_messages=10;;;0; "
                + "outbound_rate=0.8000;;;0;1 outbound_deliveries=5;;;0; weak_sessions=2;;;0; plaintext_auth=1;;;0; "
                + "downgrades=1;;;0; traffic=28;;;0;")
        #expect(r.details == [
            "inbound rate: 90.0% (9 of 10 messages encrypted); no limit: OK",
            "outbound rate: 80.0% (4 of 5 deliveries encrypted); no limit: OK",
            "weak sessions: 2 (of 13 TLS sessions); no limit: OK",
            "plaintext passwords: 1 (of 2 AUTH logins); no limit: OK",
            "downgrades: 1; no limit: OK",
            "traffic: 28 (TLS sessions, inbound messages and outbound deliveries); no limit: OK",
            "  downgrade: mx.partner.example (outbound) verify OK -> FAIL: 0 of 1 recent good, first bad 2026-03-10T10:00:00Z, last good 2026-03-09T10:00:00Z",
            "period: 2026-03-10T00:00:00Z to 2026-03-11T00:00:00Z; downgrades against the 30d before; loopback peers excluded",
        ])
    }

    /// The command printed for the downgrades lists the same rows: the store, the period as the recent
    /// window, the history before it and the filters.
    @Test func theDowngradesCommandCarriesStorePeriodAndFilters() throws {
        var store = try TestStore(Self.history()).reporter
        store.location = "/var/lib/mailtls/my store.db"
        var f = ReportFilter(role: .client, peer: "mx.*")
        f.minHistory = 2
        f.mta = "sendmail"
        let r = try store.check(since: Self.since, until: Self.until, filter: f, thresholds: CheckThresholds())
        #expect(r.downgrades.rows.count == 1)
        #expect(r.downgradesCommand == "mailtls report downgrades --db '/var/lib/mailtls/my store.db' "
                + "--since 2026-02-08T00:00:00Z --until 2026-03-11T00:00:00Z --recent 1d --role client --peer 'mx.*' "
                + "--mta sendmail --min-sessions 2")
        #expect(ReportFilter.shellWord("mx1.example.org") == "mx1.example.org")
        #expect(ReportFilter.shellWord("it's") == "'it'\\''s'")
    }

    /// (metric, limit just inside, at the value, just outside).
    static let limits: [(CheckMetric, Double, Double, Double)] = [
        (.inboundRate, 0.89, 0.9, 0.91),
        (.outboundRate, 0.79, 0.8, 0.81),
        (.weak, 3, 2, 1),
        (.plaintextAuth, 2, 1, 0),
        (.downgrades, 2, 1, 0),
        (.traffic, 27, 28, 29),   // 13 sessions, 10 messages, 5 deliveries
    ]

    @Test(arguments: limits.map(\.0))
    func eachLimitAtBelowAndAbove(metric: CheckMetric) throws {
        let store = try TestStore(Self.history())
        let (_, inside, at, outside) = Self.limits.first { $0.0 == metric }!
        for (limit, bad) in [(inside, false), (at, false), (outside, true)] {
            for level in ["warning", "critical", "both"] {
                var t = CheckThresholds()
                switch level {
                case "warning": t[metric] = CheckLimits(warning: limit)
                case "critical": t[metric] = CheckLimits(critical: limit)
                default: t[metric] = CheckLimits(warning: limit, critical: inside)
                }
                let r = try Self.check(store, t)
                let want: CheckStatus = !bad ? .ok : (level == "critical" ? .critical : .warning)
                #expect(r.status == want, "\(metric) \(level) \(limit): \(r.statusLine)")
                #expect(r.exitCode == want.rawValue)
                #expect(r[metric]?.status == want)
                #expect(r.measures.filter { $0.metric != metric }.allSatisfy { $0.status == .ok })
            }
        }
        // Both levels broken: critical.
        var t = CheckThresholds()
        t[metric] = CheckLimits(warning: outside, critical: outside)
        #expect(try Self.check(store, t).status == .critical)
    }

    @Test func theStatusLineNamesWhatIsWrongCriticalFirst() throws {
        let store = try TestStore(Self.history())
        var t = CheckThresholds()
        t[.inboundRate] = CheckLimits(warning: 0.95, critical: 0.5)
        t[.weak] = CheckLimits(critical: 0)
        t[.downgrades] = CheckLimits(warning: 0)
        t[.plaintextAuth] = CheckLimits(warning: 5, critical: 10)
        let r = try Self.check(store, t)
        #expect(r.status == .critical && r.exitCode == 2)
        #expect(r.statusLine.hasPrefix("MAILTLS CRITICAL - 2 weak sessions > 0, inbound 90.0% encrypted < 95% (warning), "
                                       + "1 downgrade > 0 (warning) | inbound_rate=0.9000;0.95:;0.5:;0;1 "), "\(r.statusLine)")
        #expect(r.perfdata.contains(" weak_sessions=2;;0;0; plaintext_auth=1;5;10;0; downgrades=1;0;;0;"), "\(r.perfdata)")
        #expect(r.details[0] == "inbound rate: 90.0% (9 of 10 messages encrypted); warning below 95%, critical below 50%: WARNING")
        #expect(r.details[2] == "weak sessions: 2 (of 13 TLS sessions); critical above 0: CRITICAL")

        var w = CheckThresholds()
        w[.outboundRate] = CheckLimits(warning: 0.955)
        let warning = try Self.check(store, w)
        #expect(warning.statusLine.hasPrefix("MAILTLS WARNING - outbound 80.0% encrypted < 95.5% | "), "\(warning.statusLine)")
        #expect(warning.exitCode == 1)
        #expect(warning.text.hasSuffix("\n") && warning.text.components(separatedBy: "\n").count == warning.details.count + 2)
    }

    @Test func aRateWithNothingToCountIsNotJudged() throws {
        let store = try TestStore(Self.history())
        var t = CheckThresholds()
        t[.inboundRate] = CheckLimits(critical: 1)
        t[.outboundRate] = CheckLimits(critical: 1)
        // Outbound only: no inbound messages to count.
        let r = try Self.check(store, t, filter: ReportFilter(role: .client))
        #expect(r[.inboundRate]?.value == nil && r[.inboundRate]?.status == .ok)
        #expect(r[.outboundRate]?.status == .critical)
        #expect(r.perfdata.hasPrefix("inbound_rate=U;;1:;0;1 inbound_messages=0;;;0; outbound_rate=0.8000;;1:;0;1 "), "\(r.perfdata)")
        #expect(r.details[0] == "inbound rate: n/a (no messages); critical below 100%: OK")
        #expect(r[.plaintextAuth]?.count == 0, "AUTH=server is inbound")
        // An empty store: every figure is OK.
        let empty = try Self.check(try TestStore([]), t)
        #expect(empty.status == .ok)
        #expect(empty.statusLine.hasPrefix("MAILTLS OK - inbound n/a (no messages), outbound n/a (no deliveries), 0 weak sessions, "))
    }

    @Test func filtersAndTheHistoryApply() throws {
        let store = try TestStore(Self.history())
        #expect(try Self.check(store, filter: ReportFilter(peer: "in1.example"))[.weak]?.count == 1)
        #expect(try Self.check(store, filter: ReportFilter(host: "mx2"))[.inboundRate]?.total == 0)
        // A day of history is enough to see the partner's downgrade (with --min-sessions 1: one earlier
        // session; the default of 3 does not count it); none before the 9th is not.
        var one = ReportFilter()
        one.minHistory = 1
        #expect(try store.reporter.check(since: Self.since, until: Self.until, filter: one, thresholds: CheckThresholds(),
                                         history: 86400)[.downgrades]?.count == 1)
        #expect(try store.reporter.check(since: Self.since, until: Self.until, thresholds: CheckThresholds(),
                                         history: 86400)[.downgrades]?.count == 0)
        #expect(try store.reporter.check(since: Self.since, until: Self.until, thresholds: CheckThresholds(),
                                         history: 36000)[.downgrades]?.count == 0)
    }

    @Test func limitsAreValidated() throws {
        for (metric, value, ok) in [(CheckMetric.inboundRate, 0.0, true), (.inboundRate, 1, true), (.inboundRate, 90, false),
                                    (.outboundRate, -0.1, false), (.weak, 0, true), (.weak, -1, false), (.weak, 1.5, false),
                                    (.downgrades, 10, true)] {
            var t = CheckThresholds()
            t[metric] = CheckLimits(warning: value)
            if ok {
                try t.validate()
            } else {
                #expect(throws: InvalidThreshold.self) { try t.validate() }
            }
        }
        #expect(InvalidThreshold(option: "max-weak", value: -1).description == "--max-weak takes a whole number of 0 or more, not -1")
        #expect(CheckResult.unknown("no store | here") == "MAILTLS UNKNOWN - no store / here\n")
    }

    /// The check counts weak sessions and plaintext passwords with the definitions of issue 6
    /// (`report weak`, `report auth`, the summary): the same numbers on the Samples.
    @Test func weakAndPlaintextCountsMatchTheFindingsReportsOnTheSamples() throws {
        let store = try SampleGoldenTests.store()
        let r = try store.reporter.check(since: try TimeBound.parse("2026-01-01"), until: try TimeBound.parse("2027-01-01"),
                                         thresholds: CheckThresholds())
        // Hand-counted (Samples/README.md): RC4-MD5 on smtp2; ADH, AECDH, RC4-MD5 and SSLv3 3DES on out1.
        #expect(r[.weak]?.count == 5)
        // The truth files' auth.plaintext_password (1 + 0 + 0) and auth.total (7 + 3 + 0).
        #expect(r[.plaintextAuth]?.count == 1 && r[.plaintextAuth]?.total == 10)
        #expect(r[.inboundRate]?.count == 7 + 15 + 9 && r[.inboundRate]?.total == 9 + 15 + 14)
        #expect(r[.outboundRate]?.count == 6 + 11 + 7 && r[.outboundRate]?.total == 8 + 12 + 7)

        if QueryLibrary.names.contains("weak") {
            let weak = try store.table("weak").column("sessions").compactMap(\.int).reduce(0, +)
            #expect(r[.weak]?.count == weak, "report weak")
        }
        if QueryLibrary.names.contains("auth") {
            let auth = try store.table("auth", ReportFilter(role: .server))
            let inClear = zip(auth.column("kind"), auth.column("events")).filter { $0.0.text == "password_in_clear" }
                .compactMap { $0.1.int }.reduce(0, +)
            #expect(r[.plaintextAuth]?.count == inClear, "report auth --role server")
        }
        let summary = try store.summary()
        if let weak = summary["weak_sessions"]?.int { #expect(r[.weak]?.count == weak, "summary weak_sessions") }
        if let plain = summary["auth"]?["plaintext_password"]?.int { #expect(r[.plaintextAuth]?.count == plain, "summary auth") }
        if let total = summary["auth"]?["total"]?.int { #expect(r[.plaintextAuth]?.total == total, "summary auth.total") }
    }
}
