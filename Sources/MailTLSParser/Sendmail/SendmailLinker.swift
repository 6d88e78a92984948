/// Links sendmail's TLS handshakes to the AUTH, `from=` and `to=` lines they protected (log-formats.md §2.9).
///
/// Sessions are keyed on (syslog host, pid):
/// - Inbound: a STARTTLS=server line applies to the AUTH and `from=` lines that follow in the same
///   session while their relay matches.
/// - Outbound: a STARTTLS=client line applies to the following `to=` lines whose relay name matches
///   (names shortened with `...` included). Several `to=` lines share one handshake (connection
///   caching); with MX fallback the last matching handshake wins.
/// - A new STARTTLS line, a failed handshake, `connect from`, or an idle gap (`sessionGap`) starts a
///   new session, because pids are reused.
///
/// The linker assigns row ids (TLS sessions, failures, deliveries: `LogRecord.id`, from `RowIDs`) and
/// links (`LogRecord.sessionID`), so later rows can point at them without a database round trip, and
/// every row is emitted at once: a later line that adds to a row (the ruleset reject naming a failed
/// handshake's peer, the rest of a `to=… [more]` list) is emitted as a completion of that row, so
/// nothing ever waits in this linker.
public struct SendmailLinker: MTALinker {
    /// Seconds without a line from a (host, pid) after which its session is over.
    public var sessionGap: Int64
    /// Open sessions by (host slot, pid), packed into one integer: cheap to hash on every line.
    private var states: [UInt64: SessionState] = [:]
    /// Syslog hosts seen, by slot, with the time of each one's latest line: idleness is measured
    /// against the host's own clock, since merged logs of several hosts may be skewed. The latest, not
    /// the greatest: a log older than one read before it (an old rotation read after today's file)
    /// sets the clock back, and its sessions are not swept as idle against the newer file's times.
    private var hosts: [String] = []
    private var newestByHost: [Int64] = []
    private var hostSlots: [String: Int] = [:]
    /// The slot of the host of the previous line (lines come mostly from one host in a row).
    private var lastHost = 0
    private var sinceSweep = 0

    static let maxClientSessions = 8
    static let sweepInterval = 16_384
    /// The most bytes of open sessions (`SessionState.approximateBytes`) kept after a sweep: beyond
    /// it the longest idle keys are forgotten first. A log of made-up pids would otherwise grow the
    /// state, and the JSON it is saved as, with every line: 10,000 open keys with relays of cut
    /// 255-512-byte parts took 50 MB of heap to save (measured). 2 MiB holds about 3,500 sessions
    /// with real relays; an SMTP session lasts seconds, so the keys forgotten have been idle for
    /// minutes even on a server with a few new connections a second. (4 MiB let 30,000 pids with long
    /// AUTH ids take the ingest past its 64 MiB bound: docs/parsing-limits.md.)
    static let maxOpenBytes = 2 << 20
    /// The growth of the open sessions that brings a sweep forward: 1 MiB, as when the bound was 4 MiB
    /// (sweeps as often as before); the state can reach `maxOpenBytes` plus this between sweeps.
    static let sweepGrowth = 1 << 20
    /// Bytes stored into open sessions since the last sweep (new keys, relays, names): a sweep runs
    /// early when they reach `sweepGrowth`. Not saved: it only paces the sweeps.
    private var grownSinceSweep = 0
    /// Sweeps forget the host slots without an open session once there are more of them than this:
    /// a mangled log can make a new "host" of every line.
    static let maxIdleHosts = 1_024

    public init(sessionGap: Int64 = 30 * 60) {
        self.sessionGap = sessionGap
    }

    /// Number of (host, pid) keys currently remembered.
    public var openKeys: Int { states.count }

