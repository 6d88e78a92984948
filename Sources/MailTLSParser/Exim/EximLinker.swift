/// Links Exim records (log-formats.md §4, docs/exim.md).
///
/// Exim writes the TLS facts on the message lines, so most links are within one line: the records
/// `LineParser` makes of one line share its `origin`, and the message, AUTH, certificate and delivery
/// of a line belong to the TLS session of that line. Two rules reach across lines:
/// - a `->` line is another recipient of the transport run that the last `=>` line of the same message
///   started (to the same host, when parallel runs of one message interleave; the parser marks a
///   remote `=>` line with a `.connect` record): it gets that line's session, and no session of its own,
///   and carries that session's verify result, version and cipher (`Delivery.loggedTLS`), so its row
///   tells them without the `=>` line's (where the store keeps the session, schema v6);
/// - a handshake failure inside `==` deferrals is counted once per message and host, not once per
///   recipient: later ones for the same message and peer are dropped. A failure on a line of its own
///   (`TLS session: (…): … delivering unencrypted to H=…`, `TLS error on connection to …`) is one
///   connection attempt, and each one counts.
///
/// Row ids come from `RowIDs` (sessions, failures, deliveries). The state is small and bounded: the
/// last `maxRuns` transport runs, and the deferral failures of the last `failureMemory` seconds (at
/// most `maxFailureKeys`). Nothing is held back: every record is emitted at once.
public struct EximLinker: MTALinker {
    /// Unused by Exim's rules (nothing here ends with a connection); kept for the protocol.
    public var sessionGap: Int64

    /// The line whose records are being linked, and its TLS session.
    private var line: LineOrigin?
    private var lineSession: Int64?
    /// The line of the newest transport run (its `.connect` record).
    private var connectLine: LineOrigin?
    /// The line of the newest deferral to a host (`==`): a failure of the same line is the deferral's.
    private var deferralLine: LineOrigin?
    /// One transport run (a `=>` line to a host): its message id, its peer, and its TLS session (nil:
    /// in clear) with the facts its `->` lines carry.
    private struct Run {
        var queueID: String
        var peer: String
        var session: Int64?
        var tls: LoggedTLS? = nil
    }
    /// The last `maxRuns` transport runs, a ring: once full, the newest replaces the oldest in place
    /// (dropping the oldest from the front of an array moved all 256 on every `=>` line).
    private var runs: [Run] = []
    /// The newest run's index in `runs`.
    private var newestRun = -1
    /// Deferral handshake failures counted, by "message-id peer", with the time of the last one seen.
    private var failureKeys: [String: Int64] = [:]
    /// The newest line time seen: the clock of the sweep.
    private var newest: Int64 = .min

    /// `->` lines follow their `=>` within the same delivery process, a few lines later at most even
    /// in a busy interleaved log.
    static let maxRuns = 256
    /// Exim gives up on a message after `retry` rules allow (4 days by default): a deferral of the same
    /// message to the same host after a week is not expected.
    static let failureMemory: Int64 = 8 * 86_400
    /// At most this many deferral keys are kept (about 64 bytes each, so under 1 MiB saved).
    static let maxFailureKeys = 8_192

    public init(sessionGap: Int64 = 30 * 60) {
        self.sessionGap = sessionGap
    }

    public var openKeys: Int { runs.count + failureKeys.count }

    public mutating func link(_ record: consuming LogRecord, ids: inout RowIDs, emit: (consuming LogRecord) -> Void) {
        if record.time > newest { newest = record.time }
        if line != record.origin {
            line = record.origin
            lineSession = nil
        }
        switch record.event {
        case .connect(let relay):
            // A `=>` line to a host: a new transport run of its message.
            connectLine = record.origin
            let run = Run(queueID: record.queueID ?? "", peer: relay.peer ?? "", session: nil)
            if runs.count < Self.maxRuns {
                runs.append(run)
                newestRun = runs.count - 1
            } else {
                newestRun = (newestRun + 1) % Self.maxRuns
                runs[newestRun] = run
            }
            return

        // The payloads are read through `LogEvent`'s small getters, not bound here (a bound payload
        // is copied whole).
        case .tlsSession:
            record.id = ids.session(at: record.time)
            lineSession = record.id
            if record.event.sessionRole == .client, connectLine == record.origin, newestRun >= 0 {
                runs[newestRun].session = record.id
                runs[newestRun].tls = record.event.sessionTLS
            }
            emit(record)

        case .certificate, .message, .auth:
            record.sessionID = lineSession
            emit(record)

        case .delivery:
            if let d = record.event.deliveryFacts {   // always: the case matched
                if d.status == .deferred { deferralLine = record.origin }
                if connectLine == record.origin || lineSession != nil {
                    record.sessionID = lineSession
                } else if d.status == .sent, let peer = d.peer, let qid = record.queueID, let i = run(qid, peer) {
                    // A `->` line: the session of the run it continues, and its facts.
                    record.sessionID = runs[i].session
                    if let tls = runs[i].tls, case .delivery(var continued) = record.event {
                        continued.loggedTLS = tls
                        record.event = .delivery(continued)
                    }
                }
                record.id = ids.delivery(networkMailer: Delivery.isNetworkMailer(d.mailer), at: record.time)
            }
            emit(record)

        case .failure:
            if let f = record.event.failureFacts, f.kind == .connectFailed, deferralLine == record.origin,
               let qid = record.queueID, let peer = f.peer {
                let key = qid + " " + peer
                let seen = failureKeys[key] != nil
                failureKeys[key] = record.time
                if seen { return }   // another recipient of the same message and host
                if failureKeys.count > Self.maxFailureKeys { compact() }
            }
            record.id = ids.failure(at: record.time)
            emit(record)

        case .failureCompletion, .deliveryCompletion, .linkerNote:
            emit(record)
        }
    }

