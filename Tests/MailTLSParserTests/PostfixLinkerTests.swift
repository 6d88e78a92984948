import Foundation
import Testing
@testable import MailTLSParser

/// `PostfixLinker` through LineParser + SessionLinker: which session carried which message, delivery
/// and AUTH, what the disconnect counters decide, and that held records survive saving and the gap.
@Suite struct PostfixLinkerTests {
    static let h = "Nov 10 14:00"

    /// One smtpd connection: connect, optional TLS line, a message (with SASL), its qmgr/cleanup
    /// lines, and the disconnect with the given counters.
    static func inbound(pid: Int, qid: String, tls: Bool, starttls: String, sasl: Bool = false, minute: Int = 0,
                        service: String = "postfix") -> [String] {
        let t = "Nov 10 14:\(String(format: "%02d", minute))"
        var lines = ["\(t):01 mx1 \(service)/smtpd[\(pid)]: connect from mail.Example.com[192.0.2.10]"]
        if tls {
            lines.append("\(t):02 mx1 \(service)/smtpd[\(pid)]: Untrusted TLS connection established from mail.example.com[192.0.2.10]: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)")
        }
        lines.append("\(t):03 mx1 \(service)/smtpd[\(pid)]: \(qid): client=mail.Example.com[192.0.2.10]" + (sasl ? ", sasl_method=LOGIN, sasl_username=bob" : ""))
        lines.append("\(t):03 mx1 postfix/cleanup[900]: \(qid): message-id=<\(qid)@example.com>")
        lines.append("\(t):04 mx1 postfix/qmgr[901]: \(qid): from=<bob@example.com>, size=2048, nrcpt=3 (queue active)")
        lines.append("\(t):05 mx1 \(service)/smtpd[\(pid)]: disconnect from mail.Example.com[192.0.2.10] ehlo=2 \(starttls) mail=1 rcpt=1 data=1 quit=1 commands=6")
        return lines
    }

    @Test func messageLinkedToTheSessionBeforeItsClientLine() throws {
        let p = linked(Self.inbound(pid: 10, qid: "AAA111", tls: true, starttls: "starttls=1", sasl: true))
        let m = try #require(p.messages.first)
        let s = try #require(p.sessions.first)
        #expect(p.messages.count == 1 && m.sessionID == s.id)
        #expect(m.event.isEncrypted(sessionID: m.sessionID))
        // qmgr and cleanup lines came before the disconnect: their fields are in the row.
        #expect(m.sender == "bob@example.com" && m.size == 2048 && m.nrcpts == 3 && m.messageID == "<AAA111@example.com>")
        let a = try #require(p.auths.first)
        #expect(a.sessionID == s.id && a.mechanism == "LOGIN")
    }

    @Test func starttlsCountersEncryptWithoutATLSLine() throws {
        // smtpd_tls_loglevel = 0: no TLS line, but the counters say STARTTLS succeeded.
        let p = linked(Self.inbound(pid: 10, qid: "AAA111", tls: false, starttls: "starttls=1", sasl: true))
        let m = try #require(p.messages.first)
        #expect(p.sessions.isEmpty && m.sessionID == nil && m.overTLS == true)
        #expect(m.event.isEncrypted(sessionID: nil))
        #expect(try #require(p.auths.first).overTLS == true)
    }

    @Test func failedOrNoStarttlsIsInClear() throws {
        for counters in ["starttls=0/1", "helo=1"] {
            let p = linked(Self.inbound(pid: 10, qid: "AAA111", tls: false, starttls: counters, sasl: true))
            let m = try #require(p.messages.first)
            #expect(!m.event.isEncrypted(sessionID: m.sessionID), "\(counters)")
            let a = try #require(p.auths.first)
            #expect(!a.event.isEncrypted(sessionID: a.sessionID), "\(counters)")
        }
    }

    @Test func messagesWaitForTheDisconnect() {
        var p = Pipeline()
        let lines = Self.inbound(pid: 10, qid: "AAA111", tls: false, starttls: "starttls=1")
        p.feed(Array(lines.dropLast()))
        #expect(p.messages.isEmpty)
        p.feed([lines.last!])
        #expect(p.messages.count == 1)
    }

