/// Links Postfix records (docs/postfix.md): by process, per connection, and by queue id.
///
/// - smtpd: a connection runs on one (host, pid) from `connect from` (or its first line) to
///   `disconnect from` (or a new `connect from`, or the idle gap). Its messages (`client=` lines) and
///   their AUTH are held until it ends: a message is encrypted when the connection had a TLS session
///   before its `client=` line (linked: `sessionID`) or when the disconnect counters say STARTTLS
///   succeeded (`overTLS`). qmgr's `from=` (sender, size, recipients) and cleanup's `message-id=`
///   lines, logged under other pids, find the held message by (host, queue id) and fill it in; when
///   they come after the message was emitted they are dropped (the row keeps an empty sender).
/// - smtp: a TLS session established, or reused from the connection cache, to a relay on one process
///   carries the later deliveries to the same relay (same address, else same name) on that process;
///   a failed handshake to it ends that. Deliveries are emitted at once.
/// - A handshake failure is held for the `TLS library problem` line after it (the reason), or takes
///   the one before it; a `certificate verification failed` line gives the next session's verify
///   message (a certificate record after the session).
///
/// Held records are part of the saved state and are bounded: at most `maxHeld` per connection (then
/// the oldest quarter is emitted, decided by the sessions seen so far) and `maxOpenBytes` in all (the
/// longest idle connections are ended first). Nothing held is ever dropped: ending a connection emits
/// what it held.
public struct PostfixLinker: MTALinker {
    public var sessionGap: Int64

    struct ConnectionKey: Hashable, Sendable, Codable {
        var host: String
        var pid: Int32
    }

    /// A name on one syslog host: a queue id, or a relay's address or name.
    struct HostKey: Hashable, Sendable, Codable {
        var host: String
        var name: String
    }

    /// Open connections by (host, pid).
    private var connections: [ConnectionKey: PostfixConnection] = [:]
    /// The pid of the smtpd connection holding the message of each (host, queue id).
    private var queued: [HostKey: Int32] = [:]
    /// Client sessions by (host, relay address or name): a `TLS connection reused` line in another
    /// process links to the session that established the cached connection. Bounded by `maxRecent`.
    private var recentClients: [HostKey: Int64] = [:]
    /// The time of each host's latest line: idleness is measured on each host's own clock. The latest,
    /// not the greatest: an older log read after a newer one sets the clock back, so its connections
    /// are not swept as idle against the newer file's times (`SendmailLinker` does the same).
    private var newestByHost: [String: Int64] = [:]
    private var sinceSweep = 0
    private var grownSinceSweep = 0

    static let maxClients = 8
    /// Large enough for a bulk sender's connection at `smtpd_tls_loglevel = 0`, where only the
    /// disconnect counters say that its messages went over TLS (64 called thousands of messages of
    /// such connections unencrypted); `maxOpenBytes` bounds the memory.
    static let maxHeld = 4_096
    static let maxRecent = 4_096
    static let sweepInterval = 16_384
    /// As `SendmailLinker.maxOpenBytes`: the open connections (held records included) kept after a
    /// sweep; beyond it the longest idle connections are ended, emitting what they held. 1 MiB (a
    /// bulk connection's `maxHeld` records fit): at 4 MiB, 30,000 open connections with long AUTH ids
    /// took the ingest to 75 MiB, 70 MiB into PostgreSQL (docs/parsing-limits.md).
    static let maxOpenBytes = 1 << 20
    /// The growth of the held state that brings a sweep forward (1 MiB, as when the bound was 4 MiB:
    /// a quarter of the smaller bound swept four times as often and cost 4-5 % of a Postfix ingest's
    /// CPU). The state can reach `maxOpenBytes` plus this between sweeps.
    static let sweepGrowth = 1 << 20

    public init(sessionGap: Int64) {
        self.sessionGap = sessionGap
    }

    public var openKeys: Int { connections.count }

