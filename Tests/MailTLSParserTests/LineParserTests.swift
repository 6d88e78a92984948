import Testing
@testable import MailTLSParser

/// Whole lines: envelope + timestamp + sendmail message -> LogRecord.
@Suite("LineParser")
struct LineParserTests {
    @Test("a record carries time, lowercased host, pid, queue id and origin")
    func recordFields() throws {
        var p = LineParser(resolver: TimestampResolver(year: 2013, timeZone: utcZone))
        let line = "Nov 12 13:01:25 B.Mail.Sonic.NET sm-mta[24670]: qACL1HdZ024655: to=<augie@corp.sonic.net>, delay=00:00:08, xdelay=00:00:01, mailer=esmtp, pri=1322505, relay=aspmx.l.google.com. [173.194.79.26], dsn=2.0.0, stat=Sent (OK 1352754085 j9si11007854paw.67)"
        let out = ByteSpan.with(line) { p.parse($0, origin: LineOrigin(source: 3, offset: 4096)) }
        let r = try #require(out.record)
        #expect(r.time == utc(2013, 11, 12, 13, 1, 25))
        #expect(r.host == "b.mail.sonic.net")
        #expect(r.pid == 24670)
        #expect(r.queueID == "qACL1HdZ024655")
        #expect(r.origin == LineOrigin(source: 3, offset: 4096))
        #expect(r.event.asDelivery?.relay?.ip == "173.194.79.26")
    }

    @Test("a line without timestamp gets the reference time; without host an empty host")
    func noTimestamp() throws {
        let resolver = TimestampResolver(referenceTime: utc(2016, 8, 20, 12, 0, 0), timeZone: utcZone)
        let r = try #require(parseLine("sendmail[28450]: STARTTLS=client, relay=mail.example.com.netsolmail.net., version=TLSv1/SSLv3, verify=FAIL, cipher=DHE-RSA-AES256-SHA, bits=256/256", resolver: resolver).record)
        #expect(r.time == utc(2016, 8, 20, 12, 0, 0))
        #expect(r.host == "")
        #expect(r.pid == 28450)
        #expect(r.event.asSession?.relay.peer == "mail.example.com.netsolmail.net")
    }

    @Test("host names are not carried over between lines (host cache)")
    func hostCache() throws {
        var p = LineParser(resolver: TimestampResolver(year: 2026, timeZone: utcZone))
        let msg = "STARTTLS=server, relay=[192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256"
        let lines = [
            "sendmail[1]: " + msg,
            "sendmail[2]: " + msg,
            "Mar  4 10:00:00 mx1 sm-mta[3]: " + msg,
            "Mar  4 10:00:00 mx2 sm-mta[4]: " + msg,
            "Mar  4 10:00:00 MX2 sm-mta[5]: " + msg,
            "sendmail[6]: " + msg,
            "Mar  4 10:00:00 mx1 sm-mta[7]: " + msg,
        ]
        var hosts: [String] = []
        for (i, line) in lines.enumerated() {
            let out = ByteSpan.with(line) { p.parse($0, origin: LineOrigin(source: 1, offset: Int64(i))) }
            hosts.append(try #require(out.record).host)
        }
        #expect(hosts == ["", "", "mx1", "mx2", "mx2", "", "mx1"])
    }

    @Test("FortiMail record goes through with host and no pid")
    func fortiMail() throws {
        let line = "date=2024-03-01 time=18:33:36.601 devname=FM1 device_id=FEVM020000087260 log_id=0003007110 type=event subtype=smtp pri=information session_id=\"13KGXasw007110-13KGXasx007110\" msg=\"STARTTLS=server, relay=o26.p25.mailjet.com [185.189.236.26], version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256\""
        let r = try #require(parseLine(line).record)
        #expect(r.host == "fm1")
        #expect(r.pid == 0)
        #expect(r.time == utc(2024, 3, 1, 18, 33, 36))
        #expect(r.event.asSession?.relay.ip == "185.189.236.26")
    }

    @Test("RFC 5424 STARTTLS line")
    func rfc5424() throws {
        let r = try #require(parseLine("<34>1 2026-11-29T10:00:00.003Z mx1 sm-mta 4242 - - STARTTLS=server, relay=client.example.net [192.0.2.50], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256").record)
        #expect(r.time == utc(2026, 11, 29, 10, 0, 0))
        #expect(r.host == "mx1")
        #expect(r.pid == 4242)
        #expect(r.event.asSession?.version == "TLSv1.3")
    }

    @Test("other programs and other MTAs are skipped", arguments: [
        "May  6 04:34:58 devops-automation-11 postfix/qmgr[29920]: C84CE40879DC: removed",
        "Mar 18 16:22:34 shadow milter-greylist[25940]: whitelisted by {greylist}",
        "Mar  4 10:00:00 mx1 CRON[123]: (root) CMD (run-parts /etc/cron.hourly)",
        "Mar 18 00:59:14 galaxy sendmail[6762]: unable to qualify my own domain name (galaxy) -- using short name",
        "Nov  7 13:52:47 b.mx.sonic.net sm-mta[29841]: qA7LqlqC029841: Milter add: header: X-Sonic-SB-IP-RBLs: IP RBLs sorbs-spam.",
        "Feb 16 23:33:20 smtp1 sm-mta[5133]: s1GNXHYB005133: [190.5.230.178]: possible SMTP attack: command=AUTH, count=5",
    ])
    func skipped(_ line: String) {
        #expect(parseLine(line) == .skipped)
    }

    @Test("a non-empty line without a syslog header is malformed; a blank one skipped")
    func noHeader() {
        #expect(parseLine("this is not a log line").isMalformed)
        #expect(parseLine("") == .skipped)
        #expect(parseLine("   \t ") == .skipped)
    }

    @Test("a recognised line with broken fields is malformed")
    func brokenFields() {
        #expect(parseLine("Mar  4 10:00:00 mx1 sm-mta[1]: STARTTLS=server, relay=[192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384").isMalformed)
    }
}

/// The host cache: a line without a host first (pasted `sendmail[pid]:`), then lines of several hosts
/// in turn, each keeps its own (lowercased) host.
@Test func hostsAreKeptApartWhenTheyAlternate() {
    var p = LineParser(resolver: TimestampResolver(year: 2026, timeZone: utcZone))
    let lines = [
        "sendmail[28450]: STARTTLS=client, relay=a.example., version=TLSv1.2, verify=OK, cipher=AES128-SHA, bits=128/128",
        "Nov 29 10:00:00 MX1 sm-mta[1]: STARTTLS=client, relay=a.example., version=TLSv1.2, verify=OK, cipher=AES128-SHA, bits=128/128",
        "Nov 29 10:00:01 mx2 sm-mta[1]: STARTTLS=client, relay=a.example., version=TLSv1.2, verify=OK, cipher=AES128-SHA, bits=128/128",
        "Nov 29 10:00:02 mx1 sm-mta[1]: STARTTLS=client, relay=a.example., version=TLSv1.2, verify=OK, cipher=AES128-SHA, bits=128/128",
        "sendmail[28451]: STARTTLS=client, relay=a.example., version=TLSv1.2, verify=OK, cipher=AES128-SHA, bits=128/128",
    ]
    let hosts = lines.map { line -> String in
        if case .record(let r) = ByteSpan.with(line, { p.parse($0, origin: LineOrigin(source: 1, offset: 0)) }) { return r.host }
        return "?"
    }
    #expect(hosts == ["", "mx1", "mx2", "mx1", ""])
}
