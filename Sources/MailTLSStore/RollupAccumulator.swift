import MailTLSParser

/// Adds each written row to in-memory rollup counts (one `RollupTable` update per row, on the writer's
/// thread), then upserts them into the rollup tables in the same transaction as the rows.
///
/// `StoreWriter` counts each row as it writes it, with the event it already holds: taking an event
/// out of its record copies it (a retain and release of every String in it), so it is done once.
///
/// The definitions are those of `Rollups.delta` (the SQL that builds the same tables from raw rows,
/// used by the migration and `--reingest`); a test checks both give the same tables.
public final class RollupAccumulator {
    package struct Count {
        package var n = 0
        package var first = Int64.max
        package var last = Int64.min
        mutating func add(_ t: Int64) {
            n += 1
            first = min(first, t)
            last = max(last, t)
        }
    }
    // The keys, in `RollupTable`s: each row's hash is computed with FastHash from its own values, and a
    // row that matches a key already counted is compared in place, without making a key.
    package struct SessionKey {
        package var day: Int64; package var host: String; package var role: String; package var local: Bool
        package var version: String; package var verify: String; package var cipher: String; package var bits: Int
    }
    package struct PeerCipherKey {
        package var role: String; package var cipher: String; package var peer: String; package var local: Bool
        package var host: String; package var bits: Int
    }
    /// `rollup_peer_sessions`: `peer` nil where the row's peer is NULL, `bits` -1 where cipher_bits is.
    package struct PeerSessionKey {
        package var day: Int64; package var host: String; package var role: String; package var local: Bool
        package var peer: String?
        package var version: String; package var verify: String; package var cipher: String; package var bits: Int
        /// The `texts` ids of its texts when the writer gave them (`add(session:of:local:ids:)`): the
        /// table stores ids, which `flush(into:)` then binds instead of looking each text up.
        package var ids: SessionTextIDs? = nil
    }
    package struct TrafficKey {
        package var day: Int64; package var host: String; package var inbound: Bool; package var local: Bool
        package var encrypted: Bool
    }
    package struct FailureKey {
        package var day: Int64; package var host: String; package var role: String; package var local: Bool
        package var kind: String
    }
    package struct AuthKey {
        package var day: Int64; package var host: String; package var role: String; package var local: Bool
        package var success: Bool; package var mech: String; package var overTLS: Bool
    }

    package let sessions = RollupTable<SessionKey>()
    package let peerCiphers = RollupTable<PeerCipherKey>()
    package let peerSessions = RollupTable<PeerSessionKey>()
    package let traffic = RollupTable<TrafficKey>()
    package let failures = RollupTable<FailureKey>()
    package let auth = RollupTable<AuthKey>()

    /// Flags folded into one hash input.
    @inline(__always) static func flags(_ a: Bool, _ b: Bool = false, _ c: Bool = false) -> Int64 {
        (a ? 4 : 0) | (b ? 2 : 0) | (c ? 1 : 0)
    }

    static func day(_ t: Int64) -> Int64 { t >= 0 ? t / 86400 : (t - 86399) / 86400 }