    /// `MTALinker.renumberSources`: the held messages, AUTH rows and handshake failures of every
    /// connection.
    public mutating func renumberSources(_ map: [Int64: Int64]) {
        func renumber(_ r: inout LogRecord) {
            if let id = map[r.origin.source] { r.origin.source = id }
        }
        for i in connections.indices {   // in place: no key looked up again
            for j in connections.values[i].held.indices { renumber(&connections.values[i].held[j]) }
            if connections.values[i].failure != nil { renumber(&connections.values[i].failure!) }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case sessionGap, connections, queued, recentClients, newestByHost, sinceSweep, grownSinceSweep
    }

    /// `grownSinceSweep` is saved since 7 December 2026 (older states start it at 0): with
    /// `sinceSweep`, it times the next sweep, so that a run resumed from a commit sweeps where one run
    /// over all lines does.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sessionGap = try c.decode(Int64.self, forKey: .sessionGap)
        connections = try c.decode([ConnectionKey: PostfixConnection].self, forKey: .connections)
        queued = try c.decode([HostKey: Int32].self, forKey: .queued)
        recentClients = try c.decode([HostKey: Int64].self, forKey: .recentClients)
        newestByHost = try c.decode([String: Int64].self, forKey: .newestByHost)
        sinceSweep = try c.decode(Int.self, forKey: .sinceSweep)
        grownSinceSweep = try c.decodeIfPresent(Int.self, forKey: .grownSinceSweep) ?? 0
    }

    public mutating func link(_ record: consuming LogRecord, ids: inout RowIDs, emit: (consuming LogRecord) -> Void) {
        sinceSweep += 1
        if sinceSweep >= Self.sweepInterval || grownSinceSweep >= Self.sweepGrowth { sweep(emit: emit) }
        newestByHost[record.host] = record.time

        // qmgr and cleanup notes fill in a held message; they open no connection of their own.
        if case .linkerNote(let n) = record.event, n.kind == PostfixNote.queued || n.kind == PostfixNote.messageID {
            fillIn(n, host: record.host, queueID: record.queueID)
            return
        }
        // A local submission: nothing to link.
        if case .message(let m) = record.event, m.proto == nil {
            emit(record)
            return
        }

        let key = ConnectionKey(host: record.host, pid: record.pid)
        var c = connections.removeValue(forKey: key) ?? PostfixConnection(lastSeen: record.time)
        if abs(record.time - c.lastSeen) > sessionGap {   // either way: see SendmailLinker
            finish(&c, host: key.host, starttls: false, emit: emit)
            c = PostfixConnection(lastSeen: record.time)
        }
        c.lastSeen = max(c.lastSeen, record.time)
        var open = true

        if case .linkerNote(let n) = record.event, n.kind == PostfixNote.libraryProblem {
            if var f = c.failure, case .failure(var failure) = f.event {
                failure.reason = n.text
                f.event = .failure(failure)
                c.failure = nil
                emit(f)
            } else if c.problem == nil {
                c.problem = n.text
            }
            store(c, key)
            return
        }
        if let f = c.failure {
            c.failure = nil
            emit(f)
        }

        switch record.event {
        case .connect:
            finish(&c, host: key.host, starttls: false, emit: emit)
            c = PostfixConnection(lastSeen: record.time)

        case .linkerNote(let n):
            switch n.kind {
            case PostfixNote.disconnect:
                finish(&c, host: key.host, starttls: n.flag, emit: emit)
                open = false
            case PostfixNote.reused:
                if let r = n.relay {
                    let id = recentClients[HostKey(host: key.host, name: r.ip ?? r.peer ?? r.raw)]
                    addClient(&c, .init(id: id, ip: r.ip, peer: r.peer))
                }
            case PostfixNote.verifyFailed:
                c.verifyMessage = n.text
                c.verifyPeer = n.relay.flatMap { $0.ip ?? $0.peer }
            default:
                break
            }

        case .tlsSession(let s):
            c.problem = nil
            record.id = ids.session(at: record.time)
            let id = record.id
            if s.role == .server {
                c.serverSession = id
            } else {
                addClient(&c, .init(id: id, ip: s.relay.ip, peer: s.relay.peer))
                if recentClients.count >= Self.maxRecent { recentClients.removeAll(keepingCapacity: true) }
                recentClients[HostKey(host: key.host, name: s.relay.ip ?? s.relay.peer ?? s.relay.raw)] = id
            }
            let verifyMessage = c.verifyPeer == nil || c.verifyPeer == (s.relay.ip ?? s.relay.peer) ? c.verifyMessage : nil
            c.verifyMessage = nil
            c.verifyPeer = nil
            let role = s.role
            let time = record.time, host = record.host, pid = record.pid, origin = record.origin
            emit(record)
            if let verifyMessage {
                emit(LogRecord(time: time, host: host, pid: pid, queueID: nil, origin: origin,
                               event: .certificate(Certificate(role: role, subject: nil, issuer: nil, verifyMessage: verifyMessage)),
                               sessionID: id, mta: .postfix))
            }

        case .failure(var f):
            record.id = ids.failure(at: record.time)
            if f.role == .server {
                c.serverSession = nil
            } else if let r = f.relay {
                c.clients.removeAll { Self.matches($0, r) }
            }
            if let p = c.problem {
                c.problem = nil
                f.reason = p
                record.event = .failure(f)
                emit(record)
            } else {
                c.failure = record
            }

        case .message:
            record.sessionID = c.serverSession
            if let qid = record.queueID { queued[HostKey(host: key.host, name: qid)] = key.pid }
            hold(&c, record, host: key.host, emit: emit)

        case .auth(let a):
            record.sessionID = c.serverSession
            if a.success {
                hold(&c, record, host: key.host, emit: emit)
            } else {
                emit(record)
            }

        case .delivery(let d):
            record.id = ids.delivery(d, at: record.time)
            if let r = d.relay, let client = c.clients.last(where: { Self.matches($0, r) }) {
                if let id = client.id {
                    record.sessionID = id
                } else if d.overTLS == nil {
                    var d = d
                    d.overTLS = true
                    record.event = .delivery(d)
                }
            }
            emit(record)

        case .certificate, .failureCompletion, .deliveryCompletion:
            emit(record)
        }
        if open { store(c, key) }
    }

