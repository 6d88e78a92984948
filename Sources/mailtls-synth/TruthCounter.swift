import MailTLSReports

/// Per-day counters for the `daily` array of the truth file.
struct DayCounts {
    var date: CivilDate
    var sessions = 0
    var inboundMessages = 0
    var inboundEncrypted = 0
    var outboundDeliveries = 0
    var outboundEncrypted = 0
}

/// Everything the truth file reports, counted while the lines are written (no line is kept).
struct TruthCounter {
    static let server = 0, client = 1

    var lines = 0
    var firstSec: Int64 = -1
    var lastSec: Int64 = 0

    var sessions = 0
    var byRole = [0, 0]
    var byVersion = Array(repeating: 0, count: TLSProfile.versions.count)
    var byCipher = Array(repeating: 0, count: TLSProfile.ciphers.count)
    var byVerify = Array(repeating: 0, count: 2 * TLSProfile.verifies.count)

    /// Non-loopback sessions per (role, cipher), and the distinct peers as bitsets over peer ids.
    var cipherSessions = Array(repeating: 0, count: 2 * TLSProfile.ciphers.count)
    private var peerBits: [[UInt64]]
    private let peerWords: [Int]

    var inboundMessages = 0
    var inboundEncrypted = 0
    var outboundDeliveries = 0
    var outboundEncrypted = 0
    var handshakeFailures = 0
    var authTotal = 0
    var authOverTLS = 0
    var authPlaintextPassword = 0

    var days: [DayCounts] = []

    init(serverPeers: Int, clientPeers: Int) {
        peerWords = [(serverPeers + 63) / 64, (clientPeers + 63) / 64]
        peerBits = [
            Array(repeating: 0, count: peerWords[0] * TLSProfile.ciphers.count),
            Array(repeating: 0, count: peerWords[1] * TLSProfile.ciphers.count),
        ]
    }

    mutating func newDay(_ d: CivilDate) {
        days.append(DayCounts(date: d))
    }

    /// One STARTTLS main line. `peer < 0` means a loopback peer.
    @inline(__always)
    mutating func session(role: Int, profile: Int, verify: Int, peer: Int) {
        let p = TLSProfile.all[profile]
        sessions += 1
        byRole[role] += 1
        byVersion[p.version] += 1
        byCipher[p.cipher] += 1
        byVerify[role * TLSProfile.verifies.count + verify] += 1
        days[days.count - 1].sessions += 1
        if peer >= 0 {
            cipherSessions[role * TLSProfile.ciphers.count + p.cipher] += 1
            let w = p.cipher * peerWords[role] + peer >> 6
            peerBits[role][w] |= 1 << UInt64(peer & 63)
        }
    }

    @inline(__always)
    mutating func inbound(encrypted: Bool) {
        inboundMessages += 1
        days[days.count - 1].inboundMessages += 1
        if encrypted {
            inboundEncrypted += 1
            days[days.count - 1].inboundEncrypted += 1
        }
    }

    @inline(__always)
    mutating func outbound(encrypted: Bool) {
        outboundDeliveries += 1
        days[days.count - 1].outboundDeliveries += 1
        if encrypted {
            outboundEncrypted += 1
            days[days.count - 1].outboundEncrypted += 1
        }
    }

    mutating func auth(overTLS: Bool, mech: Int) {
        authTotal += 1
        if overTLS {
            authOverTLS += 1
        } else if mech <= 1 {
            authPlaintextPassword += 1
        }
    }

    func distinctPeers(role: Int, cipher: Int) -> Int {
        var n = 0
        let start = cipher * peerWords[role]
        for w in peerBits[role][start ..< start + peerWords[role]] { n += w.nonzeroBitCount }
        return n
    }

    static func rate(_ num: Int, _ den: Int) -> JSONValue {
        den == 0 ? .null : .rate(Double(num) / Double(den))
    }

    func json(seed: UInt64, bytes: Int, pids: PidPool) -> JSONValue {
        func counts(_ names: [String], _ values: ArraySlice<Int>) -> JSONValue {
            var o: [(key: String, value: JSONValue)] = []
            for (name, v) in zip(names, values) where v > 0 { o.append((name, .int(v))) }
            return .object(o)
        }
        let nv = TLSProfile.verifies.count
        var ppc: [JSONValue] = []
        for (role, roleName) in [(1, "client"), (0, "server")] {  // sorted by role name, then cipher
            let order = (0 ..< TLSProfile.ciphers.count).sorted { TLSProfile.ciphers[$0].name < TLSProfile.ciphers[$1].name }
            for c in order {
                let s = cipherSessions[role * TLSProfile.ciphers.count + c]
                if s == 0 { continue }
                ppc.append(.object([
                    ("role", .string(roleName)), ("cipher", .string(TLSProfile.ciphers[c].name)),
                    ("peers", .int(distinctPeers(role: role, cipher: c))), ("sessions", .int(s)),
                ]))
            }
        }
        let daily: [JSONValue] = days.map { d in
            .object([
                ("date", .string(d.date.iso)),
                ("sessions", .int(d.sessions)),
                ("inbound_rate", TruthCounter.rate(d.inboundEncrypted, d.inboundMessages)),
                ("outbound_rate", TruthCounter.rate(d.outboundEncrypted, d.outboundDeliveries)),
                ("inbound_messages", .int(d.inboundMessages)),
                ("inbound_encrypted", .int(d.inboundEncrypted)),
                ("outbound_deliveries", .int(d.outboundDeliveries)),
                ("outbound_encrypted", .int(d.outboundEncrypted)),
            ])
        }
        return .object([
            ("seed", .uint(seed)),
            ("bytes", .int(bytes)),
            ("lines", .int(lines)),
            ("period", .object([
                ("from", .string(CivilDate.isoTimestamp(max(firstSec, 0)))),
                ("to", .string(CivilDate.isoTimestamp(lastSec))),
            ])),
            ("sessions", .object([
                ("total", .int(sessions)),
                ("by_role", .object([("server", .int(byRole[0])), ("client", .int(byRole[1]))])),
                ("by_version", counts(TLSProfile.versions, byVersion[...])),
                ("by_cipher", counts(TLSProfile.ciphers.map(\.name), byCipher[...])),
                ("by_verify", .object([
                    ("server", counts(TLSProfile.verifies, byVerify[0 ..< nv])),
                    ("client", counts(TLSProfile.verifies, byVerify[nv ..< 2 * nv])),
                ])),
            ])),
            ("peers_per_cipher", .array(ppc)),
            ("inbound", .object([
                ("messages", .int(inboundMessages)), ("encrypted", .int(inboundEncrypted)),
                ("rate", TruthCounter.rate(inboundEncrypted, inboundMessages)),
            ])),
            ("outbound", .object([
                ("deliveries", .int(outboundDeliveries)), ("encrypted", .int(outboundEncrypted)),
                ("rate", TruthCounter.rate(outboundEncrypted, outboundDeliveries)),
            ])),
            ("handshake_failures", .int(handshakeFailures)),
            ("auth", .object([
                ("total", .int(authTotal)), ("over_tls", .int(authOverTLS)),
                ("plaintext_password", .int(authPlaintextPassword)),
            ])),
            ("pid_reuse", .object([
                ("fresh", .int(pids.fresh)), ("after_idle", .int(pids.reusedAfterIdle)),
                ("on_starttls", .int(pids.reusedOnStarttls)), ("overflow", .int(pids.overflow)),
            ])),
            ("daily", .array(daily)),
        ])
    }
}
