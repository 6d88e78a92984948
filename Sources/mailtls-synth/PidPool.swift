/// Process ids per syslog host, drawn from a smallish range so that they recur.
///
/// Reuse rule (what lets a parser link by host+pid exactly): a pid is handed out again only when it
/// is not in use and either (a) its last line is at least 31 minutes old, or (b) the new session's
/// first line is a STARTTLS main line (which resets per-pid state in the parser).
struct PidPool {
    static let idleMs: Int64 = 31 * 60 * 1000
    static let never = Int64.min / 2
    static let recentSlots = 8

    let width: Int
    private var lo: [Int32] = []
    private var cursor: [Int] = []
    private var busy: [Bool]
    private var lastUse: [Int64]
    private var recent: [Int32]
    private var recentPos: [Int]
    private var overflowNext: [Int32] = []

    private(set) var fresh = 0
    private(set) var reusedAfterIdle = 0
    private(set) var reusedOnStarttls = 0
    private(set) var overflow = 0

    init(hosts: Int, rng: inout SplitMix64) {
        width = 800 + 8000 / hosts
        for h in 0 ..< hosts {
            let base: Int
            switch h % 3 {
            case 0: base = rng.range(10_000, 60_000)
            case 1: base = rng.range(100_000, 900_000)
            default: base = rng.range(1_000_000, 3_000_000)
            }
            lo.append(Int32(base))
            cursor.append(rng.below(width))
            overflowNext.append(Int32(base + width + 1000))
        }
        busy = Array(repeating: false, count: hosts * width)
        lastUse = Array(repeating: PidPool.never, count: hosts * width)
        recent = Array(repeating: -1, count: hosts * PidPool.recentSlots)
        recentPos = Array(repeating: 0, count: hosts)
    }

    /// The syslog pid of the long-running daemon on a host (outside the session range).
    func daemonPid(host: Int) -> Int32 { lo[host] - 977 }

    mutating func allocate(host: Int, now: Int64, startsWithStarttls: Bool, rng: inout SplitMix64) -> Int32 {
        let base = host * width
        // Deliberate quick reuse of a recently freed pid: only for sessions that open with STARTTLS.
        if startsWithStarttls && rng.chance(0.3) {
            let r = recent[host * PidPool.recentSlots + rng.below(PidPool.recentSlots)]
            if r >= 0 {
                let k = Int(r - lo[host])
                if !busy[base + k] {
                    take(base + k, now: now, starttls: true)
                    return r
                }
            }
        }
        var c = cursor[host]
        for _ in 0 ..< width {
            c += 1 + rng.below(3)
            if c >= width { c -= width }
            let k = base + c
            if busy[k] { continue }
            if startsWithStarttls || now - lastUse[k] >= PidPool.idleMs {
                cursor[host] = c
                take(k, now: now, starttls: startsWithStarttls)
                return lo[host] + Int32(c)
            }
        }
        overflow += 1
        overflowNext[host] += 1
        return overflowNext[host]
    }

    private mutating func take(_ k: Int, now: Int64, starttls: Bool) {
        if lastUse[k] == PidPool.never {
            fresh += 1
        } else if now - lastUse[k] >= PidPool.idleMs {
            reusedAfterIdle += 1
        } else {
            precondition(starttls)
            reusedOnStarttls += 1
        }
        busy[k] = true
    }

    mutating func release(host: Int, pid: Int32, now: Int64) {
        let c = Int(pid - lo[host])
        guard c >= 0 && c < width else { return }
        busy[host * width + c] = false
        lastUse[host * width + c] = now
        recent[host * PidPool.recentSlots + recentPos[host]] = pid
        recentPos[host] = (recentPos[host] + 1) % PidPool.recentSlots
    }
}

extension PidPool {
    /// Some pid of the host's range (the creator of a queue id made up for a delivery).
    func somePid(host: Int, rng: inout SplitMix64) -> Int32 {
        daemonPid(host: host) + 977 + Int32(rng.below(width))
    }
}
