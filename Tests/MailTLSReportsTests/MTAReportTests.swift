import Foundation
import MailTLSParser
import MailTLSReports
import MailTLSStore
import MailTLSTestSupport
import Testing

/// A store holding the rows of sendmail, Postfix and Exim, written as the parsers will write them
/// (records with `mta` set, through the real `StoreWriter` and its rollups, into a SQLite file): the
/// parsers of issue 14 are built beside the reports, so these records stand for their output.
///
/// 2026-03-02 (and one Postfix session on 03-03), UTC:
/// - sendmail: an inbound TLSv1.3 session and its ESMTPS message, a message in clear, AUTH PLAIN in
///   clear, an outbound TLSv1.2 session (verify FAIL) and its delivery.
/// - postfix: an inbound session (Verified → OK) and its message; a message encrypted by the
///   `disconnect … starttls=1` counters with no TLS line; a message in clear; AUTH LOGIN over TLS by the
///   counters, AUTH PLAIN in clear (one row per message); a delivery encrypted by `tls=may` with no TLS
///   line, a delivery over an outbound session (on 03-03), a deferral; an SSL_accept failure.
/// - exim: an inbound GnuTLS session with an ARCFOUR cipher (weak) and its esmtps message, AUTH
///   dovecot_plain in clear and its esmtpa message, an outbound session and its delivery, a loopback message (left out).
final class MixedStore {
    let dir: TempDir
    let path: String
    let reporter: Reporter

    static let day: Int64 = 1_772_409_600  // 2026-03-02T00:00:00Z
    static let origin = LineOrigin(source: 1, offset: 0)

    /// The store with every record above, or only those of `only` (then its rollups hold only them too).
    init(only: MTA? = nil) throws {
        dir = try TempDir()
        path = dir.path("mixed.db")
        let store = try Store(path: path)
        try store.database.execute("INSERT INTO sources(id, path) VALUES (1, 'mixed.log')")
        let writer = try StoreWriter(store: store)
        try writer.begin()
        for r in Self.records() where only == nil || r.mta == only { try writer.write(r) }
        try writer.flush()
        try writer.rollups.flush(into: store.database)
        try writer.commit()
        reporter = Reporter(store: store)
    }

    func summary(_ filter: ReportFilter = ReportFilter()) throws -> JSONValue { try reporter.summary(filter: filter) }

    static func relay(_ name: String?, _ ip: String?) -> Relay { Relay(raw: "\(name ?? "") [\(ip ?? "")]", name: name, ip: ip) }

    static func record(_ mta: MTA, _ seconds: Int64, _ event: LogEvent, id: Int64 = 0, session: Int64? = nil,
                       qid: String? = nil, host: String = "mx1") -> LogRecord {
        LogRecord(time: day + seconds, host: host, pid: 100, queueID: qid, origin: origin, event: event, id: id,
                  sessionID: session, mta: mta)
    }

    static func session(_ role: Role, _ peer: Relay, _ version: String, _ verify: String, _ cipher: String, bits: Int,
                        versionLogged: String? = nil, verifyLogged: String? = nil) -> LogEvent {
        .tlsSession(TLSSession(role: role, relay: peer, version: version, verify: verify, cipher: cipher, algBits: bits,
                               cipherBits: bits, versionLogged: versionLogged, verifyLogged: verifyLogged))
    }

    static func message(_ proto: String?, _ peer: Relay, overTLS: Bool? = nil) -> LogEvent {
        .message(InboundMessage(sender: "<s@example.org>", size: 100, nrcpts: 1, messageID: nil, proto: proto, daemon: nil,
                                relay: peer, overTLS: overTLS))
    }

    static func delivery(_ mailer: String, _ peer: Relay, _ status: Delivery.Status = .sent, tls: String? = nil,
                         overTLS: Bool? = nil) -> LogEvent {
        .delivery(Delivery(recipients: "<r@example.net>", recipientCount: 1, continued: false, mailer: mailer, relay: peer,
                           dsn: "2.0.0", status: status, statusText: status == .sent ? "sent (250 ok)" : "deferred",
                           delay: nil, xdelay: nil, tlsFeature: tls, overTLS: overTLS))
    }

    static func auth(_ peer: Relay, _ mech: String, overTLS: Bool? = nil) -> LogEvent {
        .auth(AuthEvent(role: .server, success: true, relay: peer, authid: "user@example.org", mechanism: mech, bits: nil,
                        overTLS: overTLS))
    }