    /// The slot of `host`, added when new. Comparing with the previous line's host is usually enough:
    /// the parser hands out one String per host, so equal hosts compare by identity.
    private mutating func slot(of host: String) -> Int {
        if lastHost < hosts.count && hosts[lastHost] == host { return lastHost }
        if let i = hostSlots[host] {
            lastHost = i
        } else {
            hostSlots[host] = hosts.count
            hosts.append(host)
            newestByHost.append(Int64.min)
            lastHost = hosts.count - 1
        }
        return lastHost
    }

    private static func key(_ slot: Int, _ pid: Int32) -> UInt64 {
        UInt64(slot) << 32 | UInt64(UInt32(bitPattern: pid))
    }

    /// Links one record and passes it (and any rows it completes) to `emit`, in order.
    public mutating func link(_ record: consuming LogRecord, ids: inout RowIDs, emit: (consuming LogRecord) -> Void) {
        // Swept before the host's slot is taken: a sweep may renumber the slots.
        sinceSweep += 1
        if sinceSweep >= Self.sweepInterval || grownSinceSweep >= Self.sweepGrowth { sweep() }
        let h = slot(of: record.host)
        newestByHost[h] = record.time

        let key = Self.key(h, record.pid)
        // Found once; written back through the same index, without hashing the key again. The state
        // is moved out (swapped with an empty one), not copied.
        let slot = states.index(forKey: key)
        var st = SessionState(lastSeen: record.time)
        if let slot { swap(&st, &states.values[slot]) }
        // A gap either way: a line far older than the state (an older log read after a newer one) is
        // not part of a session of the newer log that reused the pid.
        if abs(record.time - st.lastSeen) > sessionGap {
            st = SessionState(lastSeen: record.time)
        }
        st.lastSeen = max(st.lastSeen, record.time)
        // A [more] list continues on the very next to= line of its process, or not at all.
        let openDelivery = st.openDelivery
        st.openDelivery = nil

        switch record.event {
        case .failureCompletion, .deliveryCompletion, .linkerNote:
            break   // produced here, never parsed (notes are other MTAs')

        case .connect:
            st.openFailure = nil
            st.server = nil
            st.clients.removeAll()

        case .tlsSession(let s):
            st.openFailure = nil
            record.id = ids.session(at: record.time)
            switch s.role {
            case .server:
                st.server = .init(id: record.id, relay: s.relay)
                grownSinceSweep += s.relay.approximateBytes
            case .client:
                st.clients.append(.init(id: record.id, name: s.relay.name ?? s.relay.ip ?? s.relay.raw))
                grownSinceSweep += st.clients[st.clients.count - 1].name.utf8.count
                if st.clients.count > Self.maxClientSessions { st.clients.removeFirst() }
            }
            emit(record)

        case .certificate(let c):
            st.openFailure = nil
            record.sessionID = c.role == .server ? st.server?.id : st.clients.last?.id
            emit(record)

        case .failure(let f):
            switch f.kind {
            case .acceptFailed, .connectFailed:
                st.openFailure = nil
                if f.role == .server { st.server = nil } else { st.clients.removeAll() }
                record.id = ids.failure(at: record.time)
                st.openFailure = .init(id: record.id, needsPeer: f.relay == nil)
                emit(record)
            case .rulesetReject:
                if let open = st.openFailure {
                    // The reject that follows a failed handshake is the same failure, not another.
                    st.openFailure = nil
                    record.event = .failureCompletion(FailureCompletion(
                        failureID: open.id, relay: open.needsPeer ? f.relay : nil, ruleset: f.ruleset,
                        rulesetArg: f.rulesetArg, reject: f.reject))
                } else {
                    record.id = ids.failure(at: record.time)
                }
                emit(record)
            case .readError, .writeError:
                st.openFailure = nil
                // Rare: the only case that changes the event itself (the role and peer of the session).
                var f = f
                if let s = st.server {
                    record.sessionID = s.id
                    f.role = .server
                    f.relay = s.relay
                } else if let c = st.clients.last {
                    record.sessionID = c.id
                    f.role = .client
                }
                record.event = .failure(f)
                record.id = ids.failure(at: record.time)
                emit(record)
            }

        case .auth(let a):
            st.openFailure = nil
            switch a.role {
            case .server:
                if let s = st.server, Self.sameConnection(s.relay, a.relay) { record.sessionID = s.id }
            case .client:
                if let name = a.relay.flatMap({ $0.name ?? $0.ip }) {
                    record.sessionID = st.clients.last(where: { Relay.clientNamesMatch(deliveryName: name, sessionName: $0.name) })?.id
                }
            }
            emit(record)

        case .message(let m):
            st.openFailure = nil
            if let s = st.server {
                if Self.sameConnection(s.relay, m.relay) {
                    record.sessionID = s.id
                } else {
                    st.server = nil   // another connection on a reused pid
                }
            }
            emit(record)

        case .delivery(let d):
            if let open = st.openFailure {
                st.openFailure = nil
                // A connect failure names no peer; the delivery that follows does.
                if open.needsPeer, let r = d.relay {
                    var completion = copy record
                    completion.event = .failureCompletion(FailureCompletion(
                        failureID: open.id, relay: Relay(raw: r.raw, name: r.name, ip: r.ip), ruleset: nil,
                        rulesetArg: nil, reject: nil))
                    emit(completion)
                }
            }
            if let open = openDelivery, open.queueID == record.queueID {
                // The rest of a [more] list: added to the row its first piece wrote.
                if d.continued { st.openDelivery = open }
                record.event = .deliveryCompletion(DeliveryCompletion(
                    deliveryID: open.id, recipients: d.recipients, recipientCount: d.recipientCount,
                    continued: d.continued))
                emit(record)
                break
            }
            if let r = d.relay, let name = r.name ?? r.ip {
                record.sessionID = st.clients.last(where: { Relay.clientNamesMatch(deliveryName: name, sessionName: $0.name) })?.id
            }
            record.id = ids.delivery(d, at: record.time)
            if d.continued {
                st.openDelivery = .init(id: record.id, queueID: record.queueID)
                grownSinceSweep += record.queueID?.utf8.count ?? 0
            }
            emit(record)
        }
        if let slot {
            swap(&st, &states.values[slot])
        } else {
            states[key] = st
            grownSinceSweep += SessionState.keyBytes
        }
    }