    /// ASCII upper case, without allocating when it already is.
    static func upper(_ s: String) -> String {
        s.utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) ? s.uppercased() : s
    }

    public init() {}

    /// The `texts` ids of a session's text key fields, for `add(session:of:local:ids:)`.
    package struct SessionTextIDs {
        package var host: Int64, role: Int64, version: Int64, verify: Int64, cipher: Int64
        /// nil where the session has no peer.
        package var peer: Int64?
        package init(host: Int64, role: Int64, version: Int64, verify: Int64, cipher: Int64, peer: Int64?) {
            (self.host, self.role, self.version, self.verify, self.cipher, self.peer) =
                (host, role, version, verify, cipher, peer)
        }
    }

    /// Counts the `tls_sessions` row of `r`, whose event is `s`. `local` is the row's `loopback` value,
    /// which the writer has just computed (here and below).
    ///
    /// `ids`, when the caller has them (the SQLite writer has just looked them up for the row): the
    /// keys are hashed from these integers instead of from the five Strings' bytes (half the cost of
    /// counting a session; callgrind). Ids stand for their text one to one, so the keys compared stay
    /// the same. One accumulator must be given ids for every session or for none, since the hash
    /// picks the slot a key is looked for in.
    package func add(session s: TLSSession, of r: LogRecord, local: Bool, ids: SessionTextIDs? = nil) {
        let bits = s.cipherBits ?? -1
        let day = Self.day(r.time), role = s.role.rawValue, peer = s.relay.peer ?? ""
        let flags = Int64(bits) &* 4 &+ Self.flags(local, s.role == .server)
        let common: UInt64, versionVerify: UInt64, peerHash: UInt64
        if let ids {
            common = FastHash.of(flags, FastHash.of(ids.cipher, FastHash.of(ids.host, 0)))
            versionVerify = FastHash.of(ids.verify, FastHash.of(ids.version, common))
            // No peer and an empty one are one key of `rollup_peer_ciphers` (peer ''): one hash.
            peerHash = FastHash.of(peer.isEmpty ? -1 : ids.peer ?? -1, 0)
        } else {
            common = FastHash.of(flags, FastHash.of(s.cipher, FastHash.of(r.host)))
            versionVerify = FastHash.of(s.verify, FastHash.of(s.version, common))
            peerHash = FastHash.of(peer)
        }
        sessions.add(r.time, hash: FastHash.of(day, versionVerify)) {
            $0.day == day && $0.bits == bits && $0.local == local && $0.cipher == s.cipher && $0.version == s.version
                && $0.verify == s.verify && $0.role == role && $0.host == r.host
        } make: {
            SessionKey(day: day, host: r.host, role: role, local: local, version: s.version, verify: s.verify,
                       cipher: s.cipher, bits: bits)
        }
        let peerOrNil = s.relay.peer
        peerSessions.add(r.time, hash: FastHash.of(day, FastHash.of(Int64(bitPattern: peerHash), versionVerify))) {
            $0.day == day && $0.bits == bits && $0.local == local && $0.cipher == s.cipher && $0.peer == peerOrNil
                && $0.version == s.version && $0.verify == s.verify && $0.role == role && $0.host == r.host
        } make: {
            PeerSessionKey(day: day, host: r.host, role: role, local: local, peer: peerOrNil, version: s.version,
                           verify: s.verify, cipher: s.cipher, bits: bits, ids: ids)
        }
        peerCiphers.add(r.time, hash: FastHash.of(Int64(bitPattern: peerHash), common)) {
            $0.bits == bits && $0.local == local && $0.cipher == s.cipher && $0.peer == peer && $0.role == role
                && $0.host == r.host
        } make: {
            PeerCipherKey(role: role, cipher: s.cipher, peer: peer, local: local, host: r.host, bits: bits)
        }
    }

    /// Counts the `messages` row of `r`, whose event is `m` (`encrypted`: the row's `encrypted` value).
    package func add(message m: InboundMessage, of r: LogRecord, local: Bool, encrypted: Bool) {
        guard m.proto != nil else { return }
        addTraffic(time: r.time, host: r.host, inbound: true, local: local, encrypted: encrypted)
    }

    /// Counts the `deliveries` row of `r`, whose event is `d` (`networkMailer`: the row's `network_mailer`).
    package func add(delivery d: Delivery, of r: LogRecord, local: Bool, networkMailer: Bool) {
        guard d.status == .sent, networkMailer else { return }
        addTraffic(time: r.time, host: r.host, inbound: false, local: local, encrypted: d.isEncrypted(sessionID: r.sessionID))
    }

    private func addTraffic(time: Int64, host: String, inbound: Bool, local: Bool, encrypted: Bool) {
        let day = Self.day(time)
        traffic.add(time, hash: FastHash.of(day &* 8 &+ Self.flags(inbound, local, encrypted), FastHash.of(host))) {
            $0.day == day && $0.inbound == inbound && $0.local == local && $0.encrypted == encrypted && $0.host == host
        } make: {
            TrafficKey(day: day, host: host, inbound: inbound, local: local, encrypted: encrypted)
        }
    }

    /// Counts the `tls_failures` row of `r`, whose event is `f`.
    package func add(failure f: TLSFailure, of r: LogRecord, local: Bool) {
        let day = Self.day(r.time), role = f.role?.rawValue ?? "", kind = f.kind.rawValue
        failures.add(r.time, hash: FastHash.of(kind, FastHash.of(role, FastHash.of(day &* 2 &+ Self.flags(local),
                                                                                  FastHash.of(r.host))))) {
            $0.day == day && $0.local == local && $0.kind == kind && $0.role == role && $0.host == r.host
        } make: {
            FailureKey(day: day, host: r.host, role: role, local: local, kind: kind)
        }
    }

    /// Counts the `auth_events` row of `r`, whose event is `a`.
    package func add(auth a: AuthEvent, of r: LogRecord, local: Bool) {
        let day = Self.day(r.time), role = a.role.rawValue
        let mech = Self.upper(a.mechanism ?? ""), overTLS = a.isEncrypted(sessionID: r.sessionID)
        let h = FastHash.of(mech, FastHash.of(role, FastHash.of(day &* 8 &+ Self.flags(local, a.success, overTLS),
                                                                FastHash.of(r.host))))
        auth.add(r.time, hash: h) {
            $0.day == day && $0.local == local && $0.success == a.success && $0.overTLS == overTLS && $0.mech == mech
                && $0.role == role && $0.host == r.host
        } make: {
            AuthKey(day: day, host: r.host, role: role, local: local, success: a.success, mech: mech, overTLS: overTLS)
        }
    }

    /// Keys counted in the fullest of the six tables (the per-peer ones): what sizes their storage. An
    /// ingest flushes the counts once this passes a limit (`IngestOptions.rollupKeys`), so a part of any
    /// size keeps the tables small.
    package var keyCount: Int {
        max(peerSessions.count, peerCiphers.count, sessions.count, traffic.count, failures.count, auth.count)
    }

    package var isEmpty: Bool { sessions.isEmpty && peerCiphers.isEmpty && peerSessions.isEmpty && traffic.isEmpty && failures.isEmpty && auth.isEmpty }

    public func clear() {
        sessions.removeAll()
        peerCiphers.removeAll()
        peerSessions.removeAll()
        traffic.removeAll()
        failures.removeAll()
        auth.removeAll()
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
        try sessions.forEach { k, c in
            bindDay(s1, 1, k.day); s1.bind(2, k.host); s1.bind(3, k.role); s1.bind(4, k.local); s1.bind(5, k.version)
            s1.bind(6, k.verify); s1.bind(7, k.cipher); s1.bind(8, k.bits); s1.bind(9, c.n); bindTime(s1, 10, c.first)
            bindTime(s1, 11, c.last)
            try s1.run()
        }
        let s2 = try db.prepare("""
            INSERT INTO rollup_peer_ciphers VALUES (?,?,?,?,?,?,?,?,?)
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions, \(upd)
            """)
        try peerCiphers.forEach { k, c in
            s2.bind(1, k.role); s2.bind(2, k.cipher); s2.bind(3, k.peer); s2.bind(4, k.local); s2.bind(5, k.host)
            s2.bind(6, k.bits); s2.bind(7, c.n); bindTime(s2, 8, c.first); bindTime(s2, 9, c.last)
            try s2.run()
        }
        // Text values as their ids in texts; 0 for none. The writer's keys carry them; others are looked
        // up (there since the rows that hold them were written).
        let s7 = try db.prepare("""
            INSERT INTO rollup_peer_sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions,
                first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)
            """)
        let s6 = try db.prepare("""
            INSERT INTO rollup_peer_sessions VALUES (?, (SELECT id FROM texts WHERE value = ?),
                (SELECT id FROM texts WHERE value = ?), ?, ifnull((SELECT id FROM texts WHERE value = ?), 0),
                ifnull((SELECT id FROM texts WHERE value = ?), 0), ifnull((SELECT id FROM texts WHERE value = ?), 0),
                ifnull((SELECT id FROM texts WHERE value = ?), 0), ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions,
                first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)
            """)
        try peerSessions.forEach { k, c in
            if let ids = k.ids {
                s7.bind(1, k.day); s7.bind(2, ids.host); s7.bind(3, ids.role); s7.bind(4, k.local)
                s7.bind(5, ids.peer ?? 0); s7.bind(6, ids.version); s7.bind(7, ids.verify); s7.bind(8, ids.cipher)
                s7.bind(9, k.bits); s7.bind(10, c.n); s7.bind(11, c.first); s7.bind(12, c.last)
                try s7.run()
                return
            }
            s6.bind(1, k.day); s6.bind(2, k.host); s6.bind(3, k.role); s6.bind(4, k.local); s6.bind(5, k.peer)
            s6.bind(6, k.version); s6.bind(7, k.verify); s6.bind(8, k.cipher); s6.bind(9, k.bits); s6.bind(10, c.n)
            s6.bind(11, c.first); s6.bind(12, c.last)
            try s6.run()
        }
        let s3 = try db.prepare("""
            INSERT INTO rollup_traffic VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """)
        try traffic.forEach { k, c in
            bindDay(s3, 1, k.day); s3.bind(2, k.host); s3.bind(3, k.inbound ? "inbound" : "outbound"); s3.bind(4, k.local)
            s3.bind(5, k.encrypted); s3.bind(6, c.n); bindTime(s3, 7, c.first); bindTime(s3, 8, c.last)
            try s3.run()
        }
        let s4 = try db.prepare("""
            INSERT INTO rollup_failures VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """)
        try failures.forEach { k, c in
            bindDay(s4, 1, k.day); s4.bind(2, k.host); s4.bind(3, k.role); s4.bind(4, k.local); s4.bind(5, k.kind)
            s4.bind(6, c.n); bindTime(s4, 7, c.first); bindTime(s4, 8, c.last)
            try s4.run()
        }
        let s5 = try db.prepare("""
            INSERT INTO rollup_auth VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """)
        try auth.forEach { k, c in
            bindDay(s5, 1, k.day); s5.bind(2, k.host); s5.bind(3, k.role); s5.bind(4, k.local); s5.bind(5, k.success)
            s5.bind(6, k.mech); s5.bind(7, k.overTLS); s5.bind(8, c.n); bindTime(s5, 9, c.first); bindTime(s5, 10, c.last)
            try s5.run()
        }
    }
}