    static func records() -> [LogRecord] {
        let a = relay("a.example", "192.0.2.1"), b = relay("b.example", "192.0.2.2"), c = relay("c.example", "198.51.100.3")
        let p = relay("mail.p.example", "203.0.113.5"), q = relay("mx.q.example", "203.0.113.9")
        let e = relay("e.example", "192.0.2.50"), f = relay("out.f.example", "198.51.100.60")
        let local = relay("localhost", "127.0.0.1")
        return [
            // sendmail
            record(.sendmail, 36_000, session(.server, a, "TLSv1.3", "OK", "TLS_AES_256_GCM_SHA384", bits: 256), id: 1),
            record(.sendmail, 36_001, message("ESMTPS", a), session: 1, qid: "S1"),
            record(.sendmail, 36_002, message("ESMTP", b), qid: "S2"),
            record(.sendmail, 36_003, auth(b, "PLAIN")),
            record(.sendmail, 36_010, session(.client, c, "TLSv1.2", "FAIL", "ECDHE-RSA-AES256-GCM-SHA384", bits: 256), id: 2),
            record(.sendmail, 36_011, delivery("esmtp", c), id: 1, session: 2, qid: "S1"),
            // postfix
            record(.postfix, 37_000, session(.server, p, "TLSv1.2", "OK", "ECDHE-RSA-AES128-GCM-SHA256", bits: 128,
                                             verifyLogged: "Verified"), id: 3),
            record(.postfix, 37_001, message("SMTP", p), session: 3, qid: "P1"),
            record(.postfix, 37_002, auth(p, "LOGIN", overTLS: true), qid: "P2"),
            record(.postfix, 37_003, message("SMTP", p, overTLS: true), qid: "P2"),
            record(.postfix, 37_004, auth(b, "PLAIN", overTLS: false), qid: "P3"),
            record(.postfix, 37_005, message("SMTP", b, overTLS: false), qid: "P3"),
            record(.postfix, 37_010, delivery("smtp", q, tls: "may", overTLS: true), id: 2, qid: "P1"),
            record(.postfix, 37_011, delivery("smtp", q, .deferred), id: 3, qid: "P2"),
            record(.postfix, 37_020, .failure(TLSFailure(kind: .acceptFailed, role: .server, relay: relay("r.example", "192.0.2.99"),
                                                           reason: "SSL_accept error")), id: 1),
            record(.postfix, 86_400 + 3_600, session(.client, q, "TLSv1.3", "NO", "TLS_AES_128_GCM_SHA256", bits: 128,
                                                     verifyLogged: "Anonymous"), id: 4),
            record(.postfix, 86_400 + 3_601, delivery("smtp", q), id: 4, session: 4, qid: "P3"),
            // exim
            record(.exim, 38_000, session(.server, e, "TLS1.2", "NO", "RSA_ARCFOUR_SHA1", bits: 128, verifyLogged: "CV=no"),
                   id: 5),
            record(.exim, 38_000, message("esmtps", e), session: 5, qid: "1a2B3c-000001-AB"),
            record(.exim, 38_001, auth(b, "dovecot_plain", overTLS: false), qid: "1a2B3c-000002-AB"),
            record(.exim, 38_002, message("esmtpa", b), qid: "1a2B3c-000002-AB"),
            record(.exim, 38_003, message("esmtp", local), qid: "1a2B3c-000003-AB"),
            record(.exim, 38_010, session(.client, f, "TLSv1.3", "OK", "TLS_AES_256_GCM_SHA384", bits: 256,
                                          verifyLogged: "CV=yes"), id: 6),
            record(.exim, 38_010, delivery("remote_smtp", f), id: 5, session: 6, qid: "1a2B3c-000001-AB"),
        ]
    }
}

/// The report side of issue 14: `--mta`, per-MTA figures, the encryption, weak and AUTH definitions
/// for every MTA, and the note on Postfix mail encrypted without a TLS line.
@Suite struct MTAReportTests {
    static func int(_ doc: JSONValue, _ path: String) -> Int64? {
        path.split(separator: ".").reduce(Optional(doc)) { $0?[String($1)] }?.int
    }

    static func double(_ doc: JSONValue, _ path: String) -> Double? {
        path.split(separator: ".").reduce(Optional(doc)) { $0?[String($1)] }?.double
    }