    private mutating func store(_ c: PostfixConnection, _ key: ConnectionKey) {
        if connections.updateValue(c, forKey: key) == nil { grownSinceSweep += PostfixConnection.keyBytes }
    }

    private mutating func addClient(_ c: inout PostfixConnection, _ client: PostfixConnection.Client) {
        c.clients.append(client)
        grownSinceSweep += 32 + (client.peer?.utf8.count ?? 0)
        if c.clients.count > Self.maxClients { c.clients.removeFirst() }
    }

    /// A delivery's relay is a session's when the addresses are equal, or (without an address on
    /// either side) the peers.
    static func matches(_ c: PostfixConnection.Client, _ r: Relay) -> Bool {
        if let a = c.ip, let b = r.ip { return a == b }
        return c.peer != nil && c.peer == r.peer
    }

    /// Holds a message or AUTH until its connection ends; beyond `maxHeld` the oldest quarter goes out
    /// now (a quarter at once, so that a connection of a million messages does not move the held
    /// array once per message).
    private mutating func hold(_ c: inout PostfixConnection, _ r: consuming LogRecord, host: String,
                               emit: (consuming LogRecord) -> Void) {
        grownSinceSweep += r.approximateBytes
        c.held.append(r)
        if c.held.count > Self.maxHeld {
            let oldest = c.held.prefix(Self.maxHeld / 4)
            c.held.removeFirst(oldest.count)
            for r in oldest {
                if let qid = r.queueID { queued.removeValue(forKey: HostKey(host: host, name: qid)) }
                emit(r)
            }
        }
    }

    /// qmgr's sender, size and recipient count, or cleanup's message id, into the held message.
    private mutating func fillIn(_ n: LinkerNote, host: String, queueID: String?) {
        guard let qid = queueID else { return }
        let qk = HostKey(host: host, name: qid)
        guard let pid = queued[qk], var c = connections[ConnectionKey(host: host, pid: pid)] else { return }
        guard let i = c.held.firstIndex(where: { $0.queueID == qid && Self.isMessage($0) }),
              case .message(var m) = c.held[i].event else { return }
        if n.kind == PostfixNote.queued {
            m.sender = n.text ?? m.sender
            m.size = n.size
            m.nrcpts = n.count
        } else {
            m.messageID = n.text
        }
        c.held[i].event = .message(m)
        connections[ConnectionKey(host: host, pid: pid)] = c
    }

