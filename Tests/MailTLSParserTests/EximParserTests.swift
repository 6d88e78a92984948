import Foundation
import Testing
@testable import MailTLSParser

/// The Exim parser on single lines: envelopes of the main log and of syslog, each kind of line, and
/// the fields a line holds (log-formats.md §4, docs/exim.md).
@Suite struct EximParserTests {
    /// The records of one whole line (through `LineParser`, so the envelope is chosen as in ingest).
    static func records(_ line: String, zone: TimeZone = utcZone) -> [LogRecord] {
        switch parseLine(line, resolver: TimestampResolver(year: 2026, timeZone: zone)) {
        case .record(let r): return [r]
        case .records(let rs): return rs
        default: return []
        }
    }

    // MARK: Envelopes

    @Test func mainLogLinesWithoutAZoneAreLocalTime() throws {
        let line = "2026-07-01 12:00:00 1tQ8aA-000000001a2-0A1b <= a@example.com H=mx.example.com [192.0.2.1] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 S=1"
        let utcRecords = Self.records(line)
        let berlinRecords = Self.records(line, zone: berlin)
        #expect(utcRecords.first?.time == utc(2026, 7, 1, 12))
        #expect(berlinRecords.first?.time == utc(2026, 7, 1, 10))   // CEST, UTC+2
        #expect(utcRecords.allSatisfy { $0.mta == .exim && $0.queueID == "1tQ8aA-000000001a2-0A1b" })
    }

    @Test func logTimezoneMillisecondsAndPidAreRead() throws {
        let e = try #require(ByteSpan.with("2026-07-01 12:00:00.123 +0200 [4711] 1Ov4tU-0000Nz-Rm Completed") { EximParser.envelope($0) })
        #expect(e.timestamp == .utc(utc(2026, 7, 1, 10)))
        #expect(e.pid == 4711)
        let r = try #require(Self.records("2010-09-13 05:00:13 [1487] 1Ov4tU-0000Nz-Rm <= m@domain.com H=mailhost.domain.com [208.42.54.2]:51792 I=[67.215.162.175]:25 P=esmtps X=TLSv1:AES256-SHA:256 CV=no S=21778").first)
        #expect(r.pid == 1487)
        #expect(r.queueID == "1Ov4tU-0000Nz-Rm")   // the pre-4.97 id form
    }

    @Test func syslogLinesWithTheSameDateFormAreLeftToSyslog() throws {
        // A host and a tag after the date: syslog, with Exim's message (and its own date) inside.
        #expect(ByteSpan.with("2019-10-22 03:39:17 mx1 exim[29786]: 1abcDE-000123-AB Completed") { EximParser.envelope($0) } == nil)
        #expect(ByteSpan.with("2024-01-01 10:00:00 postfix/smtpd[12]: connect from x[192.0.2.1]") { EximParser.envelope($0) } == nil)
        // Exim's own line whose second word ends in a colon is still Exim's.
        #expect(ByteSpan.with("2026-01-01 10:00:00 TLS session: (SSL_connect): x: delivering unencrypted to H=a [192.0.2.1] (not in hosts_require_tls)") { EximParser.envelope($0) } != nil)
        // sendmail and Postfix lines are rejected after a few bytes.
        #expect(ByteSpan.with("Mar  4 23:20:52 mydomain sm-mta[2564]: STARTTLS=server, relay=x") { EximParser.envelope($0) } == nil)
        #expect(ByteSpan.with("2017-07-31T19:31:10.154432+00:00 smtp postfix/smtp[537]: x") { EximParser.envelope($0) } == nil)

        let rs = Self.records("Jul 17 23:20:49 mail exim4[3751]: 2021-07-17 23:20:49 [3751] 1tQ8aA-000000001a2-0A1b <= a@example.com H=(helo) [192.0.2.7] P=esmtpsa X=TLS1.2:ECDHE-RSA-AES128-GCM-SHA256:128 A=plain_server:a@example.com S=10")
        #expect(rs.count == 3)
        #expect(rs.first?.host == "mail")
        #expect(rs.first?.queueID == "1tQ8aA-000000001a2-0A1b")
        #expect(rs.last?.event.asAuth?.mechanism == "PLAIN")
    }

