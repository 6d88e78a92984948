import Foundation
import Testing
@testable import MailTLSParser

/// The Exim linker: what links within a line, what reaches across lines, and its saved state.
@Suite struct EximLinkerTests {
    static let t = "2026-03-02 10:00:00 "

    @Test func recordsOfALineShareItsSession() throws {
        let p = linked([Self.t + "1tQ8aA-000000001a2-0A1b <= a@example.com H=mx.example.com [192.0.2.1] P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no DN=\"CN=c\" A=plain:a S=1",
                        Self.t + "1tQ8aB-000000001a2-0A1b <= b@example.com H=mx.example.com [192.0.2.1] P=esmtpa A=plain:b S=1"])
        #expect(p.sessions.count == 1)
        let id = p.sessions[0].id
        #expect(id > 0)
        #expect(p.certificates.map(\.sessionID) == [id])
        #expect(p.messages.map(\.sessionID) == [id, nil])
        #expect(p.auths.map(\.sessionID) == [id, nil])
    }

    @Test func arrowLinesContinueTheRunOfTheirMessage() throws {
        let p = linked([
            Self.t + "1tQ8aA-000000001a2-0A1b => a@example.net R=d T=remote_smtp H=mx.example.net [192.0.2.9] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 OK\"",
            Self.t + "1tQ8aB-000000001a3-0A1b => b@example.com R=d T=remote_smtp H=mx.example.com [192.0.2.8] C=\"250 OK\"",
            Self.t + "1tQ8aA-000000001a2-0A1b -> c@example.net R=d T=remote_smtp H=mx.example.net [192.0.2.9] C=\"250 OK\"",
            Self.t + "1tQ8aB-000000001a3-0A1b -> d@example.com R=d T=remote_smtp H=mx.example.com [192.0.2.8] C=\"250 OK\"",
            Self.t + "1tQ8aA-000000001a2-0A1b -> e@example.net R=d T=remote_smtp H=mx.example.net [192.0.2.9] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 OK\"",
        ])
        #expect(p.sessions.count == 1)
        let s = p.sessions[0].id
        #expect(p.deliveries.map(\.sessionID) == [s, nil, s, nil, s])
        #expect(p.deliveries.map { $0.event.isEncrypted(sessionID: $0.sessionID) } == [true, false, true, false, true])
        // Every delivery has its own row id.
        #expect(Set(p.deliveries.map(\.id)).count == 5)
        #expect(p.deliveries.allSatisfy { $0.id > 0 })
    }

    @Test func parallelRunsOfOneMessageAreToldApartByHost() throws {
        let p = linked([
            Self.t + "1tQ8aA-000000001a2-0A1b => a@example.net R=d T=remote_smtp H=mx.example.net [192.0.2.9] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 OK\"",
            Self.t + "1tQ8aA-000000001a2-0A1b => b@example.com R=d T=remote_smtp H=mx.example.com [192.0.2.8] C=\"250 OK\"",
            Self.t + "1tQ8aA-000000001a2-0A1b -> c@example.net R=d T=remote_smtp H=mx.example.net [192.0.2.9] C=\"250 OK\"",
            Self.t + "1tQ8aA-000000001a2-0A1b -> d@example.com R=d T=remote_smtp H=mx.example.com [192.0.2.8] C=\"250 OK\"",
        ])
        let s = try #require(p.sessions.first?.id)
        #expect(p.deliveries.map(\.sessionID) == [s, nil, s, nil])
    }

    @Test func deferralFailuresCountOncePerMessageAndHost() throws {
        func deferral(_ qid: String, _ rcpt: String, _ host: String) -> String {
            Self.t + "\(qid) == \(rcpt) R=d T=remote_smtp defer (-37) H=\(host) [192.0.2.9]: TLS session: (SSL_connect): error:1"
        }
        let p = linked([
            deferral("1tQ8aA-000000001a2-0A1b", "a@example.net", "mx1.example.net"),
            deferral("1tQ8aA-000000001a2-0A1b", "b@example.net", "mx1.example.net"),
            deferral("1tQ8aA-000000001a2-0A1b", "c@example.net", "mx2.example.net"),
            deferral("1tQ8aB-000000001a3-0A1b", "a@example.net", "mx1.example.net"),
            deferral("1tQ8aA-000000001a2-0A1b", "a@example.net", "mx1.example.net"),
        ])
        #expect(p.failures.count == 3)
        #expect(p.failures.map(\.id) == [1, 2, 3])
        #expect(p.deliveries.count == 5)
        #expect(p.deliveries.allSatisfy { $0.status == .deferred })
    }

