import Foundation
import Testing
@testable import MailTLSParser

/// Postfix lines (log-formats.md §3) through `LineParser`: every shape the parser reads, as whole
/// syslog lines with the tags Postfix writes.
@Suite struct PostfixParserTests {
    /// The single record of a line, with its MTA checked.
    func record(_ line: String) throws -> LogRecord {
        let r = try #require(parseLine(line).record, "no record: \(line)")
        #expect(r.mta == .postfix)
        return r
    }

    func records(_ line: String) -> [LogRecord] {
        switch parseLine(line) {
        case .record(let r): return [r]
        case .records(let rs): return rs
        default: return []
        }
    }

    func note(_ line: String) throws -> LinkerNote {
        let r = try record(line)
        guard case .linkerNote(let n) = r.event else { Issue.record("not a note: \(r.event)"); throw CancellationError() }
        return n
    }

    @Test func serverSummaryWith34Appendices() throws {
        let r = try record("Apr 24 06:33:28 mx postfix/smtpd[5844]: Anonymous TLS connection established from unknown[172.18.98.1]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256")
        let s = try #require(r.event.asSession)
        #expect(s.role == .server)
        #expect(s.relay.name == nil && s.relay.ip == "172.18.98.1" && s.relay.peer == "172.18.98.1")
        #expect(s.version == "TLSv1.3" && s.cipher == "TLS_AES_256_GCM_SHA384")
        #expect(s.verify == "NO" && s.verifyLogged == "Anonymous")
        #expect(s.cipherBits == 256 && s.algBits == 256)
        #expect(r.pid == 5844 && r.host == "mx")
    }

    @Test(arguments: [("Anonymous", "NO"), ("Untrusted", "FAIL"), ("Trusted", "OK"), ("Verified", "OK")])
    func trustWordsMapToSendmailVerify(word: String, verify: String) throws {
        let s = try #require(try record("Jun 10 15:13:37 m postfix/smtp[1]: \(word) TLS connection established to mx.Example.org[192.0.2.7]:25: TLSv1.2 with cipher ECDHE-RSA-AES128-GCM-SHA256 (128/128 bits)").event.asSession)
        #expect(s.role == .client && s.verify == verify && s.verifyLogged == word)
        #expect(s.relay.peer == "mx.example.org" && s.relay.ip == "192.0.2.7" && s.relay.raw == "mx.Example.org[192.0.2.7]:25")
    }

    @Test func usedBitsComeFirstInPostfix() throws {
        // Postfix prints (used/alg bits): an export cipher using 40 of 128 bits.
        let s = try #require(try record("Jan  1 00:00:00 m postfix/smtpd[1]: Anonymous TLS connection established from a.example[192.0.2.1]: TLSv1 with cipher EXP-RC4-MD5 (40/128 bits)").event.asSession)
        #expect(s.cipherBits == 40 && s.algBits == 128)
        #expect(s.version == "TLSv1")
    }

    @Test func sniAndClientPortForms() throws {
        let a = try #require(try record("Jan  1 00:00:00 m postfix/smtpd[1]: Trusted TLS connection established from mail.example.com[198.51.100.4]:42312 to mx.ours.example: TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)").event.asSession)
        #expect(a.relay.ip == "198.51.100.4" && a.relay.peer == "mail.example.com")
        #expect(a.version == "TLSv1.3" && a.cipher == "TLS_AES_128_GCM_SHA256" && a.cipherBits == 128)
        let b = try #require(try record("Jan  1 00:00:00 m postfix/smtp[1]: Verified TLS connection established to mail.sys4.de[2001:1578:400:111::7]:25: TLSv1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits)").event.asSession)
        #expect(b.relay.ip == "2001:1578:400:111::7" && b.relay.peer == "mail.sys4.de")
    }

    @Test func pre25LinesWithoutTrustWord() throws {
        let s = try #require(try record("Mar  5 13:12:16 em02 postfix/smtpd[24211]: TLS connection established from 206.173.193.34.ptr.us.xo.net[206.173.193.34]: TLSv1 with cipher DHE-RSA-AES256-SHA (256/256 bits)").event.asSession)
        #expect(s.role == .server && s.version == "TLSv1" && s.cipher == "DHE-RSA-AES256-SHA" && s.verify == "NO" && s.verifyLogged == "")
    }

