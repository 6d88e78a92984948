#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a realistic, deterministic sendmail syslog stream and counts its truth on the way.
///
/// A fixed number of session slots run concurrently. Each loop iteration advances the clock a
/// little and writes one line: a noise line, or the next line of a randomly chosen session
/// (starting a new session when the slot is free). Sessions therefore interleave as in real logs.
struct LogGenerator {
    static let slotCount = 10
    static let fifoCapacity = 4096
    static let noiseProbability = 0.15
    /// Mean gap between two log lines at hour factor 1.0 (ms).
    static let baseGapMs = 430.0
    static let hourFactor: [Double] = [
        0.35, 0.3, 0.28, 0.27, 0.3, 0.4, 0.6, 0.9, 1.3, 1.6, 1.7, 1.7,
        1.5, 1.6, 1.7, 1.7, 1.6, 1.4, 1.1, 0.9, 0.8, 0.7, 0.55, 0.45,
    ]

    var rng: SplitMix64
    var sink: ByteSink
    let arena: UnsafePointer<UInt8>
    let pop: PeerPopulation
    let hosts: [HostInfo]
    var pids: PidPool
    var truth: TruthCounter
    var slots: [Session]
    let target: Int
    var draining = false

    // Clock.
    var nowMs: Int64
    var curSec: Int64 = -1
    var curDay = Int.min
    var curDate = CivilDate(year: 1970, month: 1, day: 1)
    var gapMean = 430.0
    let bootSec: Int64
    /// `"Mon dd HH:MM:SS "` for the current second.
    let ts: UnsafeMutablePointer<UInt8>

    // Messages waiting for delivery, per host (ring buffer of queue ids).
    var fifo: [QueueID]
    var fifoHead: [Int]
    var fifoCount: [Int]
    var qidSeq: [Int32]

    // Table tokens.
    let versionTok: [Tok]
    let cipherTok: [Tok]
    let bitsTok: [Tok]
    let verifyTok: [Tok]
    let hostTable: WeightedTable

    init(options: SynthOptions, fd: Int32) {
        var master = SplitMix64(seed: options.seed)
        var popRng = master.fork()
        var arenaBuilder = TokenArena()
        let org = "example.org"
        pop = PeerPopulation(rng: popRng.fork(), arena: &arenaBuilder, orgDomain: org)
        hosts = (0 ..< options.hosts).map { HostInfo(index: $0, count: options.hosts, org: org, arena: &arenaBuilder) }
        versionTok = TLSProfile.versions.map { arenaBuilder.add($0) }
        cipherTok = TLSProfile.ciphers.map { arenaBuilder.add($0.name) }
        bitsTok = TLSProfile.ciphers.map { arenaBuilder.add($0.bits) }
        verifyTok = TLSProfile.verifies.map { arenaBuilder.add($0) }
        arena = arenaBuilder.freeze()
        pids = PidPool(hosts: options.hosts, rng: &popRng)
        hostTable = WeightedTable((0 ..< options.hosts).map { ($0, 1.0) })

        rng = master.fork()
        sink = ByteSink(fd: fd)
        truth = TruthCounter(serverPeers: pop.peers.count, clientPeers: pop.mx.count)
        slots = Array(repeating: Session(), count: LogGenerator.slotCount)
        target = options.size
        nowMs = Int64(options.start.daysSinceEpoch) * 86_400_000
        bootSec = nowMs / 1000 - Int64(rng.range(86_400, 40 * 86_400))
        ts = .allocate(capacity: 16)
        fifo = Array(repeating: QueueID(sec: 0, seq: 0, pid: 0), count: options.hosts * LogGenerator.fifoCapacity)
        fifoHead = Array(repeating: 0, count: options.hosts)
        fifoCount = Array(repeating: 0, count: options.hosts)
        var seqs: [Int32] = []
        for _ in 0 ..< options.hosts { seqs.append(Int32(rng.below(3600))) }
        qidSeq = seqs
    }

    // MARK: - Main loop