    /// A failure on a line of its own is one connection attempt: a retry that fails again counts again,
    /// with or without the message id on the line, in the 4.90+ form and the older one. The deferrals
    /// of the same message and host around them still count once.
    @Test func ownLineFailuresCountEachAttempt() throws {
        let qid = "1tQ8aA-000000001a2-0A1b"
        let own = "TLS session: (SSL_connect): error:0A000086:SSL routines::certificate verify failed: delivering unencrypted to H=mx.tls.example [192.0.2.65] (not in hosts_require_tls)"
        let p = linked([
            "2026-03-02 10:00:00 \(qid) " + own,
            "2026-03-02 10:00:00 \(qid) == k@tls.example R=d T=remote_smtp defer (-44) H=mx.tls.example [192.0.2.65]: SMTP error from remote mail server after RCPT TO:<k@tls.example>: 451 greylisted",
            "2026-03-02 10:30:00 \(qid) " + own,
            "2026-03-02 10:30:00 \(qid) => k@tls.example R=d T=remote_smtp H=mx.tls.example [192.0.2.65] C=\"250 OK\"",
            "2026-03-02 10:40:00 " + own,
            "2026-03-02 11:00:00 \(qid) TLS error on connection to mx.old.example [192.0.2.67] (SSL_connect): wrong version number",
            "2026-03-02 11:40:00 \(qid) TLS error on connection to mx.old.example [192.0.2.67] (SSL_connect): wrong version number",
            "2026-03-02 12:00:00 \(qid) == a@old.example R=d T=remote_smtp defer (-37) H=mx.old.example [192.0.2.67]: TLS session: (SSL_connect): x",
            "2026-03-02 12:00:00 \(qid) == b@old.example R=d T=remote_smtp defer (-37) H=mx.old.example [192.0.2.67]: TLS session: (SSL_connect): x",
        ])
        #expect(p.failures.map { $0.relay?.peer } == ["mx.tls.example", "mx.tls.example", "mx.tls.example",
                                                       "mx.old.example", "mx.old.example", "mx.old.example"])
        #expect(p.failures.allSatisfy { $0.kind == .connectFailed })
    }

    @Test func stateSurvivesAJSONRoundTrip() throws {
        var parser = LineParser(resolver: TimestampResolver(year: 2026, timeZone: utcZone))
        var linker = SessionLinker()
        var out: [LogRecord] = []
        func feed(_ line: String, _ offset: Int64, into linker: inout SessionLinker) {
            let outcome = ByteSpan.with(line) { parser.parse($0, origin: LineOrigin(source: 1, offset: offset)) }
            guard case .records(let rs) = outcome else {
                if case .record(let r) = outcome { linker.link(r) { out.append($0) } }
                return
            }
            for r in rs { linker.link(r) { out.append($0) } }
        }
        feed(Self.t + "1tQ8aA-000000001a2-0A1b => a@example.net R=d T=remote_smtp H=mx.example.net [192.0.2.9] X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=yes C=\"250 OK\"", 0, into: &linker)
        feed(Self.t + "1tQ8aA-000000001a2-0A1b == b@example.net R=d T=remote_smtp defer (-37) H=mx2.example.net [192.0.2.7]: TLS session: (SSL_connect): x", 1, into: &linker)
        #expect(linker.openKeys == 2)
        let data = try JSONEncoder().encode(linker)
        var restored = try JSONDecoder().decode(SessionLinker.self, from: data)
        #expect(restored.openKeys == 2)
        out.removeAll()
        feed(Self.t + "1tQ8aA-000000001a2-0A1b -> c@example.net R=d T=remote_smtp H=mx.example.net [192.0.2.9] C=\"250 OK\"", 2, into: &restored)
        feed(Self.t + "1tQ8aA-000000001a2-0A1b == d@example.net R=d T=remote_smtp defer (-37) H=mx2.example.net [192.0.2.7]: TLS session: (SSL_connect): x", 3, into: &restored)
        let delivery = try #require(out.first { $0.event.asDelivery != nil })
        #expect(delivery.sessionID == 1)
        #expect(delivery.id == 3)   // ids continue after the restore
        #expect(out.allSatisfy { $0.event.asFailure == nil })   // the same message and host: not counted again
    }

    @Test func stateStaysBounded() throws {
        var linker = EximLinker()
        var ids = RowIDs()
        for i in 0..<(EximLinker.maxFailureKeys + 100) {
            // A deferral's line: its delivery, then its failure (`EximParser.unsuccessful`'s order).
            let relay = Relay(raw: "h", name: "h\(i)", ip: nil)
            let d = LogRecord(time: Int64(i), host: "", pid: 0, queueID: "q\(i)", origin: LineOrigin(source: 1, offset: Int64(i)),
                              event: .delivery(Delivery(recipients: "r", recipientCount: 1, continued: false, mailer: "smtp",
                                                        relay: relay, dsn: nil, status: .deferred, statusText: "TLS session: (SSL_connect): x",
                                                        delay: nil, xdelay: nil)), mta: .exim)
            linker.link(d, ids: &ids) { _ in }
            let r = LogRecord(time: Int64(i), host: "", pid: 0, queueID: "q\(i)", origin: LineOrigin(source: 1, offset: Int64(i)),
                              event: .failure(TLSFailure(kind: .connectFailed, role: .client,
                                                         relay: Relay(raw: "h", name: "h\(i)", ip: nil), reason: nil,
                                                         sslError: nil, errno: nil)), mta: .exim)
            linker.link(r, ids: &ids) { _ in }
            let c = LogRecord(time: Int64(i), host: "", pid: 0, queueID: "q\(i)", origin: LineOrigin(source: 1, offset: Int64(i)),
                              event: .connect(Relay(raw: "h", name: "h", ip: nil)), mta: .exim)
            linker.link(c, ids: &ids) { _ in }
        }
        #expect(linker.openKeys > EximLinker.maxRuns)   // the deferral keys are kept…
        #expect(linker.openKeys <= EximLinker.maxFailureKeys + EximLinker.maxRuns)   // …up to their bound
        // Keys older than the memory are forgotten at the next sweep.
        let late = LogRecord(time: EximLinker.failureMemory * 2, host: "", pid: 0, queueID: "z", origin: LineOrigin(source: 1, offset: -1),
                             event: .connect(Relay(raw: "h", name: "h", ip: nil)), mta: .exim)
        linker.link(late, ids: &ids) { _ in }
        linker.compact(ids: &ids) { _ in }
        #expect(linker.openKeys == EximLinker.maxRuns)
    }

    /// The runs are a ring of `maxRuns`: past its size the newest replaces the oldest, an `->` line still
    /// finds the newest run of its message, and the saved state lists the runs oldest first (the form
    /// states saved before the ring have), so a state survives a save and load around the wrap.
    @Test func runsWrapRoundTheRingAndSaveOldestFirst() throws {
        var linker = EximLinker()
        var ids = RowIDs()
        var out: [LogRecord] = []
        var offset: Int64 = 0
        func line(_ event: LogEvent, _ qid: String, newLine: Bool = true) -> LogRecord {
            if newLine { offset += 1 }
            return LogRecord(time: 1, host: "", pid: 0, queueID: qid, origin: LineOrigin(source: 1, offset: offset),
                             event: event, mta: .exim)
        }
        let relay = Relay(raw: "mx.example.net [192.0.2.9]", name: "mx.example.net", ip: "192.0.2.9")
        let tls = TLSSession(role: .client, relay: relay, version: "TLSv1.3", verify: "OK", cipher: "TLS_AES_256_GCM_SHA384",
                             algBits: nil, cipherBits: 256)
        func delivery(_ rcpt: String) -> LogEvent {
            .delivery(Delivery(recipients: rcpt, recipientCount: 1, continued: false, mailer: "smtp", relay: relay, dsn: nil,
                               status: .sent, statusText: "250 OK", delay: nil, xdelay: nil))
        }
        // maxRuns + 10 runs, each message's own: even ones over TLS.
        let n = EximLinker.maxRuns + 10
        var sessionOf: [String: Int64] = [:]
        for i in 0..<n {
            let qid = "1tQ8aA-\(String(i, radix: 10))-0A1b"
            linker.link(line(.connect(relay), qid), ids: &ids) { out.append($0) }
            if i.isMultiple(of: 2) {
                linker.link(line(.tlsSession(tls), qid, newLine: false), ids: &ids) { out.append($0) }
                sessionOf[qid] = out.last?.id
            }
            linker.link(line(delivery("a\(i)@example.net"), qid, newLine: false), ids: &ids) { out.append($0) }
        }
        #expect(linker.openKeys == EximLinker.maxRuns)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let saved = try encoder.encode(linker)
        let json = try #require(try JSONSerialization.jsonObject(with: saved) as? [String: Any])
        let queueIDs = try #require(json["runQueueIDs"] as? [String])
        #expect(queueIDs.count == EximLinker.maxRuns)
        #expect(queueIDs.first == "1tQ8aA-10-0A1b")
        #expect(queueIDs.last == "1tQ8aA-\(n - 1)-0A1b")
        var restored = try JSONDecoder().decode(EximLinker.self, from: saved)
        #expect(try encoder.encode(restored) == saved)
        // `->` lines of the newest run, of an old one still in the ring, and of one that fell out.
        for (i, expected) in [(n - 2, sessionOf["1tQ8aA-\(n - 2)-0A1b"]), (12, sessionOf["1tQ8aA-12-0A1b"]), (4, nil as Int64?)] {
            out.removeAll()
            restored.link(line(delivery("b\(i)@example.net"), "1tQ8aA-\(i)-0A1b"), ids: &ids) { out.append($0) }
            #expect(out.count == 1)
            #expect(out.first?.sessionID == expected, "run \(i)")
            #expect(expected != nil || i == 4)
        }
    }
}