    @Test func lineCutAfterThePeerIsStillASession() throws {
        let s = try #require(try record("Sep 16 10:30:20 vps1 postfix/smtp[11276]: Untrusted TLS connection established to gmail-smtp-in.l.google.com").event.asSession)
        #expect(s.role == .client && s.relay.peer == "gmail-smtp-in.l.google.com" && s.verify == "FAIL")
        #expect(s.version == "" && s.cipher == "" && s.cipherBits == nil)
    }

    @Test func reusedIsANoteNotASession() throws {
        let n = try note("Jan  1 00:00:00 m postfix/smtp[9]: Verified TLS connection reused to mx.example.net[203.0.113.9]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)")
        #expect(n.kind == PostfixNote.reused && n.relay?.ip == "203.0.113.9")
    }

    @Test func bareMessageLinesAreRead() throws {
        let r = try record("Anonymous TLS connection established from host.example.com[1.2.3.4]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256")
        #expect(r.event.asSession?.relay.peer == "host.example.com" && r.pid == 0 && r.host == "")
        let f = try #require(try record("SSL_connect error to mail.example.org[112.63.65.2]:25: lost connection").event.asFailure)
        #expect(f.kind == .connectFailed && f.role == .client && f.relay?.ip == "112.63.65.2" && f.reason == "lost connection")
        let d = try #require(try record("7EE668039: to=<user@example.com>, relay=mail.example.com[1.2.3.4]:25, delay=3.6, delays=0.08/0.02/0.85/0.14, tls=may:none, dsn=2.1.5, status=sent (250 2.0.0 Ok: queued as 153053D)").event.asDelivery)
        #expect(d.mailer == "smtp" && d.usesNetworkMailer && d.tlsFeature == "may:none" && d.overTLS == false)
        // Sendmail lines and other text are not taken for bare Postfix lines.
        #expect(PostfixParser.envelope(span("Sep  6 00:44:56 trianon postfix/smtpd[1]: connect from a[1.2.3.4]")) == nil)
        #expect(PostfixParser.envelope(span("STARTTLS=client, relay=mail.example.com., version=TLSv1.2")) == nil)
    }

