import Foundation
@testable import MailTLSStore
import MailTLSParser
import Testing

/// Schema v6: a TLS session or AUTH logged on the line of a message (Exim `<=` with `X=` and `A=`) lives
/// on the message row, and `tls_sessions` and `auth_events` show it as a row of their own would; anything
/// the message row cannot hold, or a record of another line, keeps a row of its own.
@Suite struct LineSessionTests {
    static let relay = ByteSpan.with("mail.example.com [192.0.2.10]") { Relay.parse($0) }

    /// The records Exim's `<=` line with `X=`, `DN=` and `A=` makes, at `offset`: session, certificate,
    /// message, AUTH (as `EximParser` and `EximLinker` make them).
    static func arrival(offset: Int64, session id: Int64, relay: Relay = relay, algBits: Int? = nil,
                        issuer: String? = nil, authBits: Int? = nil) -> [LogRecord] {
        let origin = LineOrigin(source: 1, offset: offset)
        let t = TLSSession(role: .server, relay: relay, version: "TLS1.3", verify: "OK", cipher: "TLS_AES_256_GCM_SHA384",
                           algBits: algBits, cipherBits: 256, verifyLogged: "CV=yes")
        let c = Certificate(role: .server, subject: "CN=mail.example.com,O=Example", issuer: issuer, verifyMessage: nil)
        let m = InboundMessage(sender: "alice@example.com", size: 4210, nrcpts: 1, messageID: "a1@example.com",
                               proto: "esmtpsa", daemon: nil, relay: relay, overTLS: true)
        let a = AuthEvent(role: .server, success: true, relay: relay, authid: "alice", mechanism: "PLAIN", bits: authBits)
        func record(_ e: LogEvent, id: Int64 = 0, sessionID: Int64? = id) -> LogRecord {
            LogRecord(time: 1_793_000_000 + offset, host: "mx1", pid: 1201, queueID: "1tQ8aA-000000001a\(offset)-0A1b",
                      origin: origin, event: e, id: id, sessionID: sessionID, mta: .exim)
        }
        return [record(.tlsSession(t), id: id, sessionID: nil), record(.certificate(c), sessionID: id),
                record(.message(m), sessionID: id), record(.auth(a), sessionID: id)]
    }

    /// Writes `records` (with a flush after each index in `flushAfter`) and commits.
    static func write(_ records: [LogRecord], flushAfter: Set<Int> = []) throws -> (URL, Store) {
        let (dir, store, w) = try StoreWriterTests.openWriter()
        try w.begin()
        for (i, r) in records.enumerated() {
            try w.write(r)
            if flushAfter.contains(i) { try w.flush() }
        }
        try w.commit()
        return (dir, store)
    }

    static func rows(_ store: Store, _ sql: String) throws -> [String] {
        let s = try store.database.prepare(sql)
        var out: [String] = []
        while try s.step() {
            out.append((0..<s.columnCount).map { s.isNull($0) ? "∅" : s.string($0) ?? "" }.joined(separator: "|"))
        }
        return out
    }

    static let sessionView = "SELECT id, role, peer, version, verify, version_logged, verify_logged, cipher, cipher_bits, cert_subject FROM tls_sessions ORDER BY id"
    static let authView = "SELECT id, role, success, authid, mech, tls_session_id, encrypted FROM auth_events ORDER BY source_offset"

