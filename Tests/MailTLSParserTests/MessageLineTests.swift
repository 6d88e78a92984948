import Testing
@testable import MailTLSParser

/// log-formats.md §2.8: `from=` and `to=` lines.
@Suite("from= lines")
struct FromLineTests {
    @Test("8.15+ inbound over TLS: proto=ESMTPS")
    func esmtps() throws {
        let r = parseMessage("u253KqZe002564: from=<alice@example.org>, size=2048, class=0, nrcpts=2, msgid=<abc.123@example.org>, bodytype=8BITMIME, proto=ESMTPS, daemon=MTA, relay=mail.example.org [192.0.2.10]")
        #expect(r.parsedQueueID == "u253KqZe002564")
        let m = try #require(r.parsedEvent?.asMessage)
        #expect(m.sender == "<alice@example.org>")
        #expect(m.size == 2048)
        #expect(m.nrcpts == 2)
        #expect(m.messageID == "<abc.123@example.org>")
        #expect(m.proto == "ESMTPS")
        #expect(m.daemon == "MTA")
        #expect(m.relay?.name == "mail.example.org")
        #expect(m.relay?.ip == "192.0.2.10")
        #expect(m.loggedTLS == nil)
        #expect(m.auth == nil)
    }

    @Test("ESMTPSA with an IPv6 literal relay")
    func esmtpsa() throws {
        let m = try #require(parseMessage("u253KqZe002565: from=<bob@example.org>, size=10, class=0, nrcpts=1, msgid=<x@y>, proto=ESMTPSA, daemon=MSA-v6, relay=[IPv6:2001:db8::77]").parsedEvent?.asMessage)
        #expect(m.proto == "ESMTPSA")
        #expect(m.daemon == "MSA-v6")
        #expect(m.relay?.ip == "2001:db8::77")
        #expect(m.relay?.name == nil)
    }

    @Test("command-line submission: no proto, class=-60, relay=root@localhost")
    func commandLine() throws {
        let m = try #require(parseMessage("64653CTR048104: from=root, size=12362438, class=-60, nrcpts=1, msgid=<202605060503.64653CTR048104@devops-automation-11.snta006.ie1vcn013205o2.oraclevcn.com>, relay=root@localhost").parsedEvent?.asMessage)
        #expect(m.sender == "root")
        #expect(m.size == 12_362_438)
        #expect(m.nrcpts == 1)
        #expect(m.proto == nil)
        #expect(m.daemon == nil)
        #expect(m.relay?.user == "root")
        #expect(m.relay?.name == "localhost")
        #expect(m.relay?.ip == nil)
        #expect(m.relay?.isLoopback == true)
    }

    @Test("Proofpoint LOG_MORE fields: tls_verify, tls_version, cipher, auth")
    func logMoreNone() throws {
        let m = try #require(parseMessage("45ABSW12341234: from=<mailive@example.com>, size=1557, class=0, nrcpts=1, msgid=<20240619122832.1234@example.com>, proto=ESMTP, daemon=MTA, tls_verify=NONE, tls_version=NONE, cipher=NONE, auth=NONE, relay=m0000123.ppops.net [127.0.0.1]").parsedEvent?.asMessage)
        #expect(m.loggedTLS == LoggedTLS(verify: "NONE", version: "NONE", cipher: "NONE"))
        #expect(m.auth == "NONE")
        #expect(m.proto == "ESMTP")
        #expect(m.relay?.name == "m0000123.ppops.net")
    }

    @Test("LOG_MORE with a real session: cipher cut at 20 characters is kept as logged")
    func logMoreTLS() throws {
        let m = try #require(parseMessage("45ABSW12341235: from=<a@example.com>, size=99, class=0, nrcpts=1, proto=ESMTPSA, daemon=MTA, tls_verify=OK, tls_version=TLSv1.3, cipher=TLS_AES_256_GCM_SHA3, auth=PLAIN, relay=client.example.com [198.51.100.3]").parsedEvent?.asMessage)
        #expect(m.loggedTLS?.verify == "OK")
        #expect(m.loggedTLS?.version == "TLSv1.3")
        #expect(m.loggedTLS?.cipher == "TLS_AES_256_GCM_SHA3")
        #expect(m.auth == "PLAIN")
        #expect(m.relay?.ip == "198.51.100.3")
    }