    @Test func syslogPartsAreReadFromTheFirst() throws {
        let first = Self.records(#"Mar  2 10:00:00 mx exim[7]: [1\2] 2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b <= a@example.com H=mx.example.com [192.0.2.1] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 S=1"#)
        #expect(first.count == 2 && first[0].event.asSession?.cipher == "TLS_AES_256_GCM_SHA384")
        #expect(Self.records(#"Mar  2 10:00:00 mx exim[7]: [2\2]  id=x@example.com T="a => b" for c@example.org"#).isEmpty)
    }

    // MARK: Arrivals

    @Test func arrivalWithTLSIsASessionItsCertificateTheMessageAndItsAuth() throws {
        let rs = Self.records(#"2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b <= "a b <c"@example.com H=Mail.Example.COM. (helo.example) [2001:DB8::1]:47889 I=[2001:db8::2]:25 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256:X25519 CV=yes DN="C=US,O=Example, Inc.,CN=mail.example.com" A=dovecot_login:"u@example.com" S=39472 id=m1@example.com T="Hi, A=B X=C" for x@example.org"#)
        #expect(rs.count == 4)
        let s = try #require(rs[0].event.asSession)
        #expect(s.role == .server)
        #expect(s.relay.peer == "mail.example.com")
        #expect(s.relay.ip == "2001:db8::1")
        #expect(s.relay.isLoopback == false)
        #expect(s.version == "TLSv1.3" && s.versionLogged == "TLS1.3")
        #expect(s.cipher == "TLS_AES_256_GCM_SHA384")
        #expect(s.cipherBits == 256 && s.algBits == nil)
        #expect(s.verify == "OK" && s.verifyLogged == "CV=yes")
        #expect(rs[1].event.asCertificate?.subject == "C=US,O=Example, Inc.,CN=mail.example.com")
        let m = try #require(rs[2].event.asMessage)
        #expect(m.sender == #""a b <c"@example.com"#)
        #expect(m.proto == "esmtpsa" && m.size == 39472 && m.messageID == "m1@example.com" && m.nrcpts == 1)
        #expect(m.overTLS == true)
        let a = try #require(rs[3].event.asAuth)
        #expect(a.success && a.role == .server && a.mechanism == "LOGIN" && a.authid == "u@example.com")
    }

    @Test func verifyWordsFollowCVAndDN() throws {
        func verify(_ tail: String) -> (String?, String?) {
            let s = Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b => r@example.net R=d T=remote_smtp H=mx.example.net [192.0.2.9] X=TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256\(tail) C=\"250 OK\"")
                .compactMap { $0.event.asSession }.first
            return (s?.verify, s?.verifyLogged)
        }
        #expect(verify(" CV=yes") == ("OK", "CV=yes"))
        #expect(verify(" CV=dane DN=\"CN=mx\"") == ("OK", "CV=dane"))
        #expect(verify(" CV=no DN=\"CN=mx,O=A, B\"") == ("FAIL", "CV=no"))
        #expect(verify(" CV=no") == ("NO", "CV=no"))
        #expect(verify("") == ("NO", ""))
    }

    @Test func protocolsDecideWhatIsInboundSMTP() throws {
        func proto(_ p: String) -> String? {
            Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b <= a@example.com H=mx.example.com [192.0.2.1] P=\(p) S=1")
                .compactMap { $0.event.asMessage }.first?.proto
        }
        for p in ["smtp", "smtps", "esmtp", "esmtps", "esmtpa", "esmtpsa", "ssmtp", "essmtp", "essmtpa", "utf8esmtps", "UTF8SMTP"] {
            #expect(proto(p) == p, "\(p)")
        }
        for p in ["local", "local-esmtp", "local-bsmtp", "http", "lmtp"] { #expect(proto(p) == nil, "\(p)") }
        // An arrival without TLS is in clear whatever its protocol says.
        let m = Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b <= a@example.com H=mx.example.com [192.0.2.1] P=esmtps S=1")
        #expect(m.count == 1 && m[0].event.asMessage?.overTLS == false)
    }

    // MARK: Deliveries

    @Test func deliveriesToAHostAreSMTPAndLocalOnesAreNot() throws {
        let first = Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b => r@example.net <r@example.org> R=dnslookup T=t1 H=mx.example.net [192.0.2.9]:25* X=TLSv1:DES-CBC3-SHA:168* CV=no C=\"250 2.0.0 Ok: queued as ABC\"")
        #expect(first.count == 3)
        #expect(first[0].event.asConnect?.peer == "mx.example.net")
        let s = try #require(first[1].event.asSession)
        #expect(s.role == .client && s.cipher == "DES-CBC3-SHA" && s.cipherBits == 168 && s.version == "TLSv1")
        let d = try #require(first[2].event.asDelivery)
        #expect(d.usesNetworkMailer && d.status == .sent && d.statusText == "250 2.0.0 Ok: queued as ABC")
        #expect(d.relay?.ip == "192.0.2.9" && d.overTLS == nil)

        let more = Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b -> s@example.net R=dnslookup T=t1 H=mx.example.net [192.0.2.9] X=TLSv1:DES-CBC3-SHA:168 CV=no C=\"250 OK\"")
        #expect(more.count == 1)   // not a session of its own
        #expect(more[0].event.asDelivery?.overTLS == true)

        let local = Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b => /var/mail/bob <bob@example.org> R=local_user T=local_delivery")
        #expect(local.count == 1 && local[0].event.asDelivery?.usesNetworkMailer == false)
        #expect(local[0].event.asDelivery?.mailer == "local_delivery")
    }

