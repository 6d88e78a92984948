import MailTLSParser

/// Adds each written row to in-memory rollup counts (one dictionary update per row, on the writer's
/// thread), then upserts them into the rollup tables in the same transaction as the rows.
///
/// `StoreWriter` counts each row as it writes it, with the event it already holds: taking an event
/// out of its record copies it (a retain and release of every String in it), so it is done once.
///
/// The definitions are those of `Rollups.delta` (the SQL that builds the same tables from raw rows,
/// used by the migration and `--reingest`); a test checks both give the same tables.
public final class RollupAccumulator {
    struct Count {
        var n = 0
        var first = Int64.max
        var last = Int64.min
        mutating func add(_ t: Int64) {
            n += 1
            first = min(first, t)
            last = max(last, t)
        }
    }
    // Keys hash with FastHash (computed once, on creation): Swift's SipHash over every String of
    // every key was the largest part of counting a row. Equality still compares every field.
    struct SessionKey: Hashable {
        var day: Int64; var host: String; var role: String; var local: Bool
        var version: String; var verify: String; var cipher: String; var bits: Int
        var fast: UInt64 = 0
        init(day: Int64, host: String, role: String, local: Bool, version: String, verify: String, cipher: String, bits: Int) {
            self.day = day; self.host = host; self.role = role; self.local = local
            self.version = version; self.verify = verify; self.cipher = cipher; self.bits = bits
            var h = FastHash.of(cipher, FastHash.of(verify, FastHash.of(version, FastHash.of(role, FastHash.of(host)))))
            h = FastHash.of(day &* 4 &+ (local ? 1 : 0) &+ Int64(bits) &* 1_000_003, h)
            fast = h
        }
        func hash(into h: inout Hasher) { h.combine(fast) }
    }
    struct PeerCipherKey: Hashable {
        var role: String; var cipher: String; var peer: String; var local: Bool; var host: String; var bits: Int
        var fast: UInt64 = 0
        init(role: String, cipher: String, peer: String, local: Bool, host: String, bits: Int) {
            self.role = role; self.cipher = cipher; self.peer = peer; self.local = local; self.host = host; self.bits = bits
            let h = FastHash.of(host, FastHash.of(peer, FastHash.of(cipher, FastHash.of(role))))
            fast = FastHash.of(Int64(bits) &* 2 &+ (local ? 1 : 0), h)
        }
        func hash(into h: inout Hasher) { h.combine(fast) }
    }
    struct TrafficKey: Hashable { var day: Int64; var host: String; var inbound: Bool; var local: Bool; var encrypted: Bool }
    struct FailureKey: Hashable { var day: Int64; var host: String; var role: String; var local: Bool; var kind: String }
    struct AuthKey: Hashable { var day: Int64; var host: String; var role: String; var local: Bool; var success: Bool
        var mech: String; var overTLS: Bool }

    private var sessions: [SessionKey: Count] = [:]
    private var peerCiphers: [PeerCipherKey: Count] = [:]
    private var traffic: [TrafficKey: Count] = [:]
    private var failures: [FailureKey: Count] = [:]
    private var auth: [AuthKey: Count] = [:]

    static func day(_ t: Int64) -> Int64 { t >= 0 ? t / 86400 : (t - 86399) / 86400 }