    /// Before the state is saved (a part's commit): forgets sessions idle for longer than the gap
    /// (measured on each host's own clock), whose next line would start a new session anyway. It
    /// leaves the memory bound and the sweep schedule to the lines (`sweep`): were a commit to apply
    /// the bound too, which sessions a full state forgets would depend on where parts and runs were
    /// cut. This linker holds no records back, so nothing is emitted.
    public mutating func compact(ids: inout RowIDs, emit: (consuming LogRecord) -> Void) {
        forgetIdle()
    }

    /// Every `sweepInterval` lines, or when the state grew by a quarter of its bound: forgets the
    /// idle sessions, then the longest idle ones while over `maxOpenBytes`, and unused host slots.
    mutating func sweep() {
        sinceSweep = 0
        grownSinceSweep = 0
        forgetIdle()
        let open = states.values.reduce(0) { $0 + $1.approximateBytes }
        if open > Self.maxOpenBytes { forgetLongestIdle(open: open) }
        if hosts.count - states.count > Self.maxIdleHosts { forgetIdleHosts() }
    }

    /// Forgets the sessions idle for longer than the gap, on their host's clock.
    private mutating func forgetIdle() {
        let gap = sessionGap
        let newest = newestByHost
        // Removed in place: a filtered copy would start small and rehash as it grew again.
        let idle = states.compactMap { entry -> UInt64? in
            let n = newest[Int(entry.key >> 32)]
            return n == Int64.min || entry.value.lastSeen >= n &- gap ? nil : entry.key
        }
        for key in idle { states.removeValue(forKey: key) }
    }