    private static func isMessage(_ r: LogRecord) -> Bool {
        if case .message = r.event { return true }
        return false
    }

    /// Ends a connection: emits its pending failure and what it held, the held messages and AUTH
    /// marked over TLS when the disconnect counters say STARTTLS succeeded.
    private mutating func finish(_ c: inout PostfixConnection, host: String, starttls: Bool,
                                 emit: (consuming LogRecord) -> Void) {
        if let f = c.failure {
            c.failure = nil
            emit(f)
        }
        let held = c.held
        c.held = []
        for var r in held {
            if let qid = r.queueID, Self.isMessage(r) { queued.removeValue(forKey: HostKey(host: host, name: qid)) }
            if starttls && r.sessionID == nil {
                switch r.event {
                case .message(var m) where m.overTLS == nil:
                    m.overTLS = true
                    r.event = .message(m)
                case .auth(var a) where a.overTLS == nil:
                    a.overTLS = true
                    r.event = .auth(a)
                default:
                    break
                }
            }
            emit(r)
        }
    }

    /// Before the state is saved (a part's commit) and at the end of all input: ends the connections
    /// idle for longer than the gap, emitting what they held. It leaves the memory bound and the sweep
    /// schedule to the lines (`sweep`): were a commit to apply the bound too, which connections a full
    /// state ends early would depend on where parts and runs were cut.
    public mutating func compact(ids: inout RowIDs, emit: (consuming LogRecord) -> Void) {
        endIdle(emit: emit)
        forgetDeadKeys()
    }

    /// Every `sweepInterval` lines, or when the held state grew by a quarter of its bound: ends the
    /// idle connections, then the longest idle ones while the state is over `maxOpenBytes`.
    private mutating func sweep(emit: (consuming LogRecord) -> Void) {
        sinceSweep = 0
        grownSinceSweep = 0
        endIdle(emit: emit)
        var open = connections.values.reduce(0) { $0 + $1.approximateBytes }
        if open > Self.maxOpenBytes {
            let byAge = connections.map { ($0.value.lastSeen, $0.key) }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : Self.order($0.1, $1.1) }
            for (_, key) in byAge {
                if open <= Self.maxOpenBytes / 4 * 3 { break }
                open -= connections[key]?.approximateBytes ?? 0
                end(key, emit: emit)
            }
        }
        forgetDeadKeys()
    }

    /// Ends the connections idle for longer than the gap (on their host's clock), emitting what they held.
    private mutating func endIdle(emit: (consuming LogRecord) -> Void) {
        let idle = connections.filter { key, c in
            guard let newest = newestByHost[key.host] else { return true }
            return c.lastSeen < newest &- sessionGap
        }
        for key in idle.keys.sorted(by: Self.order) { end(key, emit: emit) }
    }

    /// Forgets queue ids whose connection is gone, and the clocks of hosts without connections.
    private mutating func forgetDeadKeys() {
        queued = queued.filter { connections[ConnectionKey(host: $0.key.host, pid: $0.value)] != nil }
        if newestByHost.count > 1_024 {
            let live = Set(connections.keys.map(\.host))
            newestByHost = newestByHost.filter { live.contains($0.key) }
        }
    }

    /// A fixed order, so that what a sweep emits does not depend on hashing.
    private static func order(_ a: ConnectionKey, _ b: ConnectionKey) -> Bool {
        a.host != b.host ? a.host < b.host : a.pid < b.pid
    }

    private mutating func end(_ key: ConnectionKey, emit: (consuming LogRecord) -> Void) {
        guard var c = connections.removeValue(forKey: key) else { return }
        finish(&c, host: key.host, starttls: false, emit: emit)
    }
}