    @Test func theSummaryShowsEachMTAWhenTheStoreHoldsSeveral() throws {
        let store = try MixedStore()
        let doc = try store.summary()
        // Overall (read from the rollups).
        #expect(Self.int(doc, "sessions.total") == 6)
        #expect(Self.int(doc, "inbound.messages") == 7)
        #expect(Self.int(doc, "inbound.encrypted") == 4)
        #expect(Self.int(doc, "outbound.deliveries") == 4)
        #expect(Self.int(doc, "outbound.encrypted") == 4)
        #expect(Self.int(doc, "auth.total") == 4)
        #expect(Self.int(doc, "auth.over_tls") == 1)
        #expect(Self.int(doc, "auth.plaintext_password") == 3)
        #expect(Self.int(doc, "weak_sessions") == 1)
        #expect(Self.int(doc, "handshake_failures") == 1)
        let check = try store.reporter.query("check").records.first ?? [:]
        #expect(check["weak_sessions"]?.int == 1 && check["plaintext_auth"]?.int == 3 && check["outbound_encrypted"]?.int == 4)
        // Per MTA (read from the rows), in MTA code order.
        guard case .object(let byMTA)? = doc["by_mta"] else { Issue.record("no by_mta in \(doc.compactText)"); return }
        #expect(byMTA.map(\.key) == ["sendmail", "postfix", "exim"])
        let expected: [String: [String: Int64]] = [
            "sendmail": ["sessions.total": 2, "sessions.by_role.server": 1, "sessions.by_role.client": 1,
                         "inbound.messages": 2, "inbound.encrypted": 1, "outbound.deliveries": 1, "outbound.encrypted": 1,
                         "weak_sessions": 0, "auth.total": 1, "auth.over_tls": 0, "auth.plaintext_password": 1,
                         "handshake_failures": 0],
            "postfix": ["sessions.total": 2, "sessions.by_role.server": 1, "sessions.by_role.client": 1,
                        "inbound.messages": 3, "inbound.encrypted": 2, "outbound.deliveries": 2, "outbound.encrypted": 2,
                        "weak_sessions": 0, "auth.total": 2, "auth.over_tls": 1, "auth.plaintext_password": 1,
                        "handshake_failures": 1],
            "exim": ["sessions.total": 2, "sessions.by_role.server": 1, "sessions.by_role.client": 1,
                     "inbound.messages": 2, "inbound.encrypted": 1, "outbound.deliveries": 1, "outbound.encrypted": 1,
                     "weak_sessions": 1, "auth.total": 1, "auth.over_tls": 0, "auth.plaintext_password": 1,
                     "handshake_failures": 0],
        ]
        for (mta, figures) in expected {
            for (path, value) in figures {
                #expect(Self.int(doc, "by_mta.\(mta).\(path)") == value, "\(mta) \(path)")
            }
        }
        #expect(Self.double(doc, "by_mta.postfix.inbound.rate") == 0.6667)
        #expect(Self.double(doc, "by_mta.sendmail.verify_ok_share.client") == 0)
        #expect(Self.double(doc, "by_mta.postfix.verify_ok_share.server") == 1)
        #expect(Self.double(doc, "by_mta.exim.verify_ok_share.client") == 1)
        // The MTAs add up to the whole.
        for path in ["sessions.total", "inbound.messages", "inbound.encrypted", "outbound.deliveries", "outbound.encrypted",
                     "weak_sessions", "auth.total", "auth.over_tls", "auth.plaintext_password", "handshake_failures"] {
            let sum = expected.keys.reduce(Int64(0)) { $0 + (Self.int(doc, "by_mta.\($1).\(path)") ?? 0) }
            #expect(sum == Self.int(doc, path), "\(path)")
        }
    }