    mutating func run() {
        while true {
            if !draining && sink.total >= target { draining = true }
            advanceClock()
            if draining {
                // Size reached: start nothing new, let the open sessions finish (still interleaved).
                guard slots.contains(where: \.active) else { break }
                var i = rng.below(LogGenerator.slotCount)
                while !slots[i].active { i = (i + 1) % LogGenerator.slotCount }
                stepSlot(i)
                continue
            }
            if rng.chance(LogGenerator.noiseProbability) {
                emitNoise()
                continue
            }
            let i = rng.below(LogGenerator.slotCount)
            if !slots[i].active { slots[i] = plan() }
            stepSlot(i)
        }
        sink.flush()
    }

    private mutating func stepSlot(_ i: Int) {
        var s = slots[i]
        let op = s.prog.at(s.step)
        emit(op, &s)
        s.step += 1
        if s.step >= s.prog.count {
            pids.release(host: s.host, pid: s.pid, now: nowMs)
            if s.pid2 != 0 { pids.release(host: s.host, pid: s.pid2, now: nowMs) }
            s.active = false
        }
        slots[i] = s
    }

    // MARK: - Dispatch

    mutating func emit(_ op: SessionOp, _ s: inout Session) {
        switch op {
        case .acceptFailed, .starttlsServer, .certServer, .readError, .lostInput, .authServer, .authFailure,
             .relayDenied, .fromZero, .fromMessage, .milter, .didNotIssue:
            emitInbound(op, &s)
        case .starttlsClient, .starttlsClientFallback, .certClient, .authClient, .toSent, .toDeferred, .toBounce,
             .dsn, .connectFailed, .rulesetTLS, .toDeferred403, .toDeferredNoConnect:
            emitOutbound(op, &s)
        case .toLocal:
            emitLocal(&s)
        case .mspFrom, .mspStarttls, .loopStarttlsServer, .loopFrom, .mspTo:
            emitMSP(op, &s)
        }
    }

    /// The main STARTTLS line; also counts it.
    mutating func starttlsLine(role: Int, relay: Tok, profile: Int, verify: Int, peer: Int) {
        if role == TruthCounter.server { w("STARTTLS=server, relay=") } else { w("STARTTLS=client, relay=") }
        t(relay)
        w(", version=")
        let p = TLSProfile.all[profile]
        t(versionTok[p.version])
        w(", verify=")
        t(verifyTok[verify])
        w(", cipher=")
        t(cipherTok[p.cipher])
        w(", bits=")
        t(bitsTok[p.cipher])
        truth.session(role: role, profile: profile, verify: verify, peer: peer)
    }

    // MARK: - Clock

    mutating func advanceClock() {
        let u = 1.0 - rng.unit()
        nowMs += Int64(-log(u) * gapMean)
        let sec = nowMs / 1000
        if sec != curSec { setSecond(sec) }
    }

    private mutating func setSecond(_ sec: Int64) {
        curSec = sec
        let day = Int(sec / 86400)
        if day != curDay {
            curDay = day
            curDate = CivilDate(daysSinceEpoch: day)
            truth.newDay(curDate)
            let m = CivilDate.monthAbbrev[curDate.month - 1]
            ts.update(from: m.utf8Start, count: 3)
            ts[3] = 32
            ts[4] = curDate.day < 10 ? 32 : UInt8(48 + curDate.day / 10)
            ts[5] = UInt8(48 + curDate.day % 10)
            ts[6] = 32
            ts[9] = 58
            ts[12] = 58
            ts[15] = 32
        }
        let rem = Int(sec % 86400)
        let h = rem / 3600, mi = rem / 60 % 60, s = rem % 60
        ts[7] = UInt8(48 + h / 10); ts[8] = UInt8(48 + h % 10)
        ts[10] = UInt8(48 + mi / 10); ts[11] = UInt8(48 + mi % 10)
        ts[13] = UInt8(48 + s / 10); ts[14] = UInt8(48 + s % 10)
        let weekday = (day + 4) % 7  // 0 = Sunday
        let f = LogGenerator.hourFactor[h] * (weekday == 0 || weekday == 6 ? 0.6 : 1.0)
        gapMean = LogGenerator.baseGapMs / f
    }