    @Test func deferralsAndBouncesAreNotSessionsEvenWithX() throws {
        let bounce = Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b ** u@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.9] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes: SMTP error from remote mail server after RCPT TO:<u@example.net>: 550 5.1.1 X=no such user")
        #expect(bounce.count == 1)
        #expect(bounce[0].event.asDelivery?.status == .bounced)
        #expect(bounce[0].event.asDelivery?.statusText.hasPrefix("SMTP error from remote mail server") == true)

        let defer1 = Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b == u@example.net R=dnslookup T=remote_smtp defer (-37) H=mx.example.net [192.0.2.9]: TLS session: (gnutls_handshake): The TLS connection was non-properly terminated.")
        #expect(defer1.count == 2)
        // The deferred delivery first, then its failure: the linker counts the failure as the deferral's.
        #expect(defer1[0].event.asDelivery?.status == .deferred)
        let f = try #require(defer1[1].event.asFailure)
        #expect(f.kind == .connectFailed && f.role == .client && f.relay?.peer == "mx.example.net")
        #expect(f.reason == "(gnutls_handshake): The TLS connection was non-properly terminated.")

        // With `+outgoing_port` the host ends `[ip]:25:`; the port is not the text's start.
        for host in ["H=mx.example.net [192.0.2.9]:25", "H=mx.example.net [192.0.2.9]:25*", "H=mx.example.net [2001:db8::9]:587"] {
            let rs = Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b == u@example.net R=dnslookup T=remote_smtp defer (-37) \(host): TLS session: (gnutls_handshake): A TLS fatal alert has been received.")
            #expect(rs.count == 2, "\(host)")
            #expect(rs.first?.event.asDelivery?.statusText == "TLS session: (gnutls_handshake): A TLS fatal alert has been received.", "\(host)")
            #expect(rs.last?.event.asFailure?.relay?.peer == "mx.example.net", "\(host)")
            #expect(rs.last?.event.asFailure?.reason == "(gnutls_handshake): A TLS fatal alert has been received.", "\(host)")
        }