    @Test(arguments: [Set<Int>(), [0], [1], [2], [0, 1, 2]])
    func aLinesSessionAndAuthLiveOnItsMessageRowWhereverTheBatchesWereWritten(flushAfter: Set<Int>) throws {
        let (dir, store) = try Self.write(Self.arrival(offset: 100, session: 7), flushAfter: flushAfter)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try store.database.scalarInt("SELECT count(*) FROM session_rows") == 0)
        #expect(try store.database.scalarInt("SELECT count(*) FROM auth_rows") == 0)
        #expect(try Self.rows(store, Self.sessionView)
                == ["7|server|mail.example.com|TLSv1.3|OK|TLS1.3|CV=yes|TLS_AES_256_GCM_SHA384|256|CN=mail.example.com,O=Example"])
        let message = try #require(try store.database.scalarInt("SELECT id FROM message_rows"))
        #expect(try Self.rows(store, Self.authView) == ["\(-message)|server|1|alice|PLAIN|7|1"])
        #expect(try Self.rows(store, "SELECT tls_verify, tls_version, tls_cipher, tls_bits, session_role, auth_role FROM messages")
                == ["OK|TLSv1.3|TLS_AES_256_GCM_SHA384|256|server|server"])
    }

    @Test func whatTheMessageRowCannotHoldKeepsARowOfItsOwn() throws {
        // alg_bits (sendmail's bits=alg/cipher), a certificate issuer, SASL bits: rows of their own, shown the same.
        for (records, sessionRows, authRows) in [
            (Self.arrival(offset: 100, session: 7, algBits: 256), 1, 0),
            (Self.arrival(offset: 100, session: 7, issuer: "CN=Example CA"), 1, 0),
            (Self.arrival(offset: 100, session: 7, authBits: 56), 0, 1),
        ] {
            let (dir, store) = try Self.write(records)
            defer { try? FileManager.default.removeItem(at: dir) }
            #expect(try store.database.scalarInt("SELECT count(*) FROM session_rows") == Int64(sessionRows))
            #expect(try store.database.scalarInt("SELECT count(*) FROM auth_rows") == Int64(authRows))
            #expect(try store.database.scalarInt("SELECT count(*) FROM tls_sessions") == 1)
            #expect(try store.database.scalarInt("SELECT count(*) FROM auth_events") == 1)
            #expect(try Self.rows(store, "SELECT version, cipher_bits FROM tls_sessions") == ["TLSv1.3|256"])
        }
    }

    @Test func recordsOfAnotherLineOrPeerDoNotMove() throws {
        var records = Self.arrival(offset: 100, session: 7)
        // The message and AUTH of the next line, linked to the session (as sendmail links a from= line): the
        // session stays a row; the AUTH is of the message's own line, and lives on it.
        let next = Self.arrival(offset: 200, session: 7)
        records = [records[0], next[2], next[3]]
        var (dir, store) = try Self.write(records)
        #expect(try store.database.scalarInt("SELECT count(*) FROM session_rows") == 1)
        #expect(try store.database.scalarInt("SELECT count(*) FROM auth_rows") == 0)
        #expect(try Self.rows(store, "SELECT session_role, auth_role, tls_session_id FROM messages") == ["∅|server|7"])
        try? FileManager.default.removeItem(at: dir)

        // An AUTH of another line than the message's keeps its row.
        (dir, store) = try Self.write([next[2], records[0], Self.arrival(offset: 300, session: 7)[3]])
        #expect(try store.database.scalarInt("SELECT count(*) FROM auth_rows") == 1)
        try? FileManager.default.removeItem(at: dir)

        // Another peer on the same line (not what a parser makes, but nothing may move then).
        let other = ByteSpan.with("other.example.net [198.51.100.9]") { Relay.parse($0) }
        let arrival = Self.arrival(offset: 100, session: 7)
        let foreign = Self.arrival(offset: 100, session: 7, relay: other)
        (dir, store) = try Self.write([arrival[0], foreign[2], foreign[3]])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try store.database.scalarInt("SELECT count(*) FROM session_rows") == 1)
        #expect(try store.database.scalarInt("SELECT count(*) FROM tls_sessions") == 1)
    }

    @Test func anEqualRelayObjectMovesAsTheSameOne() throws {
        // A held record that comes back from the linker's saved state has its own Relay object.
        let copy = try JSONDecoder().decode(Relay.self, from: JSONEncoder().encode(Self.relay))
        #expect(copy !== Self.relay && copy == Self.relay)
        let arrival = Self.arrival(offset: 100, session: 7), decoded = Self.arrival(offset: 100, session: 7, relay: copy)
        let (dir, store) = try Self.write([arrival[0], arrival[1], decoded[2], decoded[3]])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try store.database.scalarInt("SELECT count(*) FROM session_rows") == 0)
        #expect(try store.database.scalarInt("SELECT count(*) FROM auth_rows") == 0)
    }
}