    /// `prune` deletes rows and keeps the rollups: the summary still counts the pruned days, but no
    /// MTA's rows hold them, so sendmail's per-MTA figures (the summary's less the other MTAs') leave
    /// those days out as the others do, and equal what `--mta sendmail` says.
    @Test func afterPruneEachMTAsFiguresAreItsKeptRows() throws {
        let store = try MixedStore()
        _ = try Store(path: store.path).prune(before: MixedStore.day + 86_400)   // all but Postfix's 03-03 rows
        let doc = try store.summary()
        #expect(Self.int(doc, "sessions.total") == 6, "the rollups keep the pruned day")
        var onlySendmail = ReportFilter(), onlyPostfix = ReportFilter()
        onlySendmail.mta = "sendmail"
        onlyPostfix.mta = "postfix"
        let sendmail = try store.summary(onlySendmail)
        #expect(Self.int(sendmail, "sessions.total") == 0)
        // Only Postfix has rows left: no per-MTA table (before, sendmail's column claimed the pruned day).
        #expect(doc["by_mta"] == nil, "\(doc["by_mta"]?.compactText ?? "")")
        let postfix = try store.summary(onlyPostfix)
        #expect(Self.int(postfix, "sessions.total") == 1 && Self.int(postfix, "outbound.deliveries") == 1)
    }

    /// When the totals count days whose rows prune removed and the per-MTA figures are shown, a note
    /// says that those figures leave the days out (they come from the rows, the totals from the rollups).
    @Test func aNoteSaysWhenThePerMTAFiguresLeavePrunedDaysOut() throws {
        let store = try MixedStore()
        let s = try Store(path: store.path)
        let writer = try StoreWriter(store: s)
        try writer.begin()
        let a = MixedStore.relay("a.example", "192.0.2.1")
        try writer.write(MixedStore.record(.sendmail, -3_600, MixedStore.session(.server, a, "TLSv1.3", "OK", "TLS_AES_256_GCM_SHA384", bits: 256), id: 7))
        try writer.flush()
        try writer.rollups.flush(into: s.database)
        try writer.commit()
        let before = try store.summary()
        let beforeNotes = before["notes"]?.compactText ?? ""
        #expect(!beforeNotes.contains("per MTA"), "nothing pruned yet: \(beforeNotes)")
        _ = try s.prune(before: MixedStore.day)   // 2026-03-01 goes: one sendmail session
        let doc = try store.summary()
        #expect(Self.int(doc, "sessions.total") == Self.int(before, "sessions.total"), "the rollups keep the day")
        #expect(doc["by_mta"] != nil)
        let notes = doc["notes"]?.compactText ?? ""
        #expect(notes.contains("per MTA: the figures leave out the days before 2026-03-02, whose rows prune removed"), "\(notes)")
    }

    @Test func oneMTAInTheStoreOrTheFilterGivesNoPerMTAFigures() throws {
        let store = try MixedStore(only: .exim)
        let doc = try store.summary()
        #expect(doc["by_mta"] == nil)
        #expect(doc["notes"] == nil)
        #expect(Self.int(doc, "sessions.total") == 2)
        let mixed = try MixedStore()
        var f = ReportFilter()
        f.mta = "exim"
        #expect(try mixed.summary(f)["by_mta"] == nil)
        // A period with the mail of one MTA only (03-03: Postfix).
        f = ReportFilter(since: Date(timeIntervalSince1970: Double(MixedStore.day + 86_400)))
        let later = try mixed.summary(f)
        #expect(later["by_mta"] == nil)
        #expect(Self.int(later, "outbound.deliveries") == 1)
    }