    func span(_ s: String) -> ByteSpan {
        // Kept alive for the test: the envelope's spans point into it.
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: s.utf8.count)
        _ = bytes.initialize(from: s.utf8)
        return ByteSpan(UnsafeBufferPointer(bytes))
    }

    @Test func sslErrors() throws {
        let f = try #require(try record("Sep 19 16:51:56 smtp postfix/smtpd[4047870]: SSL_accept error from unknown[10.10.100.160]: -1").event.asFailure)
        #expect(f.kind == .acceptFailed && f.role == .server && f.relay?.peer == "10.10.100.160" && f.reason == "-1")
    }

    @Test func disconnectCounters() throws {
        let yes = try note("Jul 24 15:58:26 mail postfix/submission/smtpd[1058]: disconnect from web[172.19.0.6] ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8")
        #expect(yes.kind == PostfixNote.disconnect && yes.flag && yes.relay?.ip == "172.19.0.6")
        #expect(try note("Jan  1 00:00:00 m postfix/smtpd[1]: disconnect from a[192.0.2.1] ehlo=1 starttls=0/1 commands=1/2").flag == false)
        #expect(try note("Jan  1 00:00:00 m postfix/smtpd[1]: disconnect from a[192.0.2.1] ehlo=1 starttls=1/2 commands=2/3").flag == true)
        #expect(try note("Jan  1 00:00:00 m postfix/smtpd[1]: disconnect from a[192.0.2.1] ehlo=1 mail=1 quit=1 commands=3").flag == false)
        #expect(try note("Jan  1 00:00:00 m postfix/smtpd[1]: disconnect from unknown[unknown] commands=0/0").relay?.peer == nil)
    }

    @Test func clientLineWithSASLIsAMessageAndAnAuth() throws {
        let rs = records("Apr 24 06:33:28 mx postfix/smtpd[5844]: BFFB71200A1: client=unknown[172.18.98.1], sasl_method=PLAIN, sasl_username=mb@my-domain.com")
        try #require(rs.count == 2)
        let m = try #require(rs[0].event.asMessage)
        #expect(rs[0].queueID == "BFFB71200A1" && m.proto == "SMTP" && m.relay?.ip == "172.18.98.1" && m.overTLS == nil)
        let a = try #require(rs[1].event.asAuth)
        #expect(a.success && a.role == .server && a.mechanism == "PLAIN" && a.authid == "mb@my-domain.com")
    }

    @Test func wrapperModeServicesAreTLSFromTheStart() throws {
        for service in ["smtps", "submissions"] {
            let m = try #require(try record("Jan  1 00:00:00 m postfix/\(service)/smtpd[1]: 4KW3Dt0Y1Sz4x8r: client=a.example[192.0.2.3]").event.asMessage)
            #expect(m.overTLS == true && m.daemon == "postfix/\(service)")
        }
        let plain = try #require(try record("Jan  1 00:00:00 m postfix/submission/smtpd[1]: 4KW3Dt0Y1Sz4x8r: client=a.example[192.0.2.3]").event.asMessage)
        #expect(plain.overTLS == nil)
    }

    @Test func queueManagerCleanupAndPickup() throws {
        let q = try note("Jul 24 15:58:26 mail postfix/qmgr[1009]: 518F058BB5: from=<noreply@myrescoop.com>, size=1865, nrcpt=1 (queue active)")
        #expect(q.kind == PostfixNote.queued && q.text == "noreply@myrescoop.com" && q.size == 1865 && q.count == 1)
        let c = try note("Jul 24 15:58:26 mail postfix/cleanup[1064]: 518F058BB5: message-id=<20170724155826.14.93182@8f8f774197d9>")
        #expect(c.kind == PostfixNote.messageID && c.text == "<20170724155826.14.93182@8f8f774197d9>")
        let p = try #require(try record("Jan  1 00:00:00 m postfix/pickup[77]: 0A1B2C3D4E: uid=0 from=<root>").event.asMessage)
        #expect(p.proto == nil && p.sender == "root")
        #expect(parseLine("Jan  1 00:00:00 m postfix/qmgr[1]: 0A1B2C3D4E: from=<>, status=expired, returned to sender") == .skipped)
    }

    @Test func deliveriesByMailer() throws {
        let d = try #require(try record("Nov 10 14:00:06 mx1 postfix/smtp[400]: 4ABC123DEF: to=<bob@gmail.com>, orig_to=<bob@old.example>, relay=gmail-smtp-in.l.google.com[142.250.1.26]:25, conn_use=2, delay=3, delays=0.1/0/1/2, dsn=2.0.0, status=sent (250 2.0.0 OK, id=1234 - gsmtp)").event.asDelivery)
        #expect(d.mailer == "smtp" && d.usesNetworkMailer && d.status == .sent && d.dsn == "2.0.0")
        #expect(d.recipients == "<bob@gmail.com>" && d.recipientCount == 1 && d.relay?.ip == "142.250.1.26")
        #expect(d.statusText == "sent (250 2.0.0 OK, id=1234 - gsmtp)" && d.tlsFeature == nil && d.overTLS == nil)
        let out = try #require(try record("Jan  1 00:00:00 m postfix-out/smtp[5]: 4ABC123DEF: to=<x@y.example>, relay=mx.y.example[192.0.2.9]:25, delay=1, delays=0/0/0/1, dsn=4.4.2, status=deferred (lost connection)").event.asDelivery)
        #expect(out.status == .deferred && out.mailer == "smtp")
        for (program, relay) in [("local", "local"), ("virtual", "virtual"), ("lmtp", "mail.example.com[private/dovecot-lmtp]"), ("pipe", "dovecot")] {
            let l = try #require(try record("Jan  1 00:00:00 m postfix/\(program)[5]: 4ABC123DEF: to=<u@ours.example>, relay=\(relay), delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered)").event.asDelivery)
            #expect(!l.usesNetworkMailer, "\(program)")
        }
        let b = try #require(try record("Jan  1 00:00:00 m postfix/smtp[5]: 4ABC123DEF: to=<x@y.example>, relay=none, delay=1, delays=0/0/1/0, dsn=5.4.4, status=bounced (Host or domain name not found)").event.asDelivery)
        #expect(b.status == .bounced && b.relay?.peer == "none")
    }

    @Test(arguments: [
        ("may", true), ("encrypt", true), ("dane", true), ("verify", true), ("dane/requiretls", true),
        ("may:none", false), ("none", false), ("dane:may", true),
        ("may?", nil), ("!dane", nil), ("dane/requiretls?", nil), ("!may:none", nil),
    ] as [(String, Bool?)])
    func tlsFeatureField(value: String, encrypted: Bool?) {
        #expect(ByteSpan.with(value) { PostfixTLSFeature.overTLS($0) } == encrypted, "tls=\(value)")
    }

    @Test func warnings() throws {
        let p = try note("Sep 19 16:51:56 smtp postfix/smtpd[4047870]: warning: TLS library problem: error:0A00010B:SSL routines::wrong version number:ssl/record/ssl3_record.c:354:")
        #expect(p.kind == PostfixNote.libraryProblem && p.text == "error:0A00010B:SSL routines::wrong version number:ssl/record/ssl3_record.c:354:")
        let a = try #require(try record("Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: unknown[192.0.2.237]:55729: SASL LOGIN authentication failed: authentication failure").event.asAuth)
        #expect(!a.success && a.mechanism == "LOGIN" && a.relay?.ip == "192.0.2.237" && a.reason == "authentication failure")
        let u = try #require(try record("Nov  4 09:11:01 mail postfix/smtpd[1234]: warning: unknown[192.0.2.152]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=admin").event.asAuth)
        #expect(u.authid == "admin" && u.reason == "(reason unavailable)")
        let v = try note("Jan  1 00:00:00 m postfix/smtp[3]: certificate verification failed for mail.example.com[113.169.17.115]:25: self-signed certificate.")
        #expect(v.kind == PostfixNote.verifyFailed && v.text == "self-signed certificate.")
    }

    @Test func everyPrefixOfEverySampleLineIsSafe() throws {
        // Lines cut anywhere (a full disk, a pager, a paste) never trap the parser or the linker, and
        // whatever they give is a Postfix record or nothing.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("Samples/postfix.log"), encoding: .utf8)
        var p = Pipeline()
        var lines: [String] = []
        for line in text.split(separator: "\n") {
            let bytes = Array(line.utf8)
            for n in stride(from: 0, through: bytes.count, by: 3) {
                lines.append(String(decoding: bytes.prefix(n), as: UTF8.self))
                lines.append(String(decoding: bytes.suffix(n), as: UTF8.self))
            }
        }
        p.feed(lines)
        for o in p.outcomes {
            switch o {
            case .record(let r): #expect(r.mta == .postfix || r.mta == .sendmail)
            case .records(let rs): #expect(rs.allSatisfy { $0.mta == .postfix })
            default: break
            }
        }
        var rest: [LogRecord] = []
        p.linker.compact { rest.append($0) }
        #expect(p.records.count > 100)
    }

    @Test func servicesAndOtherLines() {
        #expect(PostfixParser.program(span("postfix/submission/smtpd")).program.string == "smtpd")
        #expect(PostfixParser.program(span("postfix-out/smtp")).program.string == "smtp")
        #expect(PostfixParser.program(span("postfix/smtps/smtpd")).wrapper)
        #expect(!PostfixParser.program(span("postfix/smtpd")).wrapper)
        // Postfix lines of no interest are skipped, not malformed, and not given to sendmail.
        for line in ["Feb 14 18:47:40 mail postfix/postscreen[1748]: PASS OLD [159.89.187.50]:51960",
                     "Mar  3 11:39:34 mail postfix/smtpd[1096]: lost connection after STARTTLS from internet.nl[62.204.66.10]",
                     "Jun  3 14:46:20 host postfix/smtpd[1563]: cannot load Certificate Authority data: disabling TLS support",
                     "Jan  1 00:00:00 m postfix/qmgr[1]: 0A1B2C3D4E: removed"] {
            #expect(parseLine(line) == .skipped, "\(line)")
        }
    }
}