    /// The end of all input (`SessionLinker.finish`, a one-off report): a connection that never logged
    /// its disconnect is over, and so is the wait of a handshake failure for its reason line. The
    /// message goes out with what the connection showed (its TLS line), the failure without a reason.
    @Test func theEndOfAllInputReleasesWhatWaits() throws {
        var p = Pipeline()
        let lines = Self.inbound(pid: 10, qid: "AAA111", tls: true, starttls: "starttls=1")
        p.feed(Array(lines.dropLast()))
        p.feed(["\(Self.h):09 mx1 postfix/smtpd[11]: SSL_accept error from b1.example.org[192.0.2.120]: lost connection"])
        #expect(p.messages.isEmpty && p.failures.isEmpty)
        p.finish()
        let m = try #require(p.messages.first)
        #expect(p.messages.count == 1 && m.sessionID == p.sessions.first?.id)
        #expect(p.failures.map(\.kind) == [.acceptFailed])
        #expect(p.failures.first?.relay?.peer == "b1.example.org")
        // Nothing is left to release a second time.
        p.finish()
        #expect(p.messages.count == 1 && p.failures.count == 1)
    }

    /// An older log read after a newer one: the host's clock goes back with it, so a sweep between
    /// two lines of an older connection does not end it as idle against the newer log's times.
    @Test func anOlderLogAfterANewerOneKeepsItsConnections() {
        var p = Pipeline()
        p.feed(Self.inbound(pid: 20, qid: "BBB222", tls: true, starttls: "starttls=1").map { $0.replacingOccurrences(of: "Nov 10", with: "Nov 11") })
        let older = Self.inbound(pid: 10, qid: "AAA111", tls: true, starttls: "starttls=1")
        p.feed(Array(older.prefix(2)))
        p.linker.compact { _ in }   // a part's commit between the TLS line and the client= line
        p.feed(Array(older.dropFirst(2)))
        #expect(p.sessions.map(\.id) == [1, 2])
        // The newer connection's message, then the older one's, each with its own session.
        #expect(p.messages.map(\.sessionID) == [1, 2])
    }

    @Test func wrapperModeServiceIsEncrypted() throws {
        let p = linked(Self.inbound(pid: 10, qid: "AAA111", tls: false, starttls: "helo=1", service: "postfix/smtps"))
        #expect(try #require(p.messages.first).event.isEncrypted(sessionID: nil))
    }

    @Test func aNewConnectOnThePidEndsTheOldConnection() throws {
        // The first connection's disconnect line is missing: the next connect emits its message,
        // which had no session, and the session of the second does not leak into it.
        var lines = Self.inbound(pid: 10, qid: "AAA111", tls: false, starttls: "starttls=1")
        lines.removeLast()
        lines += Self.inbound(pid: 10, qid: "BBB222", tls: true, starttls: "starttls=1", minute: 1)
        let p = linked(lines)
        #expect(p.messages.count == 2)
        #expect(p.messages[0].sessionID == nil && p.messages[0].overTLS == nil)
        #expect(p.messages[1].sessionID == p.sessions.first?.id)
    }

    @Test func interleavedConnectionsOnTwoPids() throws {
        let a = Self.inbound(pid: 10, qid: "AAA111", tls: true, starttls: "starttls=1")
        let b = Self.inbound(pid: 11, qid: "BBB222", tls: false, starttls: "helo=1")
        var lines: [String] = []
        for i in 0..<a.count { lines.append(a[i]); if i < b.count { lines.append(b[i]) } }
        let p = linked(lines)
        let byQID = Dictionary(uniqueKeysWithValues: p.records.compactMap { r in r.event.asMessage.map { (r.queueID!, (r, $0)) } })
        #expect(byQID["AAA111"]?.0.sessionID != nil)
        #expect(byQID["BBB222"]?.0.sessionID == nil && byQID["BBB222"]?.1.overTLS == nil)
    }