    /// ASCII upper case, without allocating when it already is.
    static func upper(_ s: String) -> String {
        s.utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) ? s.uppercased() : s
    }

    static func isLocal(_ relay: Relay?) -> Bool { relay?.isLoopback ?? false }

    public init() {}

    /// Counts the `tls_sessions` row of `r`, whose event is `s`.
    func add(session s: TLSSession, of r: LogRecord) {
        let local = Self.isLocal(s.relay)
        let bits = s.cipherBits ?? -1
        sessions[SessionKey(day: Self.day(r.time), host: r.host, role: s.role.rawValue, local: local, version: s.version,
                            verify: s.verify, cipher: s.cipher, bits: bits), default: Count()].add(r.time)
        peerCiphers[PeerCipherKey(role: s.role.rawValue, cipher: s.cipher, peer: s.relay.peer ?? "", local: local,
                                  host: r.host, bits: bits), default: Count()].add(r.time)
    }

    /// Counts the `messages` row of `r`, whose event is `m`.
    func add(message m: InboundMessage, of r: LogRecord) {
        guard m.proto != nil else { return }
        traffic[TrafficKey(day: Self.day(r.time), host: r.host, inbound: true, local: Self.isLocal(m.relay),
                           encrypted: m.isEncrypted(sessionID: r.sessionID)), default: Count()].add(r.time)
    }

    /// Counts the `deliveries` row of `r`, whose event is `d`.
    func add(delivery d: Delivery, of r: LogRecord) {
        guard d.status == .sent, d.usesNetworkMailer else { return }
        traffic[TrafficKey(day: Self.day(r.time), host: r.host, inbound: false, local: Self.isLocal(d.relay),
                           encrypted: r.sessionID != nil), default: Count()].add(r.time)
    }

    /// Counts the `tls_failures` row of `r`, whose event is `f`.
    func add(failure f: TLSFailure, of r: LogRecord) {
        failures[FailureKey(day: Self.day(r.time), host: r.host, role: f.role?.rawValue ?? "", local: Self.isLocal(f.relay),
                            kind: f.kind.rawValue), default: Count()].add(r.time)
    }

    /// Counts the `auth_events` row of `r`, whose event is `a`.
    func add(auth a: AuthEvent, of r: LogRecord) {
        auth[AuthKey(day: Self.day(r.time), host: r.host, role: a.role.rawValue, local: Self.isLocal(a.relay),
                     success: a.success, mech: Self.upper(a.mechanism ?? ""), overTLS: r.sessionID != nil),
             default: Count()].add(r.time)
    }

    var isEmpty: Bool { sessions.isEmpty && peerCiphers.isEmpty && traffic.isEmpty && failures.isEmpty && auth.isEmpty }

    public func clear() {
        sessions.removeAll(keepingCapacity: true)
        peerCiphers.removeAll(keepingCapacity: true)
        traffic.removeAll(keepingCapacity: true)
        failures.removeAll(keepingCapacity: true)
        auth.removeAll(keepingCapacity: true)
    }

    /// Upserts the counts into the rollup tables and clears them.
    public func flush(into db: Database) throws {
        defer { clear() }
        guard !isEmpty else { return }
        let upd = "first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)"
        // Times and days are formatted into one reusable buffer (TimeText): no String per value.
        var time = TimeText()
        func bindTime(_ s: Statement, _ i: Int32, _ t: Int64) { time.withISO(t) { s.bind(i, bytes: $0) } }
        func bindDay(_ s: Statement, _ i: Int32, _ day: Int64) {
            time.withISO(day * 86400) { s.bind(i, bytes: UnsafeRawBufferPointer(rebasing: $0.prefix(10))) }
        }
        let s1 = try db.prepare("""
            INSERT INTO rollup_sessions VALUES (?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions, \(upd)
            """)
        for (k, c) in sessions {
            bindDay(s1, 1, k.day); s1.bind(2, k.host); s1.bind(3, k.role); s1.bind(4, k.local); s1.bind(5, k.version)
            s1.bind(6, k.verify); s1.bind(7, k.cipher); s1.bind(8, k.bits); s1.bind(9, c.n); bindTime(s1, 10, c.first)
            bindTime(s1, 11, c.last)
            try s1.run()
        }
        let s2 = try db.prepare("""
            INSERT INTO rollup_peer_ciphers VALUES (?,?,?,?,?,?,?,?,?)
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions, \(upd)
            """)
        for (k, c) in peerCiphers {
            s2.bind(1, k.role); s2.bind(2, k.cipher); s2.bind(3, k.peer); s2.bind(4, k.local); s2.bind(5, k.host)
            s2.bind(6, k.bits); s2.bind(7, c.n); bindTime(s2, 8, c.first); bindTime(s2, 9, c.last)
            try s2.run()
        }
        let s3 = try db.prepare("""
            INSERT INTO rollup_traffic VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """)
        for (k, c) in traffic {
            bindDay(s3, 1, k.day); s3.bind(2, k.host); s3.bind(3, k.inbound ? "inbound" : "outbound"); s3.bind(4, k.local)
            s3.bind(5, k.encrypted); s3.bind(6, c.n); bindTime(s3, 7, c.first); bindTime(s3, 8, c.last)
            try s3.run()
        }
        let s4 = try db.prepare("""
            INSERT INTO rollup_failures VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """)
        for (k, c) in failures {
            bindDay(s4, 1, k.day); s4.bind(2, k.host); s4.bind(3, k.role); s4.bind(4, k.local); s4.bind(5, k.kind)
            s4.bind(6, c.n); bindTime(s4, 7, c.first); bindTime(s4, 8, c.last)
            try s4.run()
        }
        let s5 = try db.prepare("""
            INSERT INTO rollup_auth VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """)
        for (k, c) in auth {
            bindDay(s5, 1, k.day); s5.bind(2, k.host); s5.bind(3, k.role); s5.bind(4, k.local); s5.bind(5, k.success)
            s5.bind(6, k.mech); s5.bind(7, k.overTLS); s5.bind(8, c.n); bindTime(s5, 9, c.first); bindTime(s5, 10, c.last)
            try s5.run()
        }
    }
}
