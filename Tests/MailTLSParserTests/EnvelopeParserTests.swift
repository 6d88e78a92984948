import Testing
@testable import MailTLSParser

/// log-formats.md §1: the syslog envelopes seen in the wild.
@Suite("EnvelopeParser")
struct EnvelopeParserTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Everything up to the message.
        var prefix: String
        var message: String
        var timestamp: SyslogTimestamp
        var host: String
        var tag: String
        var pid: Int32
        var testDescription: String { name }
    }

    static let startTLS =
        "STARTTLS=server, relay=localhost [127.0.0.1], version=TLSv1/SSLv3, verify=NOT, cipher=DHE-RSA-AES256-GCM-SHA384, bits=256/256"

    static let cases: [Case] = [
        Case(name: "BSD, day < 10 padded with a space",
             prefix: "Mar  4 23:20:52 mydomain sm-mta[2564]: ", message: startTLS,
             timestamp: .local(LocalDateTime(year: nil, month: 3, day: 4, hour: 23, minute: 20, second: 52)),
             host: "mydomain", tag: "sm-mta", pid: 2564),
        Case(name: "journald short, zero-padded day",
             prefix: "Apr 09 09:29:47 infraportal.stfc.ac.uk sm-msp-queue[15093]: ",
             message: "STARTTLS=client, relay=csf-mail.rl.ac.uk, version=TLSv1/SSLv3, verify=FAIL, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256",
             timestamp: .local(LocalDateTime(year: nil, month: 4, day: 9, hour: 9, minute: 29, second: 47)),
             host: "infraportal.stfc.ac.uk", tag: "sm-msp-queue", pid: 15093),
        Case(name: "collapsed padding (markdown copy)",
             prefix: "Mar 3 13:16:18 mail sendmail[17209]: ",
             message: "STARTTLS=client, relay=[127.0.0.1], version=TLSv1/SSLv3, verify=FAIL, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256",
             timestamp: .local(LocalDateTime(year: nil, month: 3, day: 3, hour: 13, minute: 16, second: 18)),
             host: "mail", tag: "sendmail", pid: 17209),
        Case(name: "RFC 3339 with microseconds and +00:00",
             prefix: "2017-07-31T19:25:14.229313+00:00 server sm-mta[28695]: ", message: startTLS,
             timestamp: .utc(utc(2017, 7, 31, 19, 25, 14)), host: "server", tag: "sm-mta", pid: 28695),
        Case(name: "RFC 3339 with -07:00 (Proofpoint)",
             prefix: "2024-06-19T05:28:32.533564-07:00 m0000123 sendmail[17416]: ",
             message: "45ABSW12341234: to=<mailive@example.com>, delay=00:00:00, xdelay=00:00:00, mailer=relay, tls_verify=OK, tls_version=TLSv1.2, cipher=ECDHE-RSA-AES256-GCM, pri=121557, relay=test4.example.net. [216.160.83.56], dsn=2.0.0, stat=Sent (Ok: queued)",
             timestamp: .utc(utc(2024, 6, 19, 12, 28, 32)), host: "m0000123", tag: "sendmail", pid: 17416),
        Case(name: "journald short-iso, +hhmm without colon",
             prefix: "2026-03-01T10:00:00+0100 mx1.example.org sm-mta[1234]: ", message: startTLS,
             timestamp: .utc(utc(2026, 3, 1, 9, 0, 0)), host: "mx1.example.org", tag: "sm-mta", pid: 1234),
        Case(name: "journald short-iso-precise, +0530",
             prefix: "2026-03-01T10:00:00.123456+0530 mx1 sm-mta[1234]: ", message: startTLS,
             timestamp: .utc(utc(2026, 3, 1, 4, 30, 0)), host: "mx1", tag: "sm-mta", pid: 1234),
        Case(name: "<PRI> before a BSD timestamp",
             prefix: "<13>Mar  4 23:20:52 mydomain sm-mta[2564]: ", message: startTLS,
             timestamp: .local(LocalDateTime(year: nil, month: 3, day: 4, hour: 23, minute: 20, second: 52)),
             host: "mydomain", tag: "sm-mta", pid: 2564),
        Case(name: "RFC 5424, nil MSGID and SD",
             prefix: "<34>1 2026-11-29T10:00:00.003Z mx1 sm-mta 4242 - - ", message: startTLS,
             timestamp: .utc(utc(2026, 11, 29, 10, 0, 0)), host: "mx1", tag: "sm-mta", pid: 4242),
        Case(name: "RFC 5424 with structured data holding a quoted ]",
             prefix: "<22>1 2026-11-29T10:00:00.003+01:00 mx1.example.org sendmail 4243 ID47 [meta@32473 note=\"a]b\" x=\"1\"] ",
             message: startTLS,
             timestamp: .utc(utc(2026, 11, 29, 9, 0, 0)), host: "mx1.example.org", tag: "sendmail", pid: 4243),
        Case(name: "Solaris [ID n facility.level]",
             prefix: "Jan 2 19:58:51 MTA sm-mta[29534]: [ID 702911 mail.notice] ",
             message: "ruleset=tls_server, arg1=SOFTWARE, relay=MTA, reject=403 4.7.0 TLS handshake failed.",
             timestamp: .local(LocalDateTime(year: nil, month: 1, day: 2, hour: 19, minute: 58, second: 51)),
             host: "MTA", tag: "sm-mta", pid: 29534),
        Case(name: "syslog-ng <facility.level> after the timestamp",
             prefix: "Jun 17 14:37:39 <mail.info> robin sm-mta[2794]: ",
             message: "55HIbcGI002794: from=<root@yourhost.com>, size=108, class=0, nrcpts=0, proto=ESMTP, daemon=MTA-v4, relay=[192.168.1.45]",
             timestamp: .local(LocalDateTime(year: nil, month: 6, day: 17, hour: 14, minute: 37, second: 39)),
             host: "robin", tag: "sm-mta", pid: 2794),
        Case(name: "docker-compose prefix, tag with slashes",
             prefix: "mail_1  | Jul 24 15:58:26 mail postfix/submission/smtpd[1058]: ",
             message: "connect from unknown[172.18.0.1]",
             timestamp: .local(LocalDateTime(year: nil, month: 7, day: 24, hour: 15, minute: 58, second: 26)),
             host: "mail", tag: "postfix/submission/smtpd", pid: 1058),
        Case(name: "pasted from tag[pid]: (no timestamp, no host)",
             prefix: "sendmail[28450]: ",
             message: "STARTTLS=client, relay=mail.example.com.netsolmail.net., version=TLSv1/SSLv3, verify=FAIL, cipher=DHE-RSA-AES256-SHA, bits=256/256",
             timestamp: .none, host: "", tag: "sendmail", pid: 28450),
        Case(name: "7-digit pid",
             prefix: "Nov  3 03:27:08 servername sendmail[3529565]: ",
             message: "xA32R2PQ3529565: [156.156.156.156] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA",
             timestamp: .local(LocalDateTime(year: nil, month: 11, day: 3, hour: 3, minute: 27, second: 8)),
             host: "servername", tag: "sendmail", pid: 3_529_565),
        Case(name: "-L label sm-acceptingconnections",
             prefix: "Feb 24 12:10:15 kismet sm-acceptingconnections[32053]: ",
             message: "s1OHA28u032053: 211-75-6-133.HINET-IP.hinet.net [211.75.6.133]: possible SMTP attack: command=AUTH, count=6",
             timestamp: .local(LocalDateTime(year: nil, month: 2, day: 24, hour: 12, minute: 10, second: 15)),
             host: "kismet", tag: "sm-acceptingconnections", pid: 32053),
        Case(name: "timestamp but no host field",
             prefix: "Mar  4 23:20:52 sm-mta[2564]: ", message: startTLS,
             timestamp: .local(LocalDateTime(year: nil, month: 3, day: 4, hour: 23, minute: 20, second: 52)),
             host: "", tag: "sm-mta", pid: 2564),
        Case(name: "tag without pid",
             prefix: "Oct 21 22:02:04 server sendmail: ", message: startTLS,
             timestamp: .local(LocalDateTime(year: nil, month: 10, day: 21, hour: 22, minute: 2, second: 4)),
             host: "server", tag: "sendmail", pid: 0),
    ]

    @Test("splits the envelope", arguments: cases)
    func splits(_ c: Case) throws {
        let e = try #require(envelope(c.prefix + c.message))
        #expect(e.timestamp == c.timestamp)
        #expect(e.host == c.host)
        #expect(e.tag == c.tag)
        #expect(e.pid == c.pid)
        #expect(e.message == c.message)
    }

    @Test("RFC 3339 offsets give the UTC instant")
    func offsets() throws {
        // 05:28:32 at -07:00 is 12:28:32Z; 10:00 at +01:00 is 09:00Z; `Z` is taken as is.
        let a = try #require(envelope("2024-06-19T05:28:32-07:00 h sendmail[1]: x"))
        let b = try #require(envelope("2024-06-19T05:28:32.5+01:00 h sendmail[1]: x"))
        let c = try #require(envelope("2024-06-19T05:28:32Z h sendmail[1]: x"))
        #expect(a.timestamp == .utc(utc(2024, 6, 19, 12, 28, 32)))
        #expect(b.timestamp == .utc(utc(2024, 6, 19, 4, 28, 32)))
        #expect(c.timestamp == .utc(utc(2024, 6, 19, 5, 28, 32)))
    }

    @Test("ISO time without an offset is local wall-clock time with its year")
    func isoWithoutOffset() throws {
        let e = try #require(envelope("2024-09-07 01:34:12 mx1 sm-mta[77]: x"))
        #expect(e.timestamp == .local(LocalDateTime(year: 2024, month: 9, day: 7, hour: 1, minute: 34, second: 12)))
        #expect(e.host == "mx1")
        #expect(e.pid == 77)
    }

    @Test("FortiMail key=value record with date=, time= and devname=")
    func fortiMailWithDate() throws {
        let msg = "STARTTLS=server, relay=o26.p25.mailjet.com [185.189.236.26], version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256"
        let line = "date=2024-03-01 time=18:33:36.601 devname=fm1 device_id=FEVM020000087260 log_id=0003007110 type=event subtype=smtp pri=information  user=mail ui=mail action=NONE status=N/A session_id=\"13KGXasw007110-13KGXasx007110\" msg=\"\(msg)\""
        let e = try #require(envelope(line))
        #expect(e.timestamp == .local(LocalDateTime(year: 2024, month: 3, day: 1, hour: 18, minute: 33, second: 36)))
        #expect(e.host == "fm1")
        #expect(e.tag == "sendmail")
        #expect(e.pid == 0)
        #expect(e.message == msg)
    }

    @Test("FortiMail record without date= has no timestamp; device_id is the host")
    func fortiMailWithoutDate() throws {
        let msg = "to=<contact@example.com>, delay=00:00:06, xdelay=00:00:06, mailer=esmtp, pri=165917, relay= [188.165.36.237], dsn=2.0.0, stat=Sent (Ok: queued as 4T9pxY2qZtz2XPBPX)"
        let line = "time=18:33:35.615 device_id=xcvfg log_id=0003007072 type=event subtype=smtp pri=information  user=mail ui=mail action=NONE status=N/A session_id=\"13KGXMHI007058-13KGXMHK007058\" msg=\"\(msg)\""
        let e = try #require(envelope(line))
        #expect(e.timestamp == .none)
        #expect(e.host == "xcvfg")
        #expect(e.message == msg)
    }

    @Test("lines that are not syslog give nil", arguments: [
        "",
        "hello world",
        "Mar  4 23:20:52 mydomain",
        "Mar  4 23:20:52 mydomain sm-mta[2564",
        "Mar  4 23:20:52 mydomain sm-mta[2564] no colon here",
        "<34>1 2026-11-29T10:00:00Z mx1",
        "<34>1 yesterday mx1 sm-mta 1 - - STARTTLS=server, relay=x",
        "time=18:33:35.615 device_id=xcvfg log_id=1 type=event without a message",
    ])
    func garbage(_ line: String) {
        #expect(envelope(line) == nil)
    }

    @Test("docker-compose prefix whose service name starts like a month")
    func dockerPrefixMonthLikeName() throws {
        // `mail_1` works; a service called `marvin` (or `decoy`, `junction`, …) starts with a month
        // abbreviation and must still be recognised as a `name  | ` prefix.
        let line = "marvin_1  | Mar  4 23:20:52 mydomain sm-mta[2564]: " + Self.startTLS
        let e = envelope(line)
        #expect(e?.host == "mydomain")
        #expect(e?.tag == "sm-mta")
        #expect(e?.pid == 2564)
        #expect(e?.message == Self.startTLS)
    }
}