    @Test func deliveriesUseTheSessionToTheSameRelay() throws {
        let p = linked([
            "Nov 10 14:00:01 mx1 postfix/smtp[20]: Verified TLS connection established to mx.a.example[192.0.2.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
            "Nov 10 14:00:02 mx1 postfix/smtp[20]: Q1: to=<x@a.example>, relay=mx.a.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)",
            "Nov 10 14:00:02 mx1 postfix/smtp[20]: Q2A: to=<y@a.example>, relay=mx.a.example[192.0.2.1]:25, conn_use=2, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)",
            "Nov 10 14:00:03 mx1 postfix/smtp[20]: Q3A: to=<z@b.example>, relay=mx.b.example[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)",
            // Another process reuses the cached TLS connection to a.example.
            "Nov 10 14:00:04 mx1 postfix/smtp[21]: Verified TLS connection reused to mx.a.example[192.0.2.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
            "Nov 10 14:00:04 mx1 postfix/smtp[21]: Q4A: to=<w@a.example>, relay=mx.a.example[192.0.2.1]:25, conn_use=3, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)",
            // A failed handshake to b: the plaintext retry is not encrypted.
            "Nov 10 14:00:05 mx1 postfix/smtp[22]: SSL_connect error to mx.b.example[192.0.2.2]:25: -1",
            "Nov 10 14:00:05 mx1 postfix/smtp[22]: warning: TLS library problem: error:0A000410:SSL routines::sslv3 alert handshake failure:ssl/record/rec_layer_s3.c:1605:SSL alert number 40:",
            "Nov 10 14:00:06 mx1 postfix/smtp[22]: Q5A: to=<v@b.example>, relay=mx.b.example[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)",
        ].map { $0.replacingOccurrences(of: ": Q", with: ": 1A2B3C4D5E") })
        let s = try #require(p.sessions.first)
        #expect(p.sessions.count == 1)
        let d = p.deliveries
        try #require(d.count == 5)
        #expect(d[0].sessionID == s.id && d[1].sessionID == s.id)
        #expect(d[2].sessionID == nil)
        #expect(d[3].sessionID == s.id, "reused in another process: the same session")
        #expect(d[4].sessionID == nil && !d[4].event.isEncrypted(sessionID: nil))
        let f = try #require(p.failures.first)
        #expect(f.reason == "error:0A000410:SSL routines::sslv3 alert handshake failure:ssl/record/rec_layer_s3.c:1605:SSL alert number 40:")
        #expect(f.id == 1)
    }

    @Test func reusedWithoutItsSessionInTheLogStillEncrypts() throws {
        let p = linked([
            "Nov 10 14:00:04 mx1 postfix/smtp[21]: Trusted TLS connection reused to mx.a.example[192.0.2.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
            "Nov 10 14:00:04 mx1 postfix/smtp[21]: 1A2B3C4D5E: to=<w@a.example>, relay=mx.a.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)",
        ])
        let d = try #require(p.deliveries.first)
        #expect(p.sessions.isEmpty && d.sessionID == nil && d.overTLS == true)
    }

    @Test func libraryProblemBeforeOrAfterTheFailureGivesItsReason() throws {
        let after = linked([
            "Sep 19 16:51:56 smtp postfix/smtpd[4047870]: connect from unknown[10.10.100.160]",
            "Sep 19 16:51:56 smtp postfix/smtpd[4047870]: SSL_accept error from unknown[10.10.100.160]: -1",
            "Sep 19 16:51:56 smtp postfix/smtpd[4047870]: warning: TLS library problem: error:0A00010B:SSL routines::wrong version number:ssl/record/ssl3_record.c:354:",
            "Sep 19 16:51:56 smtp postfix/smtpd[4047870]: lost connection after STARTTLS from unknown[10.10.100.160]",
            "Sep 19 16:51:56 smtp postfix/smtpd[4047870]: disconnect from unknown[10.10.100.160] ehlo=1 starttls=0/1 commands=1/2",
        ])
        #expect(after.failures.map(\.event.reason) == ["error:0A00010B:SSL routines::wrong version number:ssl/record/ssl3_record.c:354:"])
        let alone = linked([
            "Sep 19 16:51:56 smtp postfix/smtpd[5]: SSL_accept error from unknown[10.10.100.160]: lost connection",
            "Sep 19 16:51:57 smtp postfix/smtpd[5]: disconnect from unknown[10.10.100.160] ehlo=1 starttls=0/1 commands=1/2",
        ])
        #expect(alone.failures.map(\.event.reason) == ["lost connection"])
        // A problem line with no failure line is not a failure.
        let none = linked([
            "Mar  3 11:39:34 mail postfix/smtpd[1096]: warning: TLS library problem: error:1417D18C:SSL routines:tls_process_client_hello:version too low:../ssl/statem/statem_srvr.c:989:",
            "Mar  3 11:39:34 mail postfix/smtpd[1096]: disconnect from internet.nl[62.204.66.10] ehlo=1 starttls=0/1 commands=1/2",
        ])
        #expect(none.failures.isEmpty)
    }