    /// Forgets the longest idle keys (ties broken by key) until three quarters of `maxOpenBytes`
    /// remain, so that the next sweeps do not have to sort again at once.
    private mutating func forgetLongestIdle(open: Int) {
        var open = open
        let byAge = states.map { ($0.value.lastSeen, $0.key) }.sorted { $0 < $1 }
        for (_, key) in byAge {
            if open <= Self.maxOpenBytes / 4 * 3 { break }
            if let st = states.removeValue(forKey: key) { open -= st.approximateBytes }
        }
    }

    /// Drops the host slots no open session uses, renumbering the rest (the keys hold slots).
    private mutating func forgetIdleHosts() {
        var newSlot = [Int](repeating: -1, count: hosts.count)
        for key in states.keys { newSlot[Int(key >> 32)] = 0 }
        var keptHosts: [String] = [], keptNewest: [Int64] = []
        for i in hosts.indices where newSlot[i] == 0 {
            newSlot[i] = keptHosts.count
            keptHosts.append(hosts[i])
            keptNewest.append(newestByHost[i])
        }
        guard hosts.count - keptHosts.count > Self.maxIdleHosts else { return }
        var renumbered: [UInt64: SessionState] = [:]
        renumbered.reserveCapacity(states.count)
        for (key, st) in states {
            renumbered[Self.key(newSlot[Int(key >> 32)], Int32(bitPattern: UInt32(truncatingIfNeeded: key)))] = st
        }
        states = renumbered
        hosts = keptHosts
        newestByHost = keptNewest
        hostSlots = Dictionary(uniqueKeysWithValues: hosts.enumerated().map { ($1, $0) })
        lastHost = 0
    }

    // MARK: Saving

    /// The saved form (the same JSON as when the state was keyed by host name; before v4 the row id
    /// counters were saved in it too, and `SessionLinker` still reads them from there).
    struct Saved: Codable {
        var sessionGap: Int64
        var states: [SessionKey: SessionState]
        var newestByHost: [String: Int64]
        var sinceSweep: Int
        /// Saved since 7 December 2026 (older states start it at 0): with `sinceSweep`, it times the
        /// next sweep, so that a run resumed from a commit sweeps where one run over all lines does.
        var grownSinceSweep: Int?
    }

    public init(from decoder: Decoder) throws {
        let saved = try Saved(from: decoder)
        self.init(sessionGap: saved.sessionGap)
        for (host, t) in saved.newestByHost {
            newestByHost[slot(of: host)] = t
        }
        for (k, st) in saved.states {
            states[Self.key(slot(of: k.host), k.pid)] = st
        }
        sinceSweep = saved.sinceSweep
        grownSinceSweep = saved.grownSinceSweep ?? 0
    }

    public func encode(to encoder: Encoder) throws {
        var byName: [SessionKey: SessionState] = [:]
        for (k, st) in states {
            byName[SessionKey(host: hosts[Int(k >> 32)], pid: Int32(bitPattern: UInt32(truncatingIfNeeded: k)))] = st
        }
        var newest: [String: Int64] = [:]
        for (i, h) in hosts.enumerated() where newestByHost[i] != Int64.min { newest[h] = newestByHost[i] }
        try Saved(sessionGap: sessionGap, states: byName, newestByHost: newest, sinceSweep: sinceSweep,
                  grownSinceSweep: grownSinceSweep)
            .encode(to: encoder)
    }

    /// True when two server-side relays are the same connection: same IP when both have one,
    /// else the same peer; an unknown side matches.
    static func sameConnection(_ a: Relay, _ b: Relay?) -> Bool {
        guard let b else { return true }
        // The STARTTLS copy of the relay is cut at 100 characters: a prefix is the same relay.
        if b.raw.hasPrefix(a.raw) || a.raw.hasPrefix(b.raw) { return true }
        if let ia = a.ip, let ib = b.ip { return ia == ib }
        if let pa = a.peer, let pb = b.peer { return pa == pb || pb.hasPrefix(pa) }
        return true
    }
}