        // Not a TLS failure, and no host: skipped.
        #expect(Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b == u@example.net R=dnslookup T=remote_smtp defer (-53): retry time not reached for any host").isEmpty)
        #expect(Self.records("2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b ** unknown@example.org: Unrouteable address").isEmpty)
    }

    // MARK: TLS errors

    @Test func tlsErrorsAreHandshakeFailuresOrIOErrorsByTheirOperation() throws {
        func failure(_ text: String) -> TLSFailure? {
            Self.records("2026-03-02 10:00:00 " + text).first?.event.asFailure
        }
        for op in ["SSL_accept", "gnutls_handshake", "handshake", "certificate verification failed", "tls lib accept fn"] {
            let f = failure("TLS error on connection from host.example.net (helo) [192.0.2.3]:1234 I=[192.0.2.1]:25 (\(op)): bad")
            #expect(f?.kind == .acceptFailed && f?.role == .server && f?.relay?.peer == "host.example.net", "\(op)")
            #expect(f?.reason == "(\(op)): bad")
        }
        #expect(failure("TLS error on connection to mx.old.example [192.0.2.210] (SSL_connect): wrong version number")?.kind == .connectFailed)
        #expect(failure("TLS error on connection from (helo) [192.0.2.3] (recv): The TLS connection was non-properly terminated.")?.kind == .readError)
        #expect(failure("TLS error on connection from (helo) [192.0.2.3] (send): Error in the push function.")?.kind == .writeError)
        #expect(failure("TLS error (SSL_read): error:0A000126:SSL routines::unexpected eof while reading")?.kind == .readError)
        #expect(failure("TLS error (SSL_write): error:1")?.kind == .writeError)
        let io = failure("1tQ8aA-000000001a2-0A1b H=mx.example.net [192.0.2.9] TLS error on connection (recv): A TLS fatal alert has been received")
        #expect(io?.kind == .readError && io?.role == .client && io?.relay?.peer == "mx.example.net")
        let clear = failure("TLS session: (SSL_connect): error:0A000086:SSL routines::certificate verify failed: delivering unencrypted to H=mx.self.example [198.51.100.80] (not in hosts_require_tls)")
        #expect(clear?.kind == .connectFailed && clear?.relay?.peer == "mx.self.example")
        #expect(clear?.reason == "(SSL_connect): error:0A000086:SSL routines::certificate verify failed")
        let callout = failure("TLS session: (SSL_connect): error:1: callout unencrypted to mx.co.example [198.51.100.81] (not in hosts_require_tls)")
        #expect(callout?.kind == .connectFailed && callout?.relay?.peer == "mx.co.example" && callout?.reason == "(SSL_connect): error:1")
        // A setup error is none of these.
        #expect(failure("TLS error on connection from (helo) [192.0.2.3] (cert/key setup: cert=/x): No such file") == nil)
    }

    @Test func rejectAndNoMailLinesWithXAreNotSessions() throws {
        #expect(Self.records("2026-03-02 10:00:00 H=(x) [198.51.100.200]:4444 I=[198.51.100.5]:25 X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no F=<a@example.biz> rejected RCPT <b@example.org>: relay not permitted").isEmpty)
        #expect(Self.records("2026-03-02 10:00:00 no MAIL in SMTP connection from (s) [198.51.100.201]:5555 I=[198.51.100.5]:25 D=5s X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 C=EHLO,STARTTLS,QUIT").isEmpty)
    }

    @Test func authenticatorFailuresAreFailedAuth() throws {
        let a = try #require(Self.records("2014-12-02 03:00:23 auth_plain authenticator failed for (rom182) [193.254.202.35]:41556 I=[10.0.0.1]:25: 535 Incorrect authentication data (set_id=webmaster)").first?.event.asAuth)
        #expect(!a.success && a.mechanism == "PLAIN" && a.authid == "webmaster" && a.relay?.peer == "193.254.202.35")
    }

    /// Every prefix of every line of Samples/exim.log (a line cut anywhere, as a log being written or a
    /// damaged copy has them) is read without a crash, and never yields a session with an empty peer.
    @Test func everyPrefixOfTheSampleLinesIsReadSafely() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/exim.log")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        #expect(lines.count > 50)
        var p = Pipeline()
        var parsed = 0
        for line in lines {
            for n in stride(from: 0, through: line.count, by: 1) {
                let cut = String(decoding: line.prefix(n), as: UTF8.self)
                p.feed([cut])
                parsed += 1
            }
        }
        #expect(parsed > 5_000)
        #expect(p.sessions.allSatisfy { ($0.relay.peer ?? "").isEmpty == false })
    }

    @Test func longValuesAreCutAndCounted() throws {
        let long = String(repeating: "a", count: 2000)
        var p = LineParser(resolver: TimestampResolver(year: 2026, timeZone: utcZone))
        let line = "2026-03-02 10:00:00 1tQ8aA-000000001a2-0A1b => r@example.net R=d T=remote_smtp H=\(long).example [192.0.2.9] X=TLS1.2:\(long):256 C=\"250 OK\""
        let outcome = ByteSpan.with(line) { p.parse($0, origin: LineOrigin(source: 1, offset: 0)) }
        guard case .records(let rs) = outcome else { Issue.record("no records"); return }
        let s = try #require(rs.compactMap { $0.event.asSession }.first)
        #expect(s.cipher.utf8.count == FieldLimits.token)
        #expect((s.relay.name?.utf8.count ?? 0) == FieldLimits.hostName)
        #expect(p.truncatedFields >= 3)
    }
}
