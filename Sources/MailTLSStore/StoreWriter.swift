import MailTLSParser

/// Counts of rows a writer inserted.
public struct WriteCounts: Sendable, Equatable {
    public var sessions = 0
    public var certificates = 0
    public var messages = 0
    public var deliveries = 0
    public var auth = 0
    public var failures = 0
    /// Certificate lines with no session to attach to.
    public var orphanCertificates = 0

    public init() {}

    public var rows: Int { sessions + messages + deliveries + auth + failures }

    public static func + (a: WriteCounts, b: WriteCounts) -> WriteCounts {
        var r = a
        r.sessions += b.sessions
        r.certificates += b.certificates
        r.messages += b.messages
        r.deliveries += b.deliveries
        r.auth += b.auth
        r.failures += b.failures
        r.orphanCertificates += b.orphanCertificates
        return r
    }
}

/// Writes linked `LogRecord`s into the store with one prepared statement per table.
///
/// The caller owns transactions (`begin`/`commit`/`rollback`), so a whole input file commits or
/// none of it does.
public final class StoreWriter {
    let db: Database
    private let insertSession: Statement
    private let updateCertificate: Statement
    private let insertMessage: Statement
    private let insertDelivery: Statement
    private let insertAuth: Statement
    private let insertFailure: Statement
    private let completeFailure: Statement
    private let completeDelivery: Statement
    private var time = TimeText()
    private let arena = TextArena()
    public private(set) var counts = WriteCounts()

