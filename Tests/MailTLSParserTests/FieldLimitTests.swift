import MailTLSParser
import Testing

/// Values longer than their `FieldLimits` are cut, counted, and the record is kept (docs/parsing-limits.md).
@Suite("Field limits")
struct FieldLimitTests {
    static let hugeName = String(repeating: "a", count: 900_000) + ".Example.NET"

    /// Parses `lines` with one parser and links them; returns the pipeline and the parser's cut count.
    static func run(_ lines: [String]) -> (Pipeline, Int) {
        var p = Pipeline()
        p.feed(lines)
        return (p, p.parser.truncatedFields)
    }

    @Test("a 900 KB relay name is cut to 255 bytes; the address is kept and the message still links")
    func hugeRelayName() throws {
        let relay = "\(Self.hugeName) [198.51.100.7]"
        let (p, cuts) = Self.run([
            "Mar  4 10:00:00 mx1 sm-mta[1]: STARTTLS=server, relay=\(relay), version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256",
            "Mar  4 10:00:01 mx1 sm-mta[1]: u24A00aa000001: from=<a@example.org>, size=10, class=0, nrcpts=1, proto=ESMTPS, daemon=MTA, relay=\(relay)",
        ])
        let s = try #require(p.sessions.first)
        #expect(s.relay.name?.utf8.count == FieldLimits.hostName)
        #expect(s.relay.peer == String(repeating: "a", count: FieldLimits.hostName))
        #expect(s.relay.raw.utf8.count == FieldLimits.relay)
        #expect(s.relay.ip == "198.51.100.7")
        let m = try #require(p.messages.first)
        #expect(m.sessionID == s.id)
        // Per line: the raw value and the name.
        #expect(cuts == 4)
    }

    @Test("each kind of field is cut to its own limit")
    func everyKind() throws {
        let long = String(repeating: "x", count: 10_000)
        let (p, cuts) = Self.run([
            "Mar  4 10:00:00 mx1 sm-mta[1]: u24A00aa000001: from=<\(long)@example.org>, size=10, class=0, nrcpts=1, msgid=<\(long)>, proto=\(long), daemon=MTA, relay=IDENT:\(long)@host.example [IPv6:\(long)]",
            "Mar  4 10:00:01 mx1 sm-mta[1]: u24A00aa000001: to=<\(long)@example.org>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx.example.org [192.0.2.1], dsn=2.0.0, stat=Sent \(long)",
            "Mar  4 10:00:02 mx1 sm-mta[2]: STARTTLS=client, cert-subject=/CN=\(long), cert-issuer=/CN=ca, verifymsg=ok",
        ])
        let m = try #require(p.messages.first)
        #expect(m.sender.utf8.count == FieldLimits.mailAddress)
        #expect(m.messageID?.utf8.count == FieldLimits.messageID)
        #expect(m.proto?.utf8.count == FieldLimits.token)
        #expect(m.relay?.user?.utf8.count == FieldLimits.mailAddress)
        #expect(m.relay?.ip?.utf8.count == FieldLimits.ipAddress)
        #expect(m.relay?.name == "host.example")
        let d = try #require(p.deliveries.first)
        #expect(d.recipients.utf8.count == FieldLimits.recipients)
        #expect(d.statusText.utf8.count == FieldLimits.text)
        #expect(d.status == .sent)
        let c = try #require(p.certificates.first)
        #expect(c.subject?.utf8.count == FieldLimits.text)
        #expect(c.issuer == "/CN=ca")
        // from=: sender, msgid, proto, relay raw, user, ip; to=: recipients, stat; certificate: subject.
        #expect(cuts == 9)
    }

    @Test("the recipient count comes from the whole list, before the cut")
    func recipientCountBeforeCut() throws {
        let list = (0..<500).map { "<user\($0)@example.org>" }.joined(separator: ",")
        let (p, cuts) = Self.run([
            "Mar  4 10:00:00 mx1 sm-mta[1]: u24A00aa000001: to=\(list), delay=00:00:01, mailer=esmtp, pri=1, relay=mx.example.org [192.0.2.1], dsn=2.0.0, stat=Sent (ok)",
        ])
        let d = try #require(p.deliveries.first)
        #expect(d.recipientCount == 500)
        #expect(d.recipients.utf8.count <= FieldLimits.recipients)
        #expect(cuts == 1)
    }

    @Test("a syslog host over 255 bytes is cut and counted")
    func longSyslogHost() throws {
        let host = String(repeating: "h", count: 70_000)
        let (p, cuts) = Self.run([
            "Mar  4 10:00:00 \(host) sm-mta[1]: STARTTLS=server, relay=a.example [192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256",
        ])
        #expect(p.records.first?.host.utf8.count == FieldLimits.hostName)
        #expect(cuts == 1)
    }

    @Test("values within their limits are neither cut nor counted")
    func realValuesUntouched() throws {
        let relay = "mail-" + String(repeating: "x", count: 240) + ".example [IPv6:2001:db8::1]"
        let (p, cuts) = Self.run([
            "Mar  4 10:00:00 mx1 sm-mta[1]: STARTTLS=server, relay=\(relay), version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256",
        ])
        #expect(p.sessions.first?.relay.name?.utf8.count == 253)
        #expect(p.sessions.first?.relay.ip == "2001:db8::1")
        #expect(cuts == 0)
    }

    @Test("a cut never splits a UTF-8 sequence", arguments: [1, 2, 3, 4, 254, 255])
    func cutAtCharacterBoundary(limit: Int) {
        let s = String(repeating: "é€😀", count: 100)   // 2-, 3- and 4-byte sequences
        var cuts = 0
        let cut = ByteSpan.with(s) { FieldLimits.cut($0, limit, &cuts).string }
        #expect(cuts == 1)
        #expect(cut.utf8.count <= limit)
        #expect(cut.utf8.count > limit - 4)
        #expect(!cut.contains("\u{FFFD}"))
        #expect(s.hasPrefix(cut))
    }

    @Test("every limit is above the parser caches' key length, so a cache hit never hides a cut")
    func limitsAboveCacheKeys() {
        for limit in [FieldLimits.hostName, FieldLimits.ipAddress, FieldLimits.relay, FieldLimits.mailAddress,
                      FieldLimits.recipients, FieldLimits.messageID, FieldLimits.text, FieldLimits.token] {
            #expect(limit > 96)
        }
    }
}