    /// `--mta X` on the whole store answers what the store of X's rows alone answers without a filter:
    /// the latter reads the rollups (which have no mta column), the former must read the rows.
    @Test(arguments: ["postfix", "exim", "sendmail"])
    func theMTAFilterEqualsAStoreOfThatMTAAlone(mta: String) throws {
        let mixed = try MixedStore()
        let alone = try MixedStore(only: MTARegistry.mta(named: mta)!)
        let windows: [(Date?, Date?)] = [
            (nil, nil),
            (Date(timeIntervalSince1970: Double(MixedStore.day)), Date(timeIntervalSince1970: Double(MixedStore.day + 86_400))),
            (Date(timeIntervalSince1970: Double(MixedStore.day)), nil),
        ]
        for (since, until) in windows {
            var filtered = ReportFilter(since: since, until: until)
            filtered.mta = mta
            let plain = ReportFilter(since: since, until: until)
            #expect(try mixed.summary(filtered) == alone.summary(plain), "summary \(mta) \(String(describing: since))")
            for section in ReportSection.all where section.shape == .table {
                var f = filtered, g = plain
                if section.options.contains(.recent) { f.recent = ReportFilter.defaultRecent; g.recent = f.recent }
                if section.options.contains(.min) { f.minSessions = 1; g.minSessions = 1 }
                let a = try mixed.reporter.table(section, filter: f), b = try alone.reporter.table(section, filter: g)
                #expect(a == b, "\(section.name) --mta \(mta) \(String(describing: since))")
            }
            for by in [ReportFilter.Grouping.day, .host, .hour] {
                var f = filtered, g = plain
                f.by = by
                g.by = by
                #expect(try mixed.reporter.table(.rates, filter: f) == alone.reporter.table(.rates, filter: g), "rates --by \(by)")
            }
            for name in ["check", "html/versions-by-day"] {
                #expect(try mixed.reporter.query(name, filter: filtered) == alone.reporter.query(name, filter: plain),
                        "\(name) --mta \(mta)")
            }
            for table in ExportTable.allCases {
                var a: [String] = [], b: [String] = []
                try mixed.reporter.export(table, filter: filtered, format: .csv) { a.append($0) }
                try alone.reporter.export(table, filter: plain, format: .csv) { b.append($0) }
                // Row ids and message ids differ between the two stores: compare the rows' count and MTA.
                #expect(a.count == b.count, "export \(table) --mta \(mta)")
            }
        }
    }

    /// Every query honours `--mta` and says so in its header: a query that ignored it would count
    /// every MTA's rows under `--mta postfix` without a word.
    @Test func everyQueryReadsAndDocumentsTheMTAFilter() throws {
        let store = try MixedStore(only: .sendmail)
        for (name, text) in try QueryFileTests.sqliteFiles() {
            let statement = try store.reporter.store!.database.prepare(text)
            #expect(statement.parameterNames.contains(":mta"), "Queries/\(name).sql does not read :mta")
            let header = text.components(separatedBy: "\n").prefix(while: { $0.hasPrefix("--") }).joined(separator: "\n")
            #expect(header.contains("--   :mta "), "Queries/\(name).sql does not document :mta in its parameter list")
        }
    }

    @Test func anUnknownMTAIsAnErrorNamingTheMTAs() throws {
        let store = try MixedStore()
        var f = ReportFilter()
        f.mta = "qmail"
        #expect(throws: ReportError.invalidMTA("qmail")) { try store.reporter.table(.rates, filter: f) }
        #expect(ReportError.invalidMTA("qmail").description == "unknown MTA 'qmail': use sendmail, postfix, exim")
        #expect(try ReportFilter.mtaName("Postfix") == "postfix")
    }

    /// Deliveries and AUTH count as encrypted by their `encrypted` column (a linked session, or what the
    /// log says: Postfix `tls=` and `starttls=1`), in every section that judges them.
    @Test func encryptionWithoutASessionRowCountsEverywhere() throws {
        let store = try MixedStore(only: .postfix)
        let rates = try store.reporter.table(.rates)
        #expect(rates.lines == ["all|3|2|0.6667|2|2|1.0"])
        let peers = try store.reporter.table(.peers)
        #expect(peers.value("encrypted", where: "mx.q.example")?.int == 2)
        let daily = try store.reporter.table(.daily)
        #expect(daily.rows.count == 2)
        #expect(daily.value("outbound_encrypted", where: "2026-03-02")?.int == 1)
        let auth = try store.reporter.table(.auth).records
        let clear = auth.filter { $0["kind"]?.text == "password_in_clear" }
        #expect(clear.map { $0["mech"]?.text } == ["PLAIN"])
        let success = auth.filter { $0["kind"]?.text == "success" && $0["mech"]?.text == "LOGIN" }
        #expect(success.first?["over_tls"]?.int == 1)
        let check = try store.reporter.query("check").records.first ?? [:]
        #expect(check["outbound_encrypted"]?.int == 2)
        #expect(check["plaintext_auth"]?.int == 1)
    }

    @Test func anEximAuthenticatorNamedPlainSendsAPasswordInClear() throws {
        let store = try MixedStore(only: .exim)
        let clear = try store.reporter.table(.auth).records.filter { $0["kind"]?.text == "password_in_clear" }
        #expect(clear.map { $0["mech"]?.text } == ["dovecot_plain"])
        #expect(Self.int(try store.summary(), "auth.plaintext_password") == 1)
    }

    @Test func postfixMailEncryptedWithoutATLSLineIsNoted() throws {
        let store = try MixedStore()
        guard case .array(let notes)? = try store.summary()["notes"] else { Issue.record("no notes"); return }
        let texts = notes.compactMap(\.string)
        #expect(texts.count == 2)
        #expect(texts[0].hasPrefix("postfix: TLS versions and ciphers are unknown for 1 inbound message encrypted"))
        #expect(texts[1].hasPrefix("postfix: TLS versions and ciphers are unknown for 1 outbound delivery encrypted"))
        #expect(texts.allSatisfy { $0.contains("postconf -e smtpd_tls_loglevel=1 smtp_tls_loglevel=1") })
        // Table, digest, HTML and CSV carry them.
        let table = try store.reporter.render(.summary, format: .table, width: 100)
        #expect(table.contains("\nnotes\n- postfix: TLS versions and ciphers are unknown for 1 inbound message"))
        // Wrapped to the width, continuation lines indented; whole with --wide (no width).
        let notesPart = try #require(table.components(separatedBy: "\nnotes\n").last)
        #expect(notesPart.split(separator: "\n").allSatisfy { $0.count <= 100 } && notesPart.contains("\n  "), "\(notesPart)")
        let wide = try store.reporter.render(.summary, format: .table)
        #expect(wide.components(separatedBy: "\nnotes\n").last?.split(separator: "\n").count == 2, "\(wide)")
        let html = try store.reporter.render(.summary, format: .html)
        #expect(html.contains("<p class=\"note\">Note: postfix: TLS versions and ciphers are unknown for 1 outbound delivery"))
        let csv = try store.reporter.render(.summary, format: .csv)
        #expect(csv.contains("notes[0],postfix: TLS versions"))
        let day = Date(timeIntervalSince1970: Double(MixedStore.day))
        let digest = try Digest(reporter: store.reporter).render(filter: ReportFilter(since: day, until: day.addingTimeInterval(86_400)))
        #expect(digest.contains("Note: postfix: TLS versions and ciphers are unknown for 1 inbound"))
        #expect(digest.contains("smtpd_tls_loglevel=1"))
        #expect(digest.split(separator: "\n").allSatisfy { $0.count <= 100 })
        // The sections whose figures are TLS sessions carry them under their table (table and HTML),
        // counted as the summary counts them, for the same filter.
        for section in [ReportSection.versions, .ciphers, .weak] {
            #expect(try store.reporter.notes(section) == texts, "\(section.name)")
            let text = try store.reporter.render(section, format: .table, width: 100)
            #expect(text.contains("\nNote: postfix: TLS versions and ciphers are unknown for 1 inbound message"), "\(text)")
            #expect(try store.reporter.render(section, format: .html).contains("<p class=\"note\">Note: postfix: TLS versions"))
            var inbound = ReportFilter()
            inbound.role = .server
            #expect(try store.reporter.notes(section, filter: inbound) == [texts[0]])
        }
        #expect(try store.reporter.notes(.peers).isEmpty && store.reporter.notes(.rates).isEmpty)
        // A period or filter without such mail has no note.
        var f = ReportFilter()
        f.mta = "exim"
        #expect(try store.summary(f)["notes"] == nil)
        #expect(try store.reporter.notes(.versions, filter: f).isEmpty)
        #expect(try !store.reporter.render(.versions, filter: f, format: .table, width: 100).contains("Note:"))
    }

    @Test func thePerMTATableAndPageShowEachMTA() throws {
        let store = try MixedStore()
        let table = try store.reporter.render(.summary, format: .table, width: 100)
        let lines = table.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "by mta") else { Issue.record("no per-MTA table in\n\(table)"); return }
        #expect(lines[start + 1].hasPrefix("figure"))
        #expect(lines[start + 1].contains("sendmail") && lines[start + 1].contains("postfix") && lines[start + 1].contains("exim"))
        let rate = lines[start...].first { $0.hasPrefix("inbound rate") } ?? ""
        #expect(rate.split(separator: " ").filter { $0.hasSuffix("%") } == ["50.0%", "66.7%", "50.0%"], "\(rate)")
        let html = try store.reporter.render(.summary, format: .html)
        #expect(html.contains("<h2>Per MTA</h2>"))
        // One MTA: neither.
        let alone = try MixedStore(only: .sendmail)
        #expect(!(try alone.reporter.render(.summary, format: .table, width: 100)).contains("by mta"))
        #expect(!(try alone.reporter.render(.summary, format: .html)).contains("Per MTA"))
    }
}