    /// The saved form keeps the runs oldest first in three lists, as before the ring: a state saved by
    /// an earlier version loads, and this one's loads in it.
    private enum CodingKeys: String, CodingKey {
        case sessionGap, line, lineSession, connectLine, runQueueIDs, runPeers, runSessions, runTLS, failureKeys, newest
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sessionGap = try c.decode(Int64.self, forKey: .sessionGap)
        line = try c.decodeIfPresent(LineOrigin.self, forKey: .line)
        lineSession = try c.decodeIfPresent(Int64.self, forKey: .lineSession)
        connectLine = try c.decodeIfPresent(LineOrigin.self, forKey: .connectLine)
        let queueIDs = try c.decode([String].self, forKey: .runQueueIDs)
        let peers = try c.decode([String].self, forKey: .runPeers)
        let sessions = try c.decode([Int64?].self, forKey: .runSessions)
        // Not in a state saved before v6: its runs' `->` lines carry no facts (their sessions are rows).
        let tls = try c.decodeIfPresent([LoggedTLS?].self, forKey: .runTLS) ?? Array(repeating: nil, count: queueIDs.count)
        guard peers.count == queueIDs.count, sessions.count == queueIDs.count, tls.count == queueIDs.count else {
            throw DecodingError.dataCorruptedError(forKey: .runPeers, in: c,
                                                   debugDescription: "Exim linker runs of different lengths")
        }
        for i in queueIDs.indices.suffix(Self.maxRuns) {
            runs.append(Run(queueID: queueIDs[i], peer: peers[i], session: sessions[i], tls: tls[i]))
        }
        newestRun = runs.count - 1
        failureKeys = try c.decode([String: Int64].self, forKey: .failureKeys)
        newest = try c.decode(Int64.self, forKey: .newest)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sessionGap, forKey: .sessionGap)
        try c.encodeIfPresent(line, forKey: .line)
        try c.encodeIfPresent(lineSession, forKey: .lineSession)
        try c.encodeIfPresent(connectLine, forKey: .connectLine)
        // Oldest first: the run after the newest, round the ring.
        let oldestFirst = runs.indices.map { runs[(newestRun + 1 + $0) % runs.count] }
        try c.encode(oldestFirst.map(\.queueID), forKey: .runQueueIDs)
        try c.encode(oldestFirst.map(\.peer), forKey: .runPeers)
        try c.encode(oldestFirst.map(\.session), forKey: .runSessions)
        try c.encode(oldestFirst.map(\.tls), forKey: .runTLS)
        try c.encode(failureKeys, forKey: .failureKeys)
        try c.encode(newest, forKey: .newest)
    }

    /// The run a `->` line continues: the last of its message to the same host (parallel deliveries of
    /// one message to several hosts interleave), else the last of its message.
    private func run(_ qid: String, _ peer: String) -> Int? {
        var any: Int?
        var i = newestRun
        for _ in 0..<runs.count {
            if runs[i].queueID == qid {
                if runs[i].peer == peer { return i }
                if any == nil { any = i }
            }
            i = i == 0 ? runs.count - 1 : i - 1
        }
        return any
    }

    public mutating func compact(ids: inout RowIDs, emit: (consuming LogRecord) -> Void) {
        compact()
    }

    /// Forgets deferral keys older than `failureMemory`, then the oldest beyond `maxFailureKeys`.
    mutating func compact() {
        let horizon = newest &- Self.failureMemory
        failureKeys = failureKeys.filter { $0.value >= horizon }
        if failureKeys.count > Self.maxFailureKeys {
            let keep = failureKeys.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(Self.maxFailureKeys * 3 / 4)
            failureKeys = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