    @Test("odd senders: <> and [M0645134]<jah@insatech.com>", arguments: [
        ("from=<>, size=3000, class=0, nrcpts=1, msgid=<b@x>, proto=ESMTP, daemon=MTA, relay=mx.example.net [192.0.2.5]", "<>"),
        ("from=[M0645134]<jah@insatech.com>, size=70285, class=0, nrcpts=1, msgid=<200806231109.m5NB9PFP023902@hugin.insatech.com>, bodytype=8BITMIME, relay=mera@localhost", "[M0645134]<jah@insatech.com>"),
    ])
    func oddSenders(_ message: String, _ sender: String) throws {
        let m = try #require(parseMessage(message).parsedEvent?.asMessage)
        #expect(m.sender == sender)
    }

    @Test("trailing space (forum copy) does not leak into the relay")
    func trailingSpace() throws {
        let m = try #require(parseMessage("p6E7xGt3019537: from=user@domain-a.com, size=491, class=0, nrcpts=1, msgid=<1310630356.19535@domain-a.com>, relay=loggedinuser@localhost ").parsedEvent?.asMessage)
        #expect(m.relay?.raw == "loggedinuser@localhost")
        #expect(m.relay?.user == "loggedinuser")
    }

    @Test("a from= line with neither size= nor relay= is malformed")
    func malformed() {
        #expect(parseMessage("u253KqZe002564: from=<alice@example.org>, class=0").isMalformed)
    }
}

@Suite("to= lines")
struct ToLineTests {
    @Test("several recipients, esmtp, shortened stat text kept whole")
    func multipleRecipients() throws {
        let r = parseMessage("qADMh0cd016570: to=<augie@corp.sonic.net>,<augie@sonic.net>,<augie@schwer.us>, delay=00:09:09, xdelay=00:00:09, mailer=esmtp, pri=4437228, relay=ign-com.mail.eo.outlook.com. [216.32.180.22], dsn=2.0.0, stat=Sent (<00b601cdc1f0$4d506a80$e7f13f80$@com> [InternalId=14475985] Queued mail for delivery)")
        #expect(r.parsedQueueID == "qADMh0cd016570")
        let d = try #require(r.parsedEvent?.asDelivery)
        #expect(d.recipients == "<augie@corp.sonic.net>,<augie@sonic.net>,<augie@schwer.us>")
        #expect(d.recipientCount == 3)
        #expect(!d.continued)
        #expect(d.delay == "00:09:09")
        #expect(d.xdelay == "00:00:09")
        #expect(d.mailer == "esmtp")
        #expect(d.relay?.name == "ign-com.mail.eo.outlook.com.")
        #expect(d.relay?.ip == "216.32.180.22")
        #expect(d.dsn == "2.0.0")
        #expect(d.status == .sent)
        #expect(d.statusText == "Sent (<00b601cdc1f0$4d506a80$e7f13f80$@com> [InternalId=14475985] Queued mail for delivery)")
        #expect(d.loggedTLS == nil)
    }

    @Test("recipient counts", arguments: [
        ("to=Vasya <unixappdev@gmail.com>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=gmail-smtp-in.l.google.com. [64.233.161.27], dsn=2.0.0, stat=Sent (OK)", "Vasya <unixappdev@gmail.com>", 1),
        ("to=\"Doe, John\" <john@example.org>,<jane@example.org>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx.example.org. [192.0.2.25], dsn=2.0.0, stat=Sent (OK)", "\"Doe, John\" <john@example.org>,<jane@example.org>", 2),
        ("to=<a@x.example>,<b@x.example>,<c@x.example>,<d@x.example>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx.x.example. [192.0.2.26], dsn=2.0.0, stat=Sent (OK)", "<a@x.example>,<b@x.example>,<c@x.example>,<d@x.example>", 4),
        ("to=ionagamed@gmail.com, ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=30396, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent (x89Bx1iP007421 Message accepted for delivery)", "ionagamed@gmail.com", 1),
    ])
    func recipients(_ message: String, _ recipients: String, _ count: Int) throws {
        let d = try #require(parseMessage(message).parsedEvent?.asDelivery)
        #expect(d.recipients == recipients)
        #expect(d.recipientCount == count)
    }