    @Test func verifyMessageGoesToTheNextSession() throws {
        let p = linked([
            "Jan  1 00:00:01 m postfix/smtp[3]: certificate verification failed for mail.example.com[113.169.17.115]:25: self-signed certificate.",
            "Jan  1 00:00:01 m postfix/smtp[3]: Untrusted TLS connection established to mail.example.com[113.169.17.115]:25: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
        ])
        let c = try #require(p.certificates.first)
        #expect(c.sessionID == p.sessions.first?.id && c.verifyMessage == "self-signed certificate.")
    }

    @Test func heldRecordsSurviveSavingTheState() throws {
        let lines = Self.inbound(pid: 10, qid: "AAA111", tls: true, starttls: "starttls=1", sasl: true)
        var first = Pipeline()
        first.feed(Array(lines.dropLast()))
        #expect(first.messages.isEmpty)
        // Saved (as with each committed part) and read back by the next run.
        let json = try JSONEncoder().encode(first.linker)
        var second = Pipeline()
        second.linker = try JSONDecoder().decode(SessionLinker.self, from: json)
        second.feed([lines.last!])
        let m = try #require(second.messages.first)
        #expect(m.sessionID == first.sessions.first?.id && m.sender == "bob@example.com")
        #expect(second.auths.count == 1)
        // The same rows as one uninterrupted run.
        let whole = linked(lines)
        #expect(whole.messages.map(\.event) == second.messages.map(\.event))
        #expect(whole.messages.map(\.sessionID) == second.messages.map(\.sessionID))
    }

    @Test func theIdleGapEmitsHeldRecords() throws {
        var lines = Self.inbound(pid: 10, qid: "AAA111", tls: false, starttls: "starttls=1")
        lines.removeLast()   // no disconnect
        var p = Pipeline(sessionGap: 600)
        p.feed(lines)
        #expect(p.messages.isEmpty)
        // An hour later another line of the host: the sweep ends the idle connection.
        p.feed(["Nov 10 15:00:00 mx1 postfix/smtpd[11]: connect from b.example[192.0.2.77]"])
        var emitted: [LogRecord] = []
        p.linker.compact { emitted.append($0) }
        #expect(emitted.compactMap { $0.event.asMessage }.count == 1)
        #expect(p.linker.openKeys == 1)
        // And the same pid after the gap starts a new connection: the old message is emitted first.
        var q = Pipeline(sessionGap: 600)
        q.feed(lines + ["Nov 10 15:00:00 mx1 postfix/smtpd[10]: 0BBB222CCC: client=c.example[192.0.2.78]"])
        #expect(q.messages.count == 1 && q.messages[0].sender == "bob@example.com")
    }

    /// Past its bound the held state ends the longest idle connections early, writing their messages
    /// as not encrypted. Which ones must not depend on where parts and runs were cut: a commit (sweep,
    /// save, load) anywhere gives what one pass over all lines gives.
    @Test func whereTheStateIsSavedDoesNotChangeWhatItsBoundEnds() throws {
        // 4,500 connections, each holding one message with a sender of 900 bytes (no TLS line: the
        // disconnect's starttls=1 says it was encrypted), then all disconnect.
        var lines: [String] = []
        let long = String(repeating: "s", count: 900)
        for i in 0..<4_500 {
            let t = String(format: "Nov 10 14:%02d:%02d", i / 600, (i / 10) % 60), pid = 20_000 + i, q = String(format: "C%09X", i)
            lines += ["\(t) mx1 postfix/smtpd[\(pid)]: connect from c\(i).example[192.0.2.\(i % 250)]",
                      "\(t) mx1 postfix/smtpd[\(pid)]: \(q): client=c\(i).example[192.0.2.\(i % 250)]",
                      "\(t) mx1 postfix/qmgr[900]: \(q): from=<\(long)\(i)@c\(i).example>, size=100, nrcpt=1 (queue active)"]
        }
        for i in 0..<4_500 {
            lines.append("Nov 10 14:08:00 mx1 postfix/smtpd[\(20_000 + i)]: disconnect from c\(i).example[192.0.2.\(i % 250)] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=6")
        }
        func encrypted(_ p: Pipeline) -> [String] {
            p.records.compactMap { r in r.event.asMessage.map { m in "\(r.queueID ?? "") \(m.isEncrypted(sessionID: r.sessionID))" } }.sorted()
        }
        var whole = Pipeline()
        whole.feed(lines)
        let reference = encrypted(whole)
        #expect(reference.count == 4_500)
        #expect(reference.contains { $0.hasSuffix("false") }, "the bound must be reached for the test to say anything")
        for cuts in [[1_500], Array(stride(from: 1_000, to: 18_000, by: 1_000))] {
            var p = Pipeline()
            var start = 0
            for cut in cuts + [lines.count] {
                p.feed(Array(lines[start..<cut]))
                try p.commit()
                start = cut
            }
            #expect(encrypted(p) == reference, "cut at \(cuts)")
        }
    }