    public init(store: Store) throws {
        db = store.database
        insertSession = try db.prepare("""
            INSERT INTO tls_sessions(id, ts, host, pid, role, peer, peer_ip, relay, forged, version, verify, cipher,
                alg_bits, cipher_bits, dane_pubkey_fp, dane_status, dane_note, source_id, source_offset, loopback)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        updateCertificate = try db.prepare(
            "UPDATE tls_sessions SET cert_subject = ?, cert_issuer = ?, verifymsg = ? WHERE id = ?")
        insertMessage = try db.prepare("""
            INSERT INTO messages(ts, host, pid, queue_id, sender, size, nrcpts, msgid, proto, daemon, peer, peer_ip,
                relay, forged, auth, tls_verify, tls_version, tls_cipher, tls_session_id, source_id, source_offset,
                loopback, encrypted)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        insertDelivery = try db.prepare("""
            INSERT INTO deliveries(ts, host, pid, queue_id, recipients, nrcpts, mailer, peer, peer_ip, relay, dsn,
                status, stat, delay, xdelay, tls_verify, tls_version, tls_cipher, tls_session_id, source_id, source_offset, id,
                loopback, network_mailer)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        completeDelivery = try db.prepare(
            "UPDATE deliveries SET recipients = recipients || ',' || ?, nrcpts = nrcpts + ? WHERE id = ?")
        insertAuth = try db.prepare("""
            INSERT INTO auth_events(ts, host, pid, queue_id, role, success, peer, peer_ip, relay, authid, mech, bits,
                reason, tls_session_id, source_id, source_offset, loopback)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        insertFailure = try db.prepare("""
            INSERT INTO tls_failures(ts, host, pid, queue_id, kind, role, peer, peer_ip, relay, reason, ssl_error,
                errno, ruleset, ruleset_arg, reject, tls_session_id, source_id, source_offset, id, loopback)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        completeFailure = try db.prepare("""
            UPDATE tls_failures SET loopback = CASE WHEN peer IS NULL AND peer_ip IS NULL THEN ? ELSE loopback END,
                peer = coalesce(peer, ?), peer_ip = coalesce(peer_ip, ?), relay = coalesce(relay, ?),
                ruleset = coalesce(?, ruleset), ruleset_arg = coalesce(?, ruleset_arg), reject = coalesce(?, reject)
            WHERE id = ?
            """)
    }

    public func begin() throws { try db.execute("BEGIN IMMEDIATE") }
    public func commit() throws { try db.execute("COMMIT") }
    public func rollback() { try? db.execute("ROLLBACK") }

    /// Puts the counters back (after a rolled-back file).
    public func restoreCounts(_ saved: WriteCounts) { counts = saved }

    /// Binds ts, host, pid, queue_id at 1...4.
    private func bindHead(_ s: Statement, _ r: LogRecord) {
        time.withISO(r.time) { s.bind(1, bytes: $0) }
        text(s, 2, r.host)
        s.bind(3, Int64(r.pid))
        text(s, 4, r.queueID)
    }

    /// Binds text through the row's arena: one copy, no allocation (SQLite would malloc a copy).
    private func text(_ s: Statement, _ i: Int32, _ value: String?) {
        guard let value else { s.bind(i, nil as String?); return }
        if !arena.bind(s, i, value) { s.bind(i, value) }
    }

    private func bindRelay(_ s: Statement, _ i: Int32, _ relay: Relay?) {
        text(s, i, relay?.peer)
        text(s, i + 1, relay?.ip)
        text(s, i + 2, relay?.raw)
    }

    /// Inserts one linked record.
    public func write(_ r: LogRecord) throws {
        arena.reset()
        switch r.event {
        case .tlsSession(let t):
            let s = insertSession
            s.bind(1, t.id)
            time.withISO(r.time) { s.bind(2, bytes: $0) }
            text(s, 3, r.host)
            s.bind(4, Int64(r.pid))
            text(s, 5, t.role.rawValue)
            text(s, 6, t.relay.peer)
            text(s, 7, t.relay.ip)
            text(s, 8, t.relay.raw)
            s.bind(9, t.relay.forged)
            text(s, 10, t.version)
            text(s, 11, t.verify)
            text(s, 12, t.cipher)
            s.bind(13, t.algBits)
            s.bind(14, t.cipherBits)
            text(s, 15, t.danePubkeyFP)
            text(s, 16, t.daneStatus)
            text(s, 17, t.daneNote)
            s.bind(18, r.origin.source)
            s.bind(19, r.origin.offset)
            s.bind(20, t.relay.isLoopback)
            try s.run()
            counts.sessions += 1

        case .certificate(let c):
            guard let id = c.sessionID else { counts.orphanCertificates += 1; return }
            let s = updateCertificate
            text(s, 1, c.subject)
            text(s, 2, c.issuer)
            text(s, 3, c.verifyMessage)
            s.bind(4, id)
            try s.run()
            counts.certificates += 1

        case .message(let m):
            let s = insertMessage
            bindHead(s, r)
            text(s, 5, m.sender)
            s.bind(6, m.size)
            s.bind(7, m.nrcpts)
            text(s, 8, m.messageID)
            text(s, 9, m.proto)
            text(s, 10, m.daemon)
            bindRelay(s, 11, m.relay)
            s.bind(14, m.relay?.forged ?? false)
            text(s, 15, m.auth)
            text(s, 16, m.loggedTLS?.verify)
            text(s, 17, m.loggedTLS?.version)
            text(s, 18, m.loggedTLS?.cipher)
            s.bind(19, m.tlsSessionID)
            s.bind(20, r.origin.source)
            s.bind(21, r.origin.offset)
            s.bind(22, m.relay?.isLoopback ?? false)
            s.bind(23, m.isEncrypted)
            try s.run()
            counts.messages += 1

        case .delivery(let d):
            let s = insertDelivery
            bindHead(s, r)
            text(s, 5, d.recipients)
            s.bind(6, d.recipientCount)
            text(s, 7, d.mailer)
            bindRelay(s, 8, d.relay)
            text(s, 11, d.dsn)
            text(s, 12, d.status.rawValue)
            text(s, 13, d.statusText)
            text(s, 14, d.delay)
            text(s, 15, d.xdelay)
            text(s, 16, d.loggedTLS?.verify)
            text(s, 17, d.loggedTLS?.version)
            text(s, 18, d.loggedTLS?.cipher)
            s.bind(19, d.tlsSessionID)
            s.bind(20, r.origin.source)
            s.bind(21, r.origin.offset)
            s.bind(22, d.id > 0 ? d.id : nil)
            s.bind(23, d.relay?.isLoopback ?? false)
            s.bind(24, d.usesNetworkMailer)
            try s.run()
            counts.deliveries += 1

        case .deliveryCompletion(let c):
            let s = completeDelivery
            text(s, 1, c.recipients)
            s.bind(2, c.recipientCount)
            s.bind(3, c.deliveryID)
            try s.run()

        case .auth(let a):
            let s = insertAuth
            bindHead(s, r)
            text(s, 5, a.role.rawValue)
            s.bind(6, a.success)
            bindRelay(s, 7, a.relay)
            text(s, 10, a.authid)
            text(s, 11, a.mechanism)
            s.bind(12, a.bits)
            text(s, 13, a.reason)
            s.bind(14, a.tlsSessionID)
            s.bind(15, r.origin.source)
            s.bind(16, r.origin.offset)
            s.bind(17, a.relay?.isLoopback ?? false)
            try s.run()
            counts.auth += 1

        case .failure(let f):
            let s = insertFailure
            bindHead(s, r)
            text(s, 5, f.kind.rawValue)
            text(s, 6, f.role?.rawValue)
            bindRelay(s, 7, f.relay)
            text(s, 10, f.reason)
            s.bind(11, f.sslError)
            s.bind(12, f.errno)
            text(s, 13, f.ruleset)
            text(s, 14, f.rulesetArg)
            text(s, 15, f.reject)
            s.bind(16, f.sessionID)
            s.bind(17, r.origin.source)
            s.bind(18, r.origin.offset)
            s.bind(19, f.id > 0 ? f.id : nil)
            s.bind(20, f.relay?.isLoopback ?? false)
            try s.run()
            counts.failures += 1

        case .failureCompletion(let c):
            let s = completeFailure
            s.bind(1, c.relay?.isLoopback ?? false)
            bindRelay(s, 2, c.relay)
            text(s, 5, c.ruleset)
            text(s, 6, c.rulesetArg)
            text(s, 7, c.reject)
            s.bind(8, c.failureID)
            try s.run()

        case .connect:
            break
        }
    }
}