    @Test("ctladdr and relay=[127.0.0.1] [127.0.0.1] (MSP -> MTA)")
    func mspRelay() throws {
        let d = try #require(parseMessage("x89Bx1VC007420: to=ionagamed@gmail.com, ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=30396, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent (x89Bx1iP007421 Message accepted for delivery)").parsedEvent?.asDelivery)
        #expect(d.mailer == "relay")
        #expect(d.relay?.name == nil)
        #expect(d.relay?.ip == "127.0.0.1")
        #expect(d.relay?.isLoopback == true)
        #expect(d.status == .sent)
    }

    @Test("shortenstring relay name keeps the ... and the IP")
    func shortenedRelay() throws {
        let d = try #require(parseMessage("u3B9o3lY012345: to=<user@mydomain2.com>, delay=00:00:02, xdelay=00:00:02, mailer=esmtp, pri=120532, relay=mydomain2-com0...ction.outlook.com. [207.46.163.247], dsn=2.0.0, stat=Sent (<5@x> [InternalId=1] Queued mail for delivery)").parsedEvent?.asDelivery)
        #expect(d.relay?.name == "mydomain2-com0...ction.outlook.com.")
        #expect(d.relay?.ip == "207.46.163.247")
    }

    @Test("relay without IP (no connection made), Deferred")
    func relayWithoutIP() throws {
        let d = try #require(parseMessage("x3UAoBQw031500: to=smmsp, delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=31556, relay=owa.paytmbank.com., dsn=4.0.0, stat=Deferred: Connection reset by owa.paytmbank.com.").parsedEvent?.asDelivery)
        #expect(d.relay?.name == "owa.paytmbank.com.")
        #expect(d.relay?.ip == nil)
        #expect(d.status == .deferred)
        #expect(d.statusText == "Deferred: Connection reset by owa.paytmbank.com.")
    }

    @Test("status classification", arguments: [
        ("to=<a@example.org>, delay=00:00:00, mailer=esmtp, pri=1, relay=mx.example.org. [192.0.2.1], dsn=2.0.0, stat=Sent (ok)", Delivery.Status.sent),
        ("to=<trev@example.org>, delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30597, relay=local, dsn=2.0.0, stat=Sent", .sent),
        ("to=<augie@corp.sonic.net>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=127125, relay=mta6.am0.yahoodns.net., dsn=4.0.0, stat=Deferred", .deferred),
        ("to=<recipient>, delay=4+12:04:53, xdelay=00:00:02, mailer=esmtp, pri=5884931, relay=MTA. [IP_address], dsn=4.0.0, stat=Deferred: 403 4.7.0 TLS handshake failed.", .deferred),
        ("to=<a@example.org>, delay=00:00:00, mailer=esmtp, pri=1, relay=mx.example.org., stat=Deferred: Connection refused by mx.example.org.", .deferred),
        ("to=<example@gmail.com>, ctladdr=<www-data@localhost.localdomain> (33/33), delay=00:00:01, xdelay=00:00:01, mailer=relay, pri=120494, relay=idahostatesman.com.s8a1.psmtp.com. [64.18.7.10], dsn=5.0.0, stat=Service unavailable", .bounced),
        ("to=<websiteman@icmms.co.kr>, delay=00:00:04, xdelay=00:00:04, mailer=esmtp, pri=121148, relay=mx.yandex.net. [77.88.21.249], dsn=5.7.1, stat=User unknown", .bounced),
        ("to=<augie@corp.sonic.net>, delay=00:00:00, pri=30747, stat=Mail Rejected: high volume mailings not allowed. Contact support@sonic.net for more information.", .other),
        ("to=<a@example.org>, delay=00:00:00, mailer=esmtp, pri=1, stat=queued", .other),
    ])
    func status(_ message: String, _ expected: Delivery.Status) throws {
        let d = try #require(parseMessage(message).parsedEvent?.asDelivery)
        #expect(d.status == expected)
    }

    @Test("local delivery: relay=local and no relay at all")
    func local() throws {
        let a = try #require(parseMessage("221820LG031423: to=<trev@example.org>, delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30597, relay=local, dsn=2.0.0, stat=Sent").parsedEvent?.asDelivery)
        #expect(a.mailer == "local")
        #expect(a.relay?.name == "local")
        let b = try #require(parseMessage("lAQIAGEU018283: to=<www-data@localhost.localdomain>, delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30000, dsn=2.0.0, stat=Sent").parsedEvent?.asDelivery)
        #expect(b.relay == nil)
        #expect(b.dsn == "2.0.0")
    }