    @Test func heldStateStaysBoundedAndLosesNothing() throws {
        // 20,000 connections that never end, each holding a message with a long client name: the
        // sweeps end the longest idle ones (writing their messages) to keep the state near 4 MiB.
        var p = Pipeline()
        let long = String(repeating: "x", count: 200)
        var mostKeys = 0
        for i in 0..<20_000 {
            let t = String(format: "14:%02d:%02d", i / 1000, (i / 20) % 60)
            p.feed(["Nov 10 \(t) mx1 postfix/smtpd[\(100_000 + i)]: \(String(format: "%010X", i + 1)): client=\(long)\(i).example[192.0.2.\(i % 250)]"])
            mostKeys = max(mostKeys, p.linker.openKeys)
        }
        #expect(mostKeys < 12_000, "open connections grew to \(mostKeys)")
        #expect(p.messages.count > 8_000)
        let saved = try JSONEncoder().encode(p.linker)
        #expect(saved.count < 16 << 20, "saved state of \(saved.count) bytes")
        // An hour later, one line and a sweep: every message has been written, none twice.
        var restored = try JSONDecoder().decode(SessionLinker.self, from: saved)
        var after: [LogRecord] = []
        var parser = LineParser(resolver: TimestampResolver(year: 2026, timeZone: utcZone))
        if case .record(let r) = ByteSpan.with("Nov 10 16:00:00 mx1 postfix/smtpd[1]: connect from a[192.0.2.1]", {
            parser.parse($0, origin: LineOrigin(source: 1, offset: 0)) }) {
            restored.link(r) { after.append($0) }
        }
        restored.compact { after.append($0) }
        let ids = p.records.compactMap { $0.event.asMessage == nil ? nil : $0.queueID }
            + after.compactMap { $0.event.asMessage == nil ? nil : $0.queueID }
        #expect(ids.count == 20_000 && Set(ids).count == 20_000)
        #expect(restored.openKeys == 1)
    }

    /// A bulk sender's connection at `smtpd_tls_loglevel = 0`: a thousand authenticated messages, and
    /// only the disconnect counters say that STARTTLS succeeded. Every message and AUTH is over TLS
    /// (a bound of 64 held records called all but the last 32 unencrypted, and their passwords clear).
    @Test func aBulkConnectionsMessagesWaitForItsCounters() {
        var lines = ["Nov 10 14:00:00 mx1 postfix/submission/smtpd[10]: connect from app.example[192.0.2.10]"]
        for i in 0..<1_000 {
            lines.append("Nov 10 14:00:01 mx1 postfix/submission/smtpd[10]: \(String(format: "%010X", i + 1)): client=app.example[192.0.2.10], sasl_method=PLAIN, sasl_username=app")
        }
        lines.append("Nov 10 14:05:00 mx1 postfix/submission/smtpd[10]: disconnect from app.example[192.0.2.10] ehlo=2 starttls=1 auth=1 mail=1000 rcpt=1000 data=1000 quit=1 commands=3004")
        let p = linked(lines)
        #expect(p.messages.count == 1_000 && p.auths.count == 1_000)
        #expect(p.messages.allSatisfy { $0.overTLS == true && $0.event.isEncrypted(sessionID: nil) })
        #expect(p.auths.allSatisfy { $0.overTLS == true })
    }

    @Test func heldRecordsAreBounded() {
        var lines = ["Nov 10 14:00:00 mx1 postfix/smtpd[10]: connect from a.example[192.0.2.10]"]
        for i in 0..<(PostfixLinker.maxHeld + 10) {
            lines.append("Nov 10 14:00:01 mx1 postfix/smtpd[10]: \(String(format: "%010X", i + 1)): client=a.example[192.0.2.10]")
        }
        let p = linked(lines)
        #expect(p.messages.count == PostfixLinker.maxHeld / 4, "the oldest quarter goes out at once")
        #expect(p.records.compactMap { $0.event.asMessage == nil ? nil : $0.queueID }
                == (0..<PostfixLinker.maxHeld / 4).map { String(format: "%010X", $0 + 1) }, "oldest first")
        #expect(p.linker.openKeys == 1)
    }
}
