import Foundation
import MailTLSReports
import MailTLSStore
import MailTLSTestSupport
import Testing

/// Mail both ways on 2026-03-02, written to show each rule of `rates --by domain` once.
let domainLog =
    // A delivery to two domains, one of them twice, over verified TLS: once per domain.
    line("09:00:00", 10, "STARTTLS=client, relay=mx.partner.co.uk., version=TLSv1.3, verify=OK, cipher=TLS_AES_256_GCM_SHA384, bits=256/256")
    + line("09:00:01", 10, "622900aa000010: to=<a@Partner.CO.UK.>,<b@partner.co.uk>,<c@other.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=mx.partner.co.uk. [198.51.100.1], dsn=2.0.0, stat=Sent (ok)")
    // In clear; then deferred and local (not counted); then an address without a domain.
    + line("09:01:01", 11, "622901aa000011: to=<d@other.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=mx.other.example. [198.51.100.2], dsn=2.0.0, stat=Sent (ok)")
    + line("09:02:01", 12, "622902aa000012: to=<e@other.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=mx.other.example. [198.51.100.2], dsn=4.0.0, stat=Deferred: Connection timed out with mx.other.example.")
    + line("09:03:01", 13, "622903aa000013: to=<f@other.example>, delay=00:00:01, xdelay=00:00:00, mailer=local, pri=120000, dsn=2.0.0, stat=Sent")
    + line("09:04:00", 14, "STARTTLS=client, relay=mx.other.example., version=TLSv1.2, verify=FAIL, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256")
    + line("09:04:01", 14, "622904aa000014: to=postmaster, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=mx.other.example. [198.51.100.2], dsn=2.0.0, stat=Sent (ok)")
    // Inbound: two hosts of one provider under co.uk, one over TLS; a peer without a name; a
    // github.io peer (a private suffix); a loopback peer (left out).
    + line("10:00:00", 20, "STARTTLS=server, relay=mail-1.out.example.co.uk [192.0.2.1], version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES128-GCM-SHA256, bits=128/128")
    + line("10:00:01", 20, "622A00aa000020: from=<alice@Example.CO.UK>, size=100, class=0, nrcpts=1, msgid=<1@example.co.uk>, proto=ESMTPS, daemon=MTA, relay=mail-1.out.example.co.uk [192.0.2.1]")
    + line("10:01:01", 21, "622A01aa000021: from=<>, size=100, class=0, nrcpts=1, msgid=<2@example.co.uk>, proto=ESMTP, daemon=MTA, relay=mail-2.out.example.co.uk [192.0.2.2]")
    + line("10:02:01", 22, "622A02aa000022: from=<bob@b.github.io>, size=100, class=0, nrcpts=1, msgid=<3@b.github.io>, proto=SMTP, daemon=MTA, relay=[192.0.2.3]")
    + line("10:03:00", 23, "STARTTLS=server, relay=smtp.someone.github.io [192.0.2.4], version=TLSv1.3, verify=OK, cipher=TLS_AES_256_GCM_SHA384, bits=256/256")
    + line("10:03:01", 23, "622A03aa000023: from=root, size=100, class=0, nrcpts=1, msgid=<4@someone.github.io>, proto=ESMTPS, daemon=MTA, relay=smtp.someone.github.io [192.0.2.4]")
    + line("10:04:01", 24, "622A04aa000024: from=<carol@example.co.uk>, size=100, class=0, nrcpts=1, msgid=<5@example.co.uk>, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]")

@Suite struct RatesByDomainTests {
    static func table(_ store: TestStore, _ filter: ReportFilter = ReportFilter()) throws -> ResultTable {
        var f = filter
        f.by = .domain
        return try store.table("rates", f)
    }