    // MARK: - Line helpers

    /// Start a line: timestamp, `host tag[`, pid, `]: `.
    @inline(__always)
    mutating func begin(_ prefix: Tok, _ pid: Int32) {
        if truth.firstSec < 0 { truth.firstSec = curSec }
        sink.put(ts, 16)
        t(prefix)
        sink.int(Int(pid))
        sink.put("]: ")
    }

    /// Start a line whose prefix already ends the envelope (`host dovecot: `, `host systemd[1]: `).
    @inline(__always)
    mutating func beginRaw(_ prefix: Tok) {
        if truth.firstSec < 0 { truth.firstSec = curSec }
        sink.put(ts, 16)
        t(prefix)
    }

    @inline(__always)
    mutating func end() {
        sink.byte(10)
        truth.lines += 1
        truth.lastSec = curSec
        sink.lineDone()
    }

    @inline(__always)
    mutating func t(_ k: Tok) {
        sink.put(arena + Int(k.off), Int(k.len))
    }

    @inline(__always)
    mutating func w(_ s: StaticString) {
        sink.put(s)
    }

    /// Write a queue id.
    mutating func q(_ id: QueueID) {
        let day = Int(id.sec / 86400)
        let d = day == curDay ? curDate : CivilDate(daysSinceEpoch: day)
        let rem = Int(id.sec % 86400)
        let c = QueueID.chars
        sink.byte(c[(d.year - 1900) % 60])
        sink.byte(c[d.month - 1])
        sink.byte(c[d.day])
        sink.byte(c[rem / 3600])
        sink.byte(c[rem / 60 % 60])
        sink.byte(c[rem % 60])
        sink.byte(c[Int(id.seq / 60 % 60)])
        sink.byte(c[Int(id.seq % 60)])
        sink.int(Int(id.pid), width: 6)
    }

    mutating func newQID(host: Int, pid: Int32) -> QueueID {
        qidSeq[host] = (qidSeq[host] + 1 + Int32(rng.below(3))) % 3600
        return QueueID(sec: curSec, seq: qidSeq[host], pid: pid)
    }

    /// `HH:MM:SS` or `D+HH:MM:SS`.
    mutating func duration(_ secs: Int64) {
        var s = Int(max(0, secs))
        if s >= 86400 {
            sink.int(s / 86400)
            sink.byte(43)  // +
            s %= 86400
        }
        sink.two(s / 3600)
        sink.byte(58)
        sink.two(s / 60 % 60)
        sink.byte(58)
        sink.two(s % 60)
    }

    // MARK: - Delivery queue

    mutating func enqueue(host: Int, _ id: QueueID) {
        let cap = LogGenerator.fifoCapacity
        let base = host * cap
        if fifoCount[host] == cap {
            fifoHead[host] = (fifoHead[host] + 1) % cap
            fifoCount[host] -= 1
        }
        fifo[base + (fifoHead[host] + fifoCount[host]) % cap] = id
        fifoCount[host] += 1
    }

    /// A message to deliver: usually the newest one (background delivery), sometimes the oldest
    /// (queue run); made up when nothing is queued.
    mutating func dequeue(host: Int) -> QueueID {
        let cap = LogGenerator.fifoCapacity
        let base = host * cap
        if fifoCount[host] == 0 {
            qidSeq[host] = (qidSeq[host] + 1) % 3600
            return QueueID(sec: curSec - Int64(rng.range(1, 90)), seq: qidSeq[host], pid: pids.somePid(host: host, rng: &rng))
        }
        fifoCount[host] -= 1
        if rng.chance(0.05) {
            let id = fifo[base + fifoHead[host]]
            fifoHead[host] = (fifoHead[host] + 1) % cap
            return id
        }
        return fifo[base + (fifoHead[host] + fifoCount[host]) % cap]
    }
}
