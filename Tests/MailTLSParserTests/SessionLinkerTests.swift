import Foundation
import Testing
@testable import MailTLSParser

/// log-formats.md §2.9: linking TLS lines to the AUTH, from= and to= lines of the same connection,
/// run end to end through LineParser + SessionLinker.
@Suite("SessionLinker")
struct SessionLinkerTests {
    static func startTLSServer(_ ts: String, _ host: String, _ pid: Int, relay: String) -> String {
        "\(ts) \(host) sm-mta[\(pid)]: STARTTLS=server, relay=\(relay), version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256"
    }
    static func startTLSClient(_ ts: String, _ host: String, _ pid: Int, relay: String) -> String {
        "\(ts) \(host) sm-mta[\(pid)]: STARTTLS=client, relay=\(relay), version=TLSv1.2, verify=FAIL, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256"
    }
    static func from(_ ts: String, _ host: String, _ pid: Int, qid: String, relay: String, proto: String = "ESMTPS") -> String {
        "\(ts) \(host) sm-mta[\(pid)]: \(qid): from=<alice@example.net>, size=1200, class=0, nrcpts=1, msgid=<\(qid)@example.net>, proto=\(proto), daemon=MTA, relay=\(relay)"
    }
    static func to(_ ts: String, _ host: String, _ pid: Int, qid: String, rcpt: String = "<bob@example.org>",
                   relay: String, stat: String = "dsn=2.0.0, stat=Sent (ok)") -> String {
        "\(ts) \(host) sm-mta[\(pid)]: \(qid): to=\(rcpt), delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=\(relay), \(stat)"
    }

    // MARK: Inbound