    /// Each rule on hand-written lines: recipients per distinct domain, lowercased and without the
    /// trailing dot; `(local)`, `(null sender)`, `(no name)`; peers merged into `example.co.uk`
    /// and `someone.github.io`; verified share among the encrypted.
    @Test func eachRuleOnHandWrittenLines() throws {
        let store = try TestStore(domainLog)
        let t = try Self.table(store)
        #expect(t.columns == ["kind", "domain", "mail", "encrypted", "encrypted_share", "verified", "verified_share", "versions"])
        #expect(t.lines == [
            "recipient|other.example|2|1|0.5|1|1.0|TLSv1.3 1",
            "recipient|(local)|1|1|1.0|0|0.0|TLSv1.2 1",
            "recipient|partner.co.uk|1|1|1.0|1|1.0|TLSv1.3 1",
            "sender|(local)|1|1|1.0|1|1.0|TLSv1.3 1",
            "sender|(null sender)|1|0|0.0|0|-|-",
            "sender|b.github.io|1|0|0.0|0|-|-",
            "sender|example.co.uk|1|1|1.0|0|0.0|TLSv1.2 1",
            "peer|example.co.uk|2|1|0.5|0|0.0|TLSv1.2 1",
            "peer|(no name)|1|0|0.0|0|-|-",
            "peer|someone.github.io|1|1|1.0|1|1.0|TLSv1.3 1",
        ])
        // The query alone (what sqlite3 users get) has the peers by name.
        let raw = try store.reporter.query("rates-by-domain", filter: ReportFilter())
        #expect(raw.lines.filter { $0.hasPrefix("peer|") } == [
            "peer|192.0.2.3|1|0|0.0|0|-|-",
            "peer|mail-1.out.example.co.uk|1|1|1.0|0|0.0|TLSv1.2 1",
            "peer|mail-2.out.example.co.uk|1|0|0.0|0|-|-",
            "peer|smtp.someone.github.io|1|1|1.0|1|1.0|TLSv1.3 1",
        ])
        // Loopback in with --include-local: one more message from example.co.uk, by the peer localhost.
        let local = try Self.table(store, ReportFilter(includeLocal: true))
        #expect(local.lines.contains("sender|example.co.uk|2|1|0.5|0|0.0|TLSv1.2 1"))
        #expect(local.lines.contains("peer|localhost|1|0|0.0|0|-|-"))
    }

    /// Every filter of rates applies: role, peer, host, time, and --limit per kind (after peers are
    /// merged, so a limit of 1 keeps the biggest registered domain).
    @Test func filtersOfRatesApply() throws {
        let store = try TestStore(domainLog)
        let kinds = { (t: ResultTable) in Set(t.column("kind").compactMap(\.text)) }
        #expect(try kinds(Self.table(store, ReportFilter(role: .client))) == ["recipient"])
        #expect(try kinds(Self.table(store, ReportFilter(role: .server))) == ["sender", "peer"])
        #expect(try Self.table(store, ReportFilter(peer: "*.example.co.uk")).lines == [
            "sender|(null sender)|1|0|0.0|0|-|-", "sender|example.co.uk|1|1|1.0|0|0.0|TLSv1.2 1",
            "peer|example.co.uk|2|1|0.5|0|0.0|TLSv1.2 1",
        ])
        #expect(try Self.table(store, ReportFilter(host: "mx2")).rows.isEmpty)
        let f = ReportFilter(since: try TimeBound.parse("2026-03-02T10:00:00Z"), until: try TimeBound.parse("2026-03-02T10:02:00Z"))
        #expect(try Self.table(store, f).lines == [
            "sender|(null sender)|1|0|0.0|0|-|-", "sender|example.co.uk|1|1|1.0|0|0.0|TLSv1.2 1",
            "peer|example.co.uk|2|1|0.5|0|0.0|TLSv1.2 1",
        ])
        #expect(try Self.table(store, ReportFilter(limit: 1)).lines == [
            "recipient|other.example|2|1|0.5|1|1.0|TLSv1.3 1", "sender|(local)|1|1|1.0|1|1.0|TLSv1.3 1",
            "peer|example.co.uk|2|1|0.5|0|0.0|TLSv1.2 1",
        ])
        // --by domain has its own query; the other groupings are untouched.
        #expect(ReportSection.rates.query(for: ReportFilter(by: .domain)) == "rates-by-domain")
        #expect(ReportSection.rates.heading(for: ReportFilter(by: .domain)) == "Encryption rates by domain")
    }

    /// The report equals the figures counted from the view rows, on every sample, on SynthLog's
    /// events and on a generated log full of odd names; the kinds' totals are those of rates.
    @Test(arguments: ["samples", "synthlog", "domainlog"])
    func agreesWithTheRawRows(log: String) throws {
        let store: TestStore
        switch log {
        case "samples": store = try TestStore([], files: ["isp-relay.log", "multihost.log", "outbound.log"].map(sample))
        case "synthlog": store = try TestStore(SynthLog.text(SynthLog.lines(0..<300)))
        default: store = try TestStore(DomainLog.text(sessions: 600))
        }
        let database = store.reporter.store!.database
        for includeLocal in [false, true] {
            let filter = ReportFilter(includeLocal: includeLocal)
            let report = try Self.table(store, filter)
            let truth = try DomainTruth(database, includeLocal: includeLocal)
            #expect(DomainTruth(report: report) == truth, "\(log), include local \(includeLocal):\n\(report.lines.joined(separator: "\n"))\n--- truth:\n\(truth)")
            #expect(truth.kinds["recipient"]?.isEmpty == false && truth.kinds["peer"]?.isEmpty == false, "\(log): no mail both ways")

            // Shares are the counts' and rows come most mail first within each kind.
            for r in report.records {
                let mail = Double(r["mail"]?.int ?? 0), encrypted = Double(r["encrypted"]?.int ?? 0)
                #expect(r["encrypted_share"]?.double == (encrypted / mail * 10_000).rounded() / 10_000)
                let verified = Double(r["verified"]?.int ?? 0)
                #expect(r["verified_share"]?.double == (encrypted == 0 ? nil : (verified / encrypted * 10_000).rounded() / 10_000))
            }
            for kind in ["recipient", "sender", "peer"] {
                let mail = report.records.filter { $0["kind"]?.text == kind }.compactMap { $0["mail"]?.int }
                #expect(mail == mail.sorted(by: >), "\(log): \(kind) rows out of order")
            }

            // Inbound: each message is one sender row and one peer row, so both add up to rates.
            let rates = try store.table("rates", filter).records[0]
            for kind in ["sender", "peer"] {
                let rows = report.records.filter { $0["kind"]?.text == kind }
                #expect(rows.reduce(0) { $0 + ($1["mail"]?.int ?? 0) } == rates["inbound_messages"]?.int, "\(log) \(kind)")
                #expect(rows.reduce(0) { $0 + ($1["encrypted"]?.int ?? 0) } == rates["inbound_encrypted"]?.int, "\(log) \(kind)")
            }
        }
    }

    /// An empty store gives no rows, in every format, not an error.
    @Test func anEmptyStoreGivesNoRows() throws {
        let store = try TestStore([])
        #expect(try Self.table(store).rows.isEmpty)
        let filter = ReportFilter(by: .domain)
        #expect(try store.render("rates", .json, filter) == "[]\n")
        #expect(try store.render("rates", .csv, filter) == "kind,domain,mail,encrypted,encrypted_share,verified,verified_share,versions\r\n")
        #expect(try store.render("rates", .table, filter).hasPrefix("Encryption rates by domain\n"))
        #expect(try store.render("rates", .html, filter).contains("Encryption rates by domain"))
    }

    /// JSON, CSV and HTML carry the same rows as the table; the table fits 100 columns.
    @Test func everyFormatShowsTheSameRows() throws {
        let store = try TestStore(DomainLog.text(sessions: 200))
        let filter = ReportFilter(by: .domain)
        let rows = try Self.table(store)
        let json = try JSONValue(parsing: try store.render("rates", .json, filter))
        guard case .array(let items) = json else { Issue.record("not an array: \(json)"); return }
        #expect(items.count == rows.rows.count)
        #expect(items.first?["kind"]?.string == "recipient" && items.first?["domain"]?.string == rows.rows[0][1].text)
        let csv = try store.render("rates", .csv, filter)
        #expect(csv.hasPrefix("kind,domain,mail,encrypted,encrypted_share,verified,verified_share,versions\r\n"))
        #expect(csv.components(separatedBy: "\r\n").count == rows.rows.count + 2)  // header, rows, "" after the last CRLF
        let html = try store.render("rates", .html, filter)
        #expect(html.contains("Encryption rates by domain") && html.contains("example.co.uk"))
        let table = try store.render("rates", .table, filter)
        #expect(table.hasPrefix("Encryption rates by domain\n"))
        #expect(table.split(separator: "\n").allSatisfy { $0.count <= 100 }, "\(table)")
    }
}