    @Test("[more] piece: continued, trailing comma dropped")
    func more() throws {
        let d = try #require(parseMessage("u3B9o3lY012345: to=<a@example.org>,<b@example.org>, [more], delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=mx.example.org. [192.0.2.25], dsn=2.0.0, stat=Sent (ok)").parsedEvent?.asDelivery)
        #expect(d.continued)
        #expect(d.recipients == "<a@example.org>,<b@example.org>")
        #expect(d.recipientCount == 2)
        #expect(d.relay?.ip == "192.0.2.25")
    }

    @Test("Proofpoint LOG_MORE fields sit before pri=")
    func logMore() throws {
        let d = try #require(parseMessage("45ABSW12341234: to=<mailive@example.com>, delay=00:00:00, xdelay=00:00:00, mailer=relay, tls_verify=OK, tls_version=TLSv1.2, cipher=ECDHE-RSA-AES256-GCM, pri=121557, relay=test4.example.net. [216.160.83.56], dsn=2.0.0, stat=Sent (Ok: queued)").parsedEvent?.asDelivery)
        #expect(d.loggedTLS == LoggedTLS(verify: "OK", version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM"))
        #expect(d.mailer == "relay")
        #expect(d.relay?.name == "test4.example.net.")
        #expect(d.relay?.ip == "216.160.83.56")
        #expect(d.statusText == "Sent (Ok: queued)")
    }

    @Test("*file* delivery with LOG_MORE NONE values and no relay")
    func fileMailer() throws {
        let d = try #require(parseMessage("27PNO8ta032355: to=/dev/null, ctladdr=<jcarpenter@bobsbank.ca> (8/0), delay=00:00:00, xdelay=00:00:00, mailer=*file*, tls_verify=NONE, tls_version=NONE, cipher=NONE, pri=32434, dsn=2.0.0, stat=Sent").parsedEvent?.asDelivery)
        #expect(d.recipients == "/dev/null")
        #expect(d.mailer == "*file*")
        #expect(d.relay == nil)
        #expect(d.loggedTLS == LoggedTLS(verify: "NONE", version: "NONE", cipher: "NONE"))
    }

    @Test("stat= runs to the end: commas and key=-like text do not override earlier fields")
    func statRestOfLine() throws {
        let d = try #require(parseMessage("u3B9o3lY012346: to=<a@example.org>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=mx.example.org. [192.0.2.25], dsn=4.4.1, stat=Deferred: 451 4.4.1 Try again later, relay=evil.example, dsn=5.0.0, mailer=x").parsedEvent?.asDelivery)
        #expect(d.relay?.name == "mx.example.org.")
        #expect(d.dsn == "4.4.1")
        #expect(d.mailer == "esmtp")
        #expect(d.status == .deferred)
        #expect(d.statusText == "Deferred: 451 4.4.1 Try again later, relay=evil.example, dsn=5.0.0, mailer=x")
    }

    @Test("FortiMail relay= [ip] with an empty name")
    func emptyName() throws {
        let d = try #require(parseMessage("to=<contact@example.com>, delay=00:00:06, xdelay=00:00:06, mailer=esmtp, pri=165917, relay= [188.165.36.237], dsn=2.0.0, stat=Sent (Ok: queued as 4T9pxY2qZtz2XPBPX)").parsedEvent?.asDelivery)
        #expect(d.relay?.name == nil)
        #expect(d.relay?.ip == "188.165.36.237")
    }

    @Test("reply= (and stage=) come before stat= (§2.8 format) and must not swallow it")
    func replyBeforeStat() throws {
        let r = parseMessage("u3B9o3lY012347: to=<user@example.org>, delay=00:00:02, xdelay=00:00:02, mailer=esmtp, pri=120532, relay=mx.example.org. [192.0.2.25], dsn=5.1.1, reply=550 5.1.1 <user@example.org>: Recipient address rejected: User unknown, stat=User unknown")
        let d = try #require(r.parsedEvent?.asDelivery)
        #expect(d.status == .bounced)
        #expect(d.statusText == "User unknown")
        #expect(d.dsn == "5.1.1")
    }

    @Test("to= lines without recipients or without stat= are malformed", arguments: [
        "u3B9o3lY012345: to=<a@b.example>, delay=00:00:00, mailer=esmtp, pri=1",
        "u3B9o3lY012345: to=<a@b.example>",
    ])
    func malformed(_ message: String) {
        #expect(parseMessage(message).isMalformed)
    }
}