    @Test("STARTTLS=server -> AUTH=server -> two from= lines share the session id")
    func inbound() throws {
        let relay = "client.example.net [192.0.2.50]"
        let p = linked([
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 2564, relay: relay),
            "Mar  4 10:00:01 mx1 sm-mta[2564]: AUTH=server, relay=\(relay), authid=alice, mech=PLAIN, bits=0",
            Self.from("Mar  4 10:00:02", "mx1", 2564, qid: "u24A02aB002564", relay: relay, proto: "ESMTPSA"),
            Self.from("Mar  4 10:00:05", "mx1", 2564, qid: "u24A05aC002564", relay: relay, proto: "ESMTPSA"),
        ], firstSessionID: 100)
        #expect(p.records.count == 4)
        let s = try #require(p.sessions.first)
        #expect(s.id == 100)
        #expect(p.auths.map(\.sessionID) == [100])
        #expect(p.messages.map(\.sessionID) == [100, 100])
        #expect(p.linker.nextSessionID == 101)
        // The records keep their envelope facts.
        #expect(p.records.map(\.pid) == [2564, 2564, 2564, 2564])
        #expect(p.records[2].queueID == "u24A02aB002564")
        #expect(p.records[2].origin == LineOrigin(source: 7, offset: 2))
        #expect(p.records[2].time == utc(2026, 3, 4, 10, 0, 2))
    }

    @Test("AUTH=server from another relay on the same pid is not linked")
    func authOtherRelay() {
        let p = linked([
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 2564, relay: "client.example.net [192.0.2.50]"),
            "Mar  4 10:00:01 mx1 sm-mta[2564]: AUTH=server, relay=other.example.net [198.51.100.1], authid=bob, mech=LOGIN, bits=0",
        ])
        #expect(p.auths.count == 1)
        #expect(p.auths.first?.sessionID == nil)
    }

    @Test("two interleaved sessions on different pids")
    func interleaved() {
        let a = "a.example.net [192.0.2.1]", b = "b.example.net [192.0.2.2]"
        let p = linked([
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 1001, relay: a),
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 1002, relay: b),
            Self.from("Mar  4 10:00:01", "mx1", 1002, qid: "u24A01bB001002", relay: b),
            Self.from("Mar  4 10:00:01", "mx1", 1001, qid: "u24A01aA001001", relay: a),
        ])
        #expect(p.sessions.map(\.id) == [1, 2])
        #expect(p.messages.map(\.sessionID) == [2, 1])
        #expect(p.messages.map { $0.relay?.ip } == ["192.0.2.2", "192.0.2.1"])
    }

    @Test("the same pid on two hosts never mixes")
    func twoHosts() {
        let relay = "client.example.net [192.0.2.50]"
        let p = linked([
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 4000, relay: relay),
            Self.from("Mar  4 10:00:01", "mx2", 4000, qid: "u24A01xx004000", relay: relay),
            Self.from("Mar  4 10:00:02", "mx1", 4000, qid: "u24A02yy004000", relay: relay),
        ])
        #expect(p.messages.count == 2)
        #expect(p.records[1].host == "mx2")
        #expect(p.messages[0].sessionID == nil)
        #expect(p.messages[1].sessionID == 1)
    }

    @Test("pid reuse: a new STARTTLS=server starts a new session")
    func pidReuseNewStartTLS() {
        let a = "a.example.net [192.0.2.1]", b = "b.example.net [192.0.2.2]"
        let p = linked([
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 3000, relay: a),
            Self.from("Mar  4 10:00:01", "mx1", 3000, qid: "u24A01aa003000", relay: a),
            Self.startTLSServer("Mar  4 10:05:00", "mx1", 3000, relay: b),
            Self.from("Mar  4 10:05:01", "mx1", 3000, qid: "u24A51bb003000", relay: b),
        ])
        #expect(p.sessions.map(\.id) == [1, 2])
        #expect(p.messages.map(\.sessionID) == [1, 2])
    }

    @Test("pid reuse: a from= from a different relay is not linked and ends the session")
    func pidReuseOtherRelay() {
        let a = "a.example.net [192.0.2.1]", b = "b.example.net [192.0.2.2]"
        let p = linked([
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 3000, relay: a),
            Self.from("Mar  4 10:02:00", "mx1", 3000, qid: "u24A02bb003000", relay: b, proto: "ESMTP"),
            Self.from("Mar  4 10:02:30", "mx1", 3000, qid: "u24A02cc003000", relay: a),
        ])
        #expect(p.messages.map(\.sessionID) == [nil, nil])
    }

    @Test("pid reuse: after the idle gap a from= is not linked", arguments: [
        ("Mar  4 10:29:00", true),
        ("Mar  4 10:31:00", false),
    ])
    func idleGap(_ ts: String, _ expectLinked: Bool) {
        let relay = "client.example.net [192.0.2.50]"
        let p = linked([
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 3000, relay: relay),
            Self.from(ts, "mx1", 3000, qid: "u24AT0aa003000", relay: relay),
        ], sessionGap: 30 * 60)
        #expect(p.messages.first?.sessionID == (expectLinked ? 1 : nil))
    }

    @Test("NOQUEUE: connect from starts a new connection on the pid (the connect row itself is consumed)")
    func connectFrom() throws {
        let relay = "client.example.net [192.0.2.50]"
        let connect = "Mar  4 10:00:10 mx1 sm-mta[3000]: NOQUEUE: connect from client.example.net [192.0.2.50]"
        let parsed = try #require(parseLine(connect).record)
        #expect(parsed.queueID == nil)
        #expect(parsed.event.asConnect?.ip == "192.0.2.50")
        let p = linked([
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 3000, relay: relay),
            connect,
            Self.from("Mar  4 10:00:11", "mx1", 3000, qid: "u24A11aa003000", relay: relay, proto: "ESMTP"),
        ])
        #expect(p.records.count == 2)
        #expect(p.records.allSatisfy { $0.event.asConnect == nil })
        #expect(p.messages.first?.sessionID == nil)
    }

    @Test("STARTTLS relay cut at 100 characters still links to the from= (compare on a prefix)")
    func truncatedRelayLinks() {
        // ${_} = 89-character PTR name + " [203.0.113.45]": the STARTTLS copy (%.100s) ends mid-address.
        let name = "dyn-203-0-113-45." + String(repeating: "x", count: 60) + ".example.net"
        let full = "\(name) [203.0.113.45]"
        let cut = String(full.prefix(100))
        #expect(cut.hasSuffix(" [203.0.113"))
        // 70-character name + " [198.51.100.7] (may be forged)": the cut drops the closing parenthesis.
        let name2 = "dyn-198-51-100-7." + String(repeating: "y", count: 41) + ".example.net"
        let full2 = "\(name2) [198.51.100.7] (may be forged)"
        let cut2 = String(full2.prefix(100))
        #expect(cut2.hasSuffix("[198.51.100.7] (may be forged"))
        let p = linked([
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 3100, relay: cut),
            Self.from("Mar  4 10:00:01", "mx1", 3100, qid: "u24A01aa003100", relay: full),
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 3200, relay: cut2),
            Self.from("Mar  4 10:00:01", "mx1", 3200, qid: "u24A01aa003200", relay: full2),
        ])
        #expect(p.sessions.count == 2)
        #expect(p.messages.count == 2)
        #expect(p.messages.first?.sessionID == 1)
        #expect(p.messages.last?.sessionID == 2)
    }

    // MARK: Outbound

    @Test("connection caching: one STARTTLS=client, two to= lines share the id")
    func connectionCaching() {
        let p = linked([
            Self.startTLSClient("Mar  4 11:00:00", "mx1", 5000, relay: "mx.example.org."),
            Self.to("Mar  4 11:00:01", "mx1", 5000, qid: "u24B01aa004900", relay: "mx.example.org. [192.0.2.25]"),
            Self.to("Mar  4 11:00:02", "mx1", 5000, qid: "u24B02bb004901", rcpt: "<carol@example.org>",
                    relay: "mx.example.org. [192.0.2.25]"),
        ], firstSessionID: 7)
        #expect(p.sessions.map(\.id) == [7])
        #expect(p.deliveries.map(\.sessionID) == [7, 7])
        #expect(p.deliveries.map(\.recipients) == ["<bob@example.org>", "<carol@example.org>"])
    }

    @Test("MX fallback: the last STARTTLS=client whose name matches the to= relay carried it")
    func mxFallback() {
        let p = linked([
            Self.startTLSClient("Mar  4 11:00:00", "mx1", 5100, relay: "mx1.example.org."),
            Self.startTLSClient("Mar  4 11:00:03", "mx1", 5100, relay: "mx2.example.org."),
            Self.to("Mar  4 11:00:04", "mx1", 5100, qid: "u24B04aa005000", relay: "mx2.example.org. [192.0.2.26]"),
        ])
        #expect(p.sessions.map(\.id) == [1, 2])
        #expect(p.deliveries.map(\.sessionID) == [2])
    }

    @Test("MX fallback: a to= naming the first MX links to the first handshake")
    func mxFallbackFirst() {
        let p = linked([
            Self.startTLSClient("Mar  4 11:00:00", "mx1", 5100, relay: "mx1.example.org."),
            Self.startTLSClient("Mar  4 11:00:03", "mx1", 5100, relay: "mx2.example.org."),
            Self.to("Mar  4 11:00:04", "mx1", 5100, qid: "u24B04aa005000", relay: "mx1.example.org. [192.0.2.27]"),
        ])
        #expect(p.deliveries.map(\.sessionID) == [1])
    }

    @Test("a to= to a different relay name is not linked")
    func differentRelay() {
        let p = linked([
            Self.startTLSClient("Mar  4 11:00:00", "mx1", 5200, relay: "mx.example.org."),
            Self.to("Mar  4 11:00:01", "mx1", 5200, qid: "u24B01aa005200", relay: "mx.other.example. [198.51.100.9]"),
        ])
        #expect(p.deliveries.count == 1)
        #expect(p.deliveries.first?.sessionID == nil)
    }

    @Test("a to= on another pid is not linked")
    func otherPid() {
        let p = linked([
            Self.startTLSClient("Mar  4 11:00:00", "mx1", 5200, relay: "mx.example.org."),
            Self.to("Mar  4 11:00:01", "mx1", 5201, qid: "u24B01aa005201", relay: "mx.example.org. [192.0.2.25]"),
        ])
        #expect(p.deliveries.first?.sessionID == nil)
    }

    @Test("a shortenstring `...` relay name links to the full STARTTLS name")
    func shortenedName() {
        let full = "example-com0i.mail.protection.outlook.com."
        let p = linked([
            Self.startTLSClient("Mar  4 11:00:00", "mx1", 5300, relay: full),
            Self.to("Mar  4 11:00:01", "mx1", 5300, qid: "u24B01aa005300", relay: "\(shortenstring(full)) [104.47.1.33]"),
        ])
        #expect(p.deliveries.first?.relay?.name == "example-com0i.mail...ction.outlook.com.")
        #expect(p.deliveries.first?.sessionID == 1)
    }

    @Test("AUTH=client links to the smarthost handshake")
    func authClient() {
        let p = linked([
            "Aug 31 07:39:27 rpastijn sendmail[2120]: STARTTLS=client, relay=smtp.gmail.com, version=TLSv1/SSLv3, verify=OK, cipher=ECDHE-RSA-AES128-GCM-SHA256, bits=128/128",
            "Aug 31 07:39:28 rpastijn sendmail[2120]: AUTH=client, relay=smtp.gmail.com, mech=PLAIN, bits=0",
            "Aug 31 07:39:31 rpastijn sendmail[2120]: u7VBdN0m002118: to=<robert.pastijn@oracle.com>, ctladdr=<opc@rpastijn.compute-usoracle80245.oraclecloud.internal> (500/500), delay=00:00:08, xdelay=00:00:07, mailer=relay, pri=120615, relay=smtp.gmail.com [74.125.200.108], dsn=2.0.0, stat=Sent (OK 1472643570 n69sm64610909pfa.77 - gsmtp)",
        ])
        #expect(p.auths.map(\.sessionID) == [1])
        #expect(p.deliveries.map(\.sessionID) == [1])
        #expect(p.deliveries.first?.relay?.ip == "74.125.200.108")
    }

    @Test("MSP -> MTA over loopback (real lines): both hops are linked on their own pid")
    func mspToMta() {
        let p = linked([
            "Oct 21 22:02:04 server sendmail[28694]: r9M223bA028694: from=logcheck, size=527, class=0, nrcpts=1, msgid=<201310220202.r9M223bA028694@server.home>, relay=logcheck@localhost",
            "Oct 21 22:02:04 server sm-mta[28695]: STARTTLS=server, relay=localhost [127.0.0.1], version=TLSv1/SSLv3, verify=NO, cipher=DHE-RSA-AES256-SHA, bits=256/256",
            "Oct 21 22:02:04 server sendmail[28694]: STARTTLS=client, relay=[127.0.0.1], version=TLSv1/SSLv3, verify=FAIL, cipher=DHE-RSA-AES256-SHA, bits=256/256",
            "Oct 21 22:02:04 server sm-mta[28695]: r9M224ix028695: from=<logcheck@server.home>, size=830, class=0, nrcpts=1, msgid=<201310220202.r9M223bA028694@server.home>, proto=ESMTP, daemon=MTA-v4, relay=localhost [127.0.0.1]",
            "Oct 21 22:02:04 server sendmail[28694]: r9M223bA028694: to={destination address}+2@nmamail.net, ctladdr=logcheck (124/137), delay=00:00:01, xdelay=00:00:00, mailer=relay, pri=30527, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent (r9M224ix028695 Message accepted for delivery)",
            "Oct 21 22:02:04 server sm-mta[28697]: r9M224ix028695: to=<{destination address}+2@nmamail.net>, ctladdr=<logcheck@server.home> (124/137), delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=120830, relay=mx1.nmamail.net. [50.116.38.92], dsn=2.0.0, stat=Sent (ok 1382407324 qp 1768)",
        ])
        #expect(p.sessions.map(\.role) == [.server, .client])
        // The MSP's own from= (command line) came before any handshake: not linked.
        #expect(p.messages.map(\.sessionID) == [nil, 1])
        // MSP delivery over the loopback handshake; the MTA's outbound delivery had no STARTTLS line.
        #expect(p.deliveries.map(\.sessionID) == [2, nil])
        #expect(p.sessions.allSatisfy { $0.relay.isLoopback })
    }

    @Test("one pid in both roles: from=, then STARTTLS=client and to= (interactive delivery)")
    func bothRoles() {
        let p = linked([
            Self.startTLSServer("Mar  4 12:00:00", "mx1", 6667, relay: "client.example.net [192.0.2.50]"),
            Self.from("Mar  4 12:00:01", "mx1", 6667, qid: "u24C01aa006667", relay: "client.example.net [192.0.2.50]"),
            Self.startTLSClient("Mar  4 12:00:02", "mx1", 6667, relay: "mx.example.org."),
            Self.to("Mar  4 12:00:03", "mx1", 6667, qid: "u24C01aa006667", relay: "mx.example.org. [192.0.2.25]"),
        ])
        #expect(p.messages.map(\.sessionID) == [1])
        #expect(p.deliveries.map(\.sessionID) == [2])
    }

    // MARK: Failures

    @Test("connect failed + ruleset=tls_server -> one failure row with the ruleset's relay and reject")
    func connectFailedWithRuleset() throws {
        let p = linked([
            "Dec  4 10:24:32 c.spam.sonic.net sendmail[32283]: STARTTLS=client, error: connect failed=0, reason=sslv3 alert handshake failure, SSL_error=1, errno=0, retry=-1",
            "Dec  4 10:24:32 c.spam.sonic.net sendmail[32283]: ruleset=tls_server, arg1=SOFTWARE, relay=goransoncpa-com.mail.eo.outlook.com, reject=403 4.7.0 TLS handshake failed.",
            "Dec  4 10:24:32 c.spam.sonic.net sendmail[32283]: rB4IOVd1032280: to=<cpa@goransoncpa.com>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=goransoncpa-com.mail.eo.outlook.com. [216.32.180.22], dsn=4.0.0, stat=Deferred: 403 4.7.0 TLS handshake failed.",
        ])
        #expect(p.failures.count == 1)
        let f = try #require(p.failures.first)
        #expect(f.kind == .connectFailed)
        #expect(f.role == .client)
        #expect(f.reason == "sslv3 alert handshake failure")
        #expect(f.sslError == 1)
        #expect(f.relay?.name == "goransoncpa-com.mail.eo.outlook.com")
        #expect(f.ruleset == "tls_server")
        #expect(f.rulesetArg == "SOFTWARE")
        #expect(f.reject == "403 4.7.0 TLS handshake failed.")
        // The failure row comes out before the delivery, and the delivery is not linked to any session.
        #expect(p.records.map { $0.event.asFailure != nil } == [true, false])
        #expect(p.deliveries.first?.status == .deferred)
        #expect(p.deliveries.first?.sessionID == nil)
    }

    @Test("connect failed then to= without a ruleset line: the failure takes the to= relay")
    func connectFailedThenDelivery() throws {
        let p = linked([
            "Mar  4 13:00:00 mx1 sm-mta[7000]: STARTTLS=client, error: connect failed=0, SSL_error=5, errno=104, retry=-1",
            Self.to("Mar  4 13:00:01", "mx1", 7000, qid: "u24D01aa006990", relay: "mx.example.org. [192.0.2.25]",
                    stat: "dsn=4.0.0, stat=Deferred: 403 4.7.0 TLS handshake failed."),
        ])
        #expect(p.records.count == 2)
        let f = try #require(p.records.first?.event.asFailure)
        #expect(f.kind == .connectFailed)
        #expect(f.relay?.name == "mx.example.org.")
        #expect(f.relay?.ip == "192.0.2.25")
        #expect(f.errno == 104)
        #expect(p.deliveries.first?.sessionID == nil)
    }

    @Test("a failed handshake ends the earlier client session on that pid")
    func failureResetsClients() {
        let p = linked([
            Self.startTLSClient("Mar  4 13:00:00", "mx1", 7100, relay: "mx.example.org."),
            Self.to("Mar  4 13:00:01", "mx1", 7100, qid: "u24D01aa007090", relay: "mx.example.org. [192.0.2.25]"),
            "Mar  4 13:05:00 mx1 sm-mta[7100]: STARTTLS=client, error: connect failed=0, SSL_error=5, errno=104, retry=-1",
            Self.to("Mar  4 13:05:01", "mx1", 7100, qid: "u24D05bb007091", relay: "mx.example.org. [192.0.2.25]",
                    stat: "dsn=4.0.0, stat=Deferred: 403 4.7.0 TLS handshake failed."),
        ])
        #expect(p.deliveries.map(\.sessionID) == [1, nil])
        #expect(p.failures.count == 1)
    }

    @Test("a ruleset reject with no handshake failure before it stays a ruleset_reject row")
    func standaloneRuleset() throws {
        let p = linked([
            "Mar  4 13:10:00 mx1 sm-mta[7200]: u24DA0aa007200: ruleset=tls_rcpt, arg1=<bob@example.org>, relay=mx.example.org., reject=454 4.7.0 authentication failed",
        ])
        let f = try #require(p.failures.first)
        #expect(p.failures.count == 1)
        #expect(f.kind == .rulesetReject)
        #expect(p.records.first?.queueID == "u24DA0aa007200")
    }

    @Test("accept failed is emitted once, before the next session on the pid")
    func acceptFailed() throws {
        let p = linked([
            "Mar  4 13:20:00 mx1 sm-mta[7300]: STARTTLS=server, error: accept failed=0, reason=wrong version number, SSL_error=1, errno=0, retry=-1, relay=scanner.example.net [203.0.113.9]",
            Self.startTLSServer("Mar  4 13:21:00", "mx1", 7300, relay: "client.example.net [192.0.2.50]"),
        ])
        #expect(p.records.count == 2)
        let f = try #require(p.records.first?.event.asFailure)
        #expect(f.kind == .acceptFailed)
        #expect(f.relay?.ip == "203.0.113.9")
        #expect(p.records.last?.event.asSession != nil)
    }

    // MARK: [more], certificates, I/O errors, flush

    @Test("to= … [more] and its continuation become one delivery with both recipient lists")
    func moreContinuation() throws {
        let p = linked([
            Self.startTLSClient("Mar  4 14:00:00", "mx1", 8000, relay: "mx.example.org."),
            Self.to("Mar  4 14:00:05", "mx1", 8000, qid: "u24E05aa007999", rcpt: "<a@example.org>,<b@example.org>, [more]",
                    relay: "mx.example.org. [192.0.2.25]"),
            Self.to("Mar  4 14:00:05", "mx1", 8000, qid: "u24E05aa007999", rcpt: "<c@example.org>",
                    relay: "mx.example.org. [192.0.2.25]"),
        ])
        #expect(p.deliveries.count == 1)
        let d = try #require(p.deliveries.first)
        #expect(d.recipients == "<a@example.org>,<b@example.org>,<c@example.org>")
        #expect(d.recipientCount == 3)
        #expect(!d.continued)
        #expect(d.sessionID == 1)
        #expect(p.records.last?.origin.offset == 1, "the row belongs to its first piece")
    }

    @Test("certificate lines attach to the session just logged")
    func certificates() {
        let p = linked([
            Self.startTLSClient("Mar  4 14:10:00", "mx1", 8100, relay: "mx.example.org."),
            "Mar  4 14:10:00 mx1 sm-mta[8100]: STARTTLS=client, cert-subject=/CN=mx.example.org, cert-issuer=/C=US/O=Let's+20Encrypt/CN=R3, verifymsg=ok",
            Self.startTLSServer("Mar  4 14:10:00", "mx1", 8200, relay: "client.example.net [192.0.2.50]"),
            "Mar  4 14:10:00 mx1 sm-mta[8200]: STARTTLS=server, cert-subject=/CN=client.example.net, cert-issuer=/CN=Client+20CA, verifymsg=unable to get local issuer certificate",
            "Mar  4 14:10:00 mx1 sm-mta[8300]: STARTTLS=server, cert-subject=/CN=orphan, cert-issuer=/CN=orphan",
        ])
        #expect(p.certificates.map(\.sessionID) == [1, 2, nil])
        #expect(p.certificates.first?.issuer == "/C=US/O=Let's Encrypt/CN=R3")
    }

    @Test("a read error attaches to the open server session and takes its relay")
    func readErrorServer() throws {
        let p = linked([
            Self.startTLSServer("Mar  4 14:20:00", "mx1", 8400, relay: "client.example.net [192.0.2.50]"),
            "Mar  4 14:25:00 mx1 sm-mta[8400]: STARTTLS: read error=timeout",
            "Mar  4 14:25:00 mx1 sm-mta[8401]: STARTTLS: write error=syscall error (-1), errno=32, retry=-1, ssl_err=5",
        ], firstSessionID: 40)
        #expect(p.failures.count == 2)
        let f = try #require(p.failures.first)
        #expect(f.kind == .readError)
        #expect(f.sessionID == 40)
        #expect(f.role == .server)
        #expect(f.relay?.ip == "192.0.2.50")
        let g = try #require(p.failures.last)
        #expect(g.kind == .writeError)
        #expect(g.sessionID == nil)
        #expect(g.role == nil)
    }

    @Test("a write error on a client connection attaches to the client session")
    func writeErrorClient() throws {
        let p = linked([
            Self.startTLSClient("Mar  4 14:30:00", "mx1", 8500, relay: "mx.example.org."),
            "Mar  4 14:30:05 mx1 sm-mta[8500]: STARTTLS: write error=timeout",
        ])
        let f = try #require(p.failures.first)
        #expect(f.sessionID == 1)
        #expect(f.role == .client)
    }

    @Test("nothing waits in the linker: a lone handshake failure and a lone [more] piece are written at once")
    func flushPending() throws {
        var p = Pipeline()
        p.feed([
            "Mar  4 15:00:00 mx1 sm-mta[9000]: STARTTLS=client, error: connect failed=0, SSL_error=5, errno=104, retry=-1",
            Self.to("Mar  4 15:00:01", "mx2", 9001, qid: "u24F01aa009001", rcpt: "<a@example.org>, [more]",
                    relay: "mx.example.org. [192.0.2.25]"),
        ])
        // Both rows are written at once; a later ruleset/to= line would complete them (an UPDATE).
        #expect(p.records.count == 2)
        #expect(p.failures.first?.id == 1)
        #expect(p.failures.first?.kind == .connectFailed)
        #expect(p.failures.first?.relay == nil)
        let d = try #require(p.deliveries.first)
        #expect(d.id == 1)
        #expect(d.recipients == "<a@example.org>")
        #expect(d.continued, "the log said more recipients would follow")
        // The end of input adds nothing.
        p.flush()
        #expect(p.records.count == 2)
    }

    @Test("lines the linker never sees (skipped, malformed) do not disturb a session")
    func skippedLinesInBetween() {
        let relay = "client.example.net [192.0.2.50]"
        let p = linked([
            Self.startTLSServer("Mar  4 16:00:00", "mx1", 9100, relay: relay),
            "Mar  4 16:00:00 mx1 sm-mta[9100]: u24G00aa009100: Milter: connect to filters",
            "Mar  4 16:00:00 mx1 postfix/smtpd[9100]: connect from unknown[198.51.100.1]",
            "this line is not syslog at all",
            Self.from("Mar  4 16:00:01", "mx1", 9100, qid: "u24G01aa009100", relay: relay),
        ])
        #expect(p.outcomes.count == 5)
        #expect(p.outcomes[1] == .skipped)
        #expect(p.outcomes[2].record?.mta == .postfix, "another MTA's line goes to that MTA's linker")
        #expect(p.outcomes[3].isMalformed)
        #expect(p.messages.first?.sessionID == 1)
    }

    @Test("three [more] pieces of one recipient list merge into one delivery")
    func threePieces() throws {
        let relay = "mx.example.org. [192.0.2.25]"
        let p = linked([
            Self.to("Mar  4 14:40:00", "mx1", 8600, qid: "u24E40aa008599", rcpt: "<a@example.org>,<b@example.org>, [more]", relay: relay),
            Self.to("Mar  4 14:40:00", "mx1", 8600, qid: "u24E40aa008599", rcpt: "<c@example.org>,<d@example.org>, [more]", relay: relay),
            Self.to("Mar  4 14:40:00", "mx1", 8600, qid: "u24E40aa008599", rcpt: "<e@example.org>", relay: relay),
        ])
        #expect(p.deliveries.count == 1)
        let d = try #require(p.deliveries.first)
        #expect(d.recipientCount == 5)
        #expect(d.recipients == "<a@example.org>,<b@example.org>,<c@example.org>,<d@example.org>,<e@example.org>")
        #expect(!d.continued)
    }

    @Test("a [more] piece whose continuation never comes is still a linked delivery")
    func orphanMorePiece() throws {
        let relay = "mx.example.org. [192.0.2.25]"
        // Followed by another message's to= on the same connection ...
        let a = linked([
            Self.startTLSClient("Mar  4 14:50:00", "mx1", 8700, relay: "mx.example.org."),
            Self.to("Mar  4 14:50:01", "mx1", 8700, qid: "u24E50aa008690", rcpt: "<a@example.org>,<b@example.org>, [more]", relay: relay),
            Self.to("Mar  4 14:50:02", "mx1", 8700, qid: "u24E50bb008691", rcpt: "<z@example.org>", relay: relay),
        ])
        // ... or by the end of the input.
        let b = linked([
            Self.startTLSClient("Mar  4 14:50:00", "mx1", 8700, relay: "mx.example.org."),
            Self.to("Mar  4 14:50:01", "mx1", 8700, qid: "u24E50aa008690", rcpt: "<a@example.org>,<b@example.org>, [more]", relay: relay),
        ])
        #expect(a.deliveries.count == 2)
        #expect(a.deliveries.last?.sessionID == 1)
        #expect(b.deliveries.count == 1)
        #expect(b.deliveries.first?.recipientCount == 2)
        #expect(a.deliveries.first?.recipients == "<a@example.org>,<b@example.org>")
        #expect(a.deliveries.first?.sessionID == 1)
        #expect(b.deliveries.first?.sessionID == 1)
    }

    @Test("the linker survives a Codable round trip between two files")
    func codableRoundTrip() throws {
        let relay = "client.example.net [192.0.2.50]"
        var first = Pipeline(firstSessionID: 500)
        first.feed([
            Self.startTLSServer("Mar  4 17:00:00", "mx1", 9200, relay: relay),
            "Mar  4 17:00:01 mx1 sm-mta[9201]: STARTTLS=client, error: connect failed=0, SSL_error=5, errno=104, retry=-1",
        ])
        let data = try JSONEncoder().encode(first.linker)
        var second = Pipeline()
        second.linker = try JSONDecoder().decode(SessionLinker.self, from: data)
        #expect(second.linker.nextSessionID == 501)
        #expect(second.linker.openKeys == 2)
        second.feed([
            Self.from("Mar  4 17:00:05", "mx1", 9200, qid: "u24H05aa009200", relay: relay),
            "Mar  4 17:00:05 mx1 sm-mta[9201]: ruleset=tls_server, arg1=SOFTWARE, relay=mx.example.org, reject=403 4.7.0 TLS handshake failed.",
        ])
        #expect(second.messages.first?.sessionID == 500)
        // The failure was written by the first run; the second completes that row.
        #expect(first.failures.count == 1)
        #expect(first.failures.first?.kind == .connectFailed)
        let failureID = try #require(first.failures.first?.id)
        let completion = second.records.compactMap { r -> FailureCompletion? in
            if case .failureCompletion(let c) = r.event { return c } else { return nil }
        }
        #expect(completion.count == 1)
        #expect(completion.first?.failureID == failureID)
        #expect(completion.first?.reject == "403 4.7.0 TLS handshake failed.")
        #expect(completion.first?.relay?.name == "mx.example.org")
    }

    /// The state saved in a store's `ingest_state` by earlier versions (sessions keyed by host name)
    /// still loads: an upgrade keeps the open sessions.
    @Test("linker state saved by earlier versions still loads")
    func earlierSavedState() throws {
        let json = """
            {"nextFailureID":7,"nextSessionID":42,"newestByHost":{"mx1":1772643600},"reusableIDs":[],
             "states":[{"host":"mx1","pid":9400},{"server":{"relay":{"raw":"client.example.net [192.0.2.50]",
             "peer":"client.example.net","name":"client.example.net","ip":"192.0.2.50","forged":false},"id":41},
             "clients":[],"lastSeen":1772643600}],
             "sessionGap":1800,"reusableFailureIDs":[],"nextDeliveryID":3,"reusableDeliveryIDs":[],"sinceSweep":5}
            """
        var p = Pipeline()
        p.linker = try JSONDecoder().decode(SessionLinker.self, from: Data(json.utf8))
        #expect(p.linker.openKeys == 1)
        #expect(p.linker.nextSessionID == 42)
        #expect(p.linker.nextFailureID == 7)
        #expect(p.linker.nextDeliveryID == 3)
        // 1772643600 is 2026-03-04 17:00:00 UTC; the from= five seconds later joins session 41.
        p.feed([Self.from("Mar  4 17:00:05", "mx1", 9400, qid: "u24H05aa009400", relay: "client.example.net [192.0.2.50]")])
        #expect(p.messages.first?.sessionID == 41)
        // It saves in the v4 form: the id counters once, each MTA's state under its name.
        let again = try JSONSerialization.jsonObject(with: JSONEncoder().encode(p.linker)) as? [String: Any]
        let sendmail = (again?["linkers"] as? [String: Any])?["sendmail"] as? [String: Any]
        #expect((sendmail?["newestByHost"] as? [String: Any])?["mx1"] != nil)
        #expect((sendmail?["states"] as? [Any])?.count == 2)
        #expect((again?["ids"] as? [String: Any])?["nextSession"] as? Int == 42)
        let reloaded = try JSONDecoder().decode(SessionLinker.self, from: JSONEncoder().encode(p.linker))
        #expect(reloaded.openKeys == 1 && reloaded.nextFailureID == 7 && reloaded.nextDeliveryID == 3)
    }

    @Test("reserveSessionIDs only moves the counter forward")
    func reserveIDs() {
        var l = SessionLinker(firstSessionID: 1)
        l.reserveSessionIDs(from: 50)
        #expect(l.nextSessionID == 50)
        l.reserveSessionIDs(from: 10)
        #expect(l.nextSessionID == 50)
        var p = Pipeline()
        p.linker = l
        p.feed([Self.startTLSServer("Mar  4 17:10:00", "mx1", 9300, relay: "[192.0.2.7]")])
        #expect(p.sessions.map(\.id) == [50])
        #expect(p.linker.nextSessionID == 51)
    }

    @Test("compact forgets sessions idle longer than the gap, and keeps the others")
    func compact() {
        let relay = "client.example.net [192.0.2.50]"
        var p = Pipeline()
        p.feed([
            "Mar  4 10:00:00 mx1 sm-mta[100]: STARTTLS=client, error: connect failed=0, SSL_error=5, errno=104, retry=-1",
            Self.startTLSServer("Mar  4 11:00:00", "mx1", 200, relay: relay),
            "Mar  4 11:00:00 mx1 sm-mta[300]: STARTTLS=client, error: connect failed=0, SSL_error=1, errno=0, retry=-1",
        ])
        #expect(p.records.count == 3, "the handshake and both failures are written at once")
        #expect(p.linker.openKeys == 3)
        p.linker.compact { _ in }
        #expect(p.linker.openKeys == 2, "pid 100 was idle for longer than the gap on mx1's clock")
        p.feed([Self.from("Mar  4 11:00:05", "mx1", 200, qid: "u24B05aa000200", relay: relay)])
        #expect(p.messages.first?.sessionID == 1)
    }

    /// An older log read after a newer one (an old rotation after today's file, or a second run on
    /// an older file): the host's clock goes back with it, so a session of the older log is not swept
    /// as idle against the newer log's times, and a line of the older log does not join the newer
    /// log's session that reuses its pid.
    @Test("an older log read after a newer one: its sessions are not swept, nor joined to the newer ones")
    func olderLogAfterNewer() {
        let old = "old.example.net [192.0.2.50]", new = "new.example.net [192.0.2.60]"
        var p = Pipeline()
        p.feed([
            Self.startTLSServer("Mar  5 10:00:00", "mx1", 200, relay: new),   // the newer log, first
            Self.startTLSServer("Mar  4 10:00:00", "mx1", 100, relay: old),   // then the older one
        ])
        p.linker.compact { _ in }   // a sweep (a part's commit) between two lines of the older session
        p.feed([
            Self.from("Mar  4 10:00:05", "mx1", 100, qid: "u24A05aa000100", relay: old),
            Self.startTLSServer("Mar  4 10:10:00", "mx1", 200, relay: old),   // pid 200 again, a day earlier
            Self.from("Mar  4 10:10:05", "mx1", 200, qid: "u24AA5aa000200", relay: old),
        ])
        #expect(p.sessions.map(\.id) == [1, 2, 3])
        #expect(p.messages.map(\.sessionID) == [2, 3])
    }

    @Test("compact on a linker that has seen no line does nothing")
    func compactEmpty() {
        var l = SessionLinker()
        l.compact { _ in }
        #expect(l.openKeys == 0)
        #expect(l.nextSessionID == 1)
    }
}
