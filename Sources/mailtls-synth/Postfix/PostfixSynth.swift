#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailTLSReports

/// `mailtls-synth --mta postfix`: a Postfix log and its truth (same schema and keys as sendmail's).
enum PostfixSynth {
    static func run(options: SynthOptions, fd: Int32) {
        var gen = PostfixGenerator(options: options, fd: fd)
        gen.run()
        if gen.sink.failed != 0 { MailtlsSynth.fail("write failed: \(String(cString: strerror(gen.sink.failed)))") }
        if fd != 1 { close(fd) }

        let bytes = gen.sink.total
        let json = gen.truthJSON(seed: options.seed, bytes: bytes).serialized()
        let truthPath = options.truth!
        let tfd = open(truthPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if tfd < 0 { MailtlsSynth.fail("cannot open \(truthPath): \(String(cString: strerror(errno)))") }
        MailtlsSynth.writeAll(tfd, json)
        close(tfd)
        let t = gen.truth
        MailtlsSynth.writeAll(2, "mailtls-synth: postfix, \(bytes) bytes, \(t.lines) lines, \(t.sessions) TLS sessions "
            + "(\(t.byRole[0]) server, \(t.byRole[1]) client), \(t.days.count) days, seed \(options.seed); truth: \(truthPath)\n")
    }
}

/// Writes an interleaved Postfix log of several hosts (docs/postfix.md) while counting its truth.
///
/// Hosts come in three kinds (by index, repeating): `mx1` logs TLS lines on both sides
/// (`smtpd_tls_loglevel = 1`, Postfix 3.8); `mx2` logs none (loglevel 0: only the `starttls=1`
/// counters and 3.11's `tls=` field tell); `out1` logs both. Connections run concurrently (one line of
/// a random open connection at a time), smtpd and smtp pids are reused from per-host pools, a deferred
/// delivery is retried later by qmgr on a new connection, a cached TLS connection is reused by another
/// smtp process, and some handshakes fail. Every connection ends (`disconnect`) before the log does,
/// so nothing is left waiting in the linker.
struct PostfixGenerator {
    var rng: SplitMix64
    var sink: ByteSink
    var truth: TruthCounter
    let options: SynthOptions

    struct ServerPeer {
        var name: String?
        var ip: String
        var tls: Bool
        var profile: Int
        var trust: Int
        /// 0: an MTA on port 25; 1: a customer on submission (587); 2: a customer on smtps (465).
        var kind: Int
        var user: String
        var mech: Int
    }

    struct MXHost {
        var name: String
        var ip: String
        var tls: Bool
        var profile: Int
        var trust: Int
        var domain: String
    }

    static let trustWords = ["Anonymous", "Untrusted", "Trusted", "Verified"]
    /// TLSProfile.verifies index of each trust word: NO, FAIL, OK, OK.
    static let trustVerify = [TLSProfile.verifyNO, TLSProfile.verifyFAIL, TLSProfile.verifyOK, TLSProfile.verifyOK]
    static let mechs = ["PLAIN", "LOGIN", "CRAM-MD5"]
    /// tls= values of TLS deliveries, and what the definitions make of them (nil: says nothing).
    static let tlsValues: [(String, Bool?)] = [
        ("may", true), ("may", true), ("may", true), ("encrypt", true), ("verify", true), ("dane", true),
        ("dane/requiretls", true), ("may?", nil), ("!dane", nil),
    ]
    static let problems = [
        "error:0A000102:SSL routines::unsupported protocol:ssl/statem/statem_srvr.c:1657:",
        "error:0A00010B:SSL routines::wrong version number:ssl/record/ssl3_record.c:354:",
        "error:0A000076:SSL routines::no suitable signature algorithm:ssl/t1_lib.c:3330:",
    ]
    /// Profiles Postfix can log (sendmail's pre-8.15 `TLSv1/SSLv3` ones excluded).
    static let modernProfiles = TLSProfile.modernWeights.map(\.0) + [16, 17]
    static let profileWeights = TLSProfile.modernWeights.map(\.1) + [0.4, 0.4]

    var servers: [ServerPeer] = []
    var mxs: [MXHost] = []
    var hostNames: [String] = []

    /// Milliseconds since 1970 (naive local time, written as is).
    var nowMs: Int64
    var curDay = -1
    var curSec: Int64 = -1
    var stamp = ""

    var active: [PostfixScript] = []
    /// Retries waiting for their time, in start order.
    var later: [PostfixScript] = []
    /// Free pids per (host, program: 0 smtpd, 1 smtp), and the next fresh one.
    var freePids: [[Int]]
    var nextPid: [Int]
    var freshPids = 0
    var reusedPids = 0
    var qidCounter: UInt64
    /// (host, mx) pairs with an established TLS connection that another process may reuse.
    var cached: Set<Int> = []
    var stopping = false

    static let concurrency = 24

    init(options: SynthOptions, fd: Int32) {
        self.options = options
        rng = SplitMix64(seed: options.seed ^ 0x7057_F1C5)
        sink = ByteSink(fd: fd)
        let serverCount = 600, mxCount = 300
        truth = TruthCounter(serverPeers: serverCount, clientPeers: mxCount)
        nowMs = Int64(options.start.daysSinceEpoch) * 86_400_000 + 6 * 3_600_000
        freePids = Array(repeating: [], count: options.hosts * 2)
        // Fresh pids of each (host, program) in their own range, above the fixed pids of pickup,
        // qmgr, cleanup and local (100-499): two processes never share a pid.
        nextPid = (0 ..< options.hosts * 2).map { 1000 + $0 * 200_000 }
        qidCounter = 0x3A0000 + UInt64(options.seed % 4096) * 0x1000
        var peers = rng.fork()
        for h in 0 ..< options.hosts {
            hostNames.append(h < 3 ? ["mx1", "mx2", "out1"][h] : "mx\(h + 1)")
        }
        for i in 0 ..< serverCount {
            let kind = peers.chance(0.7) ? 0 : (peers.chance(0.8) ? 1 : 2)
            let profile = Self.pickProfile(&peers)
            let anonymous = TLSProfile.all[profile].anonymous
            let trust = anonymous ? 0 : [0, 0, 0, 1, 1, 2, 3][peers.below(7)]
            let name: String? = peers.chance(0.1) ? nil : (kind == 0 ? "Mail\(i).Sender\(i % 97).example" : "host-\(i).dyn\(i % 13).example")
            servers.append(ServerPeer(
                name: name, ip: "100.64.\(i / 250).\(i % 250 + 1)", tls: kind == 2 || peers.chance(0.8),
                profile: profile, trust: trust, kind: kind, user: "user\(i)", mech: peers.below(3)))
        }
        for j in 0 ..< mxCount {
            let profile = Self.pickProfile(&peers)
            let anonymous = TLSProfile.all[profile].anonymous
            mxs.append(MXHost(
                name: "mx\(j % 3).dest\(j).example", ip: "100.65.\(j / 250).\(j % 250 + 1)", tls: peers.chance(0.85),
                profile: profile, trust: anonymous ? 0 : [1, 1, 1, 2, 2, 3][peers.below(6)], domain: "dest\(j).example"))
        }
    }

    static func pickProfile(_ r: inout SplitMix64) -> Int {
        let total = profileWeights.reduce(0, +)
        var u = r.unit() * total
        for (i, w) in profileWeights.enumerated() {
            u -= w
            if u < 0 { return modernProfiles[i] }
        }
        return modernProfiles[0]
    }

    /// Host kinds: whether smtpd and smtp log TLS summary lines, and whether deliveries carry `tls=`.
    func logsTLSLines(_ h: Int) -> Bool { h % 3 != 1 }
    func logsTLSField(_ h: Int) -> Bool { h % 3 != 0 }

    // MARK: Main loop

    mutating func run() {
        for _ in 0 ..< Self.concurrency { active.append(newScript()) }
        while !active.isEmpty {
            if !stopping && sink.total >= options.size {
                stopping = true
                later.removeAll()
            }
            if let first = later.first, first.start <= nowMs {
                active.append(later.removeFirst())
            }
            let i = rng.below(active.count)
            write(active[i].lines[active[i].next])
            active[i].next += 1
            if active[i].done {
                // A finished retry makes room again: the number of open connections stays about
                // `concurrency`, so no connection outlasts the linker's idle gap.
                if stopping || active.count > Self.concurrency {
                    active.remove(at: i)
                } else {
                    active[i] = newScript()
                }
            }
            nowMs += Int64(-log(1.0 - rng.unit()) * 900) + 1
        }
        sink.flush()
    }

    mutating func write(_ line: PostfixScript.Line) {
        let sec = nowMs / 1000
        if sec != curSec { setSecond(sec) }
        if truth.firstSec < 0 { truth.firstSec = curSec }
        let text = stamp + hostNames[line.host] + " " + line.tag + String(line.pid) + "]: " + line.text + "\n"
        var t = text
        t.withUTF8 { sink.put($0.baseAddress!, $0.count) }
        sink.lineDone()
        truth.lines += 1
        truth.lastSec = curSec
        apply(line.fact)
        apply(line.fact2)
    }

    mutating func apply(_ fact: PostfixScript.Fact) {
        switch fact {
        case .none: break
        case .session(let role, let profile, let verify, let peer):
            truth.session(role: role, profile: profile, verify: verify, peer: peer)
        case .inbound(let e): truth.inbound(encrypted: e)
        case .outbound(let e): truth.outbound(encrypted: e)
        case .auth(let overTLS, let mech): truth.auth(overTLS: overTLS, mech: mech)
        case .failure: truth.handshakeFailures += 1
        case .release(let host, let program, let pid): freePids[host * 2 + program].append(pid)
        }
    }

    mutating func setSecond(_ sec: Int64) {
        curSec = sec
        let day = Int(sec / 86_400)
        let date = CivilDate(daysSinceEpoch: day)
        if day != curDay {
            curDay = day
            truth.newDay(date)
        }
        let rem = Int(sec % 86_400)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let d = date.day < 10 ? " \(date.day)" : "\(date.day)"
        stamp = "\(CivilDate.monthAbbrev[date.month - 1]) \(d) \(two(rem / 3600)):\(two(rem / 60 % 60)):\(two(rem % 60)) "
    }

    // MARK: Scripts

    mutating func takePid(_ host: Int, _ program: Int) -> Int {
        let k = host * 2 + program
        if !freePids[k].isEmpty && rng.chance(0.85) {
            reusedPids += 1
            return freePids[k].remove(at: rng.below(freePids[k].count))
        }
        freshPids += 1
        nextPid[k] += 1 + rng.below(40)
        return nextPid[k]
    }

    mutating func qid() -> String {
        qidCounter += 1 + UInt64(rng.below(7))
        let hex = String(qidCounter, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 10 - hex.count)) + hex
    }

    mutating func newScript() -> PostfixScript {
        let host = rng.below(options.hosts)
        let u = rng.unit()
        if u < 0.5 { return inbound(host) }
        if u < 0.53 { return loopback(host) }
        return outbound(host, retry: nil)
    }

    static func namaddr(_ name: String?, _ ip: String) -> String { "\(name ?? "unknown")[\(ip)]" }

    /// An smtpd connection: connect, maybe a TLS line or a failed handshake, 1-3 messages (with
    /// SASL for customers) and their cleanup/qmgr lines, the disconnect counters.
    mutating func inbound(_ h: Int) -> PostfixScript {
        var s = PostfixScript()
        let i = rng.skewed(servers.count)
        let p = servers[i]
        let service = ["postfix/smtpd[", "postfix/submission/smtpd[", "postfix/smtps/smtpd["][p.kind]
        let pid = takePid(h, 0)
        let who = Self.namaddr(p.name, p.ip)
        s.add(h, service, pid, "connect from \(who)")
        let wrapper = p.kind == 2
        if p.tls && !wrapper && rng.chance(0.03) {
            s.add(h, service, pid, "SSL_accept error from \(who): -1", .failure)
            s.add(h, service, pid, "warning: TLS library problem: \(Self.problems[rng.below(Self.problems.count)])")
            s.add(h, service, pid, "lost connection after STARTTLS from \(who)")
            s.add(h, service, pid, "disconnect from \(who) ehlo=1 starttls=0/1 commands=1/2", .release(host: h, program: 0, pid: pid))
            return s
        }
        let tls = p.tls
        if tls && logsTLSLines(h) {
            let pr = TLSProfile.all[p.profile]
            let c = TLSProfile.ciphers[pr.cipher]
            let lowered = Self.namaddr(p.name?.lowercased(), p.ip)
            s.add(h, service, pid, "\(Self.trustWords[p.trust]) TLS connection established from \(lowered): "
                + "\(TLSProfile.versions[pr.version]) with cipher \(c.name) (\(Self.usedAlg(c.bits)) bits)",
                  .session(role: 0, profile: p.profile, verify: Self.trustVerify[p.trust], peer: i))
        }
        let n = 1 + (rng.chance(0.2) ? 1 + rng.below(2) : 0)
        let sasl = p.kind != 0
        for _ in 0 ..< n {
            let q = qid()
            var text = "\(q): client=\(who)"
            var auth = PostfixScript.Fact.none
            if sasl {
                text += ", sasl_method=\(Self.mechs[p.mech]), sasl_username=\(p.user)"
                auth = .auth(overTLS: tls, mech: p.mech)
            }
            s.add(h, service, pid, text, .inbound(encrypted: tls), auth)
            s.add(h, "postfix/cleanup[", 300 + h, "\(q): message-id=<\(q).\(i)@\(p.name?.lowercased() ?? "unknown.example")>")
            s.add(h, "postfix/qmgr[", 200 + h, "\(q): from=<\(p.user)@sender\(i % 97).example>, size=\(1000 + rng.below(90_000)), nrcpt=1 (queue active)")
            if rng.chance(0.5) {
                s.add(h, "postfix/local[", 400 + h, "\(q): to=<user\(rng.below(50))@ours.example>, relay=local, delay=0.5, delays=0.4/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)")
            }
        }
        var counters = "ehlo=2 "
        if tls && !wrapper { counters += "starttls=1 " }
        if sasl { counters += "auth=1 " }
        counters += "mail=\(n) rcpt=\(n) data=\(n) quit=1 commands=\(3 * n + 3)"
        s.add(h, service, pid, "disconnect from \(who) \(counters)", .release(host: h, program: 0, pid: pid))
        return s
    }

    /// Postfix prints (used/alg bits); the profile table holds sendmail's alg/used.
    static func usedAlg(_ bits: String) -> String {
        let parts = bits.split(separator: "/")
        return parts.count == 2 ? "\(parts[1])/\(parts[0])" : bits
    }

    /// A reinjection from a local content filter and its delivery back to it: loopback, not counted
    /// (the TLS session to it is, as every session is).
    mutating func loopback(_ h: Int) -> PostfixScript {
        var s = PostfixScript()
        let pid = takePid(h, 0)
        let q = qid()
        s.add(h, "postfix/smtpd[", pid, "connect from localhost[127.0.0.1]")
        s.add(h, "postfix/smtpd[", pid, "\(q): client=localhost[127.0.0.1]")
        s.add(h, "postfix/qmgr[", 200 + h, "\(q): from=<cron@ours.example>, size=600, nrcpt=1 (queue active)")
        s.add(h, "postfix/smtpd[", pid, "disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5",
              .release(host: h, program: 0, pid: pid))
        let spid = takePid(h, 1)
        var field = ""
        if logsTLSLines(h) && rng.chance(0.5) {
            s.add(h, "postfix/smtp[", spid, "Anonymous TLS connection established to localhost[127.0.0.1]:10025: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
                  .session(role: 1, profile: 0, verify: TLSProfile.verifyNO, peer: -1))
            if logsTLSField(h) { field = "tls=may, " }
        } else if logsTLSField(h) {
            field = "tls=none, "
        }
        s.add(h, "postfix/smtp[", spid, "\(q): to=<root@ours.example>, relay=localhost[127.0.0.1]:10025, delay=0.3, delays=0.1/0/0.1/0.1, \(field)dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as \(qid()))",
              .release(host: h, program: 1, pid: spid))
        return s
    }

    /// An smtp connection to one MX: maybe a local submission first (pickup), the TLS line (or a reused
    /// connection, or a failed handshake and a plaintext retry), 1-3 deliveries, some deferred (retried
    /// later) or bounced.
    mutating func outbound(_ h: Int, retry: (qid: String, mx: Int)?) -> PostfixScript {
        var s = PostfixScript()
        let j = retry?.mx ?? rng.skewed(mxs.count)
        let mx = mxs[j]
        let q = retry?.qid ?? qid()
        if retry == nil && rng.chance(0.2) {
            s.add(h, "postfix/pickup[", 100 + h, "\(q): uid=\(rng.chance(0.5) ? 0 : 1000) from=<app>")
        }
        s.add(h, "postfix/qmgr[", 200 + h, "\(q): from=<app@ours.example>, size=\(500 + rng.below(50_000)), nrcpt=\(1 + rng.below(3)) (queue active)")
        let pid = takePid(h, 1)
        let tag = logsTLSField(h) && rng.chance(0.3) ? "postfix-out/smtp[" : "postfix/smtp["
        let relay = "\(mx.name)[\(mx.ip)]:25"
        var tls = mx.tls
        let pr = TLSProfile.all[mx.profile]
        let c = TLSProfile.ciphers[pr.cipher]
        let summary = "\(TLSProfile.versions[pr.version]) with cipher \(c.name) (\(Self.usedAlg(c.bits)) bits)"
        let key = h * mxs.count + j
        if tls && rng.chance(0.03) {
            s.add(h, tag, pid, "SSL_connect error to \(relay): -1", .failure)
            s.add(h, tag, pid, "warning: TLS library problem: \(Self.problems[rng.below(Self.problems.count)])")
            s.add(h, tag, pid, "\(q): Cannot start TLS: handshake failure")
            tls = false
        } else if tls && logsTLSLines(h) {
            if cached.contains(key) && rng.chance(0.3) {
                s.add(h, tag, pid, "\(Self.trustWords[mx.trust]) TLS connection reused to \(relay): \(summary)")
            } else {
                s.add(h, tag, pid, "\(Self.trustWords[mx.trust]) TLS connection established to \(relay): \(summary)",
                      .session(role: 1, profile: mx.profile, verify: Self.trustVerify[mx.trust], peer: j))
                cached.insert(key)
            }
        }
        let n = 1 + (rng.chance(0.3) ? 1 + rng.below(2) : 0)
        for k in 0 ..< n {
            var field = ""
            var encrypted = tls
            if logsTLSField(h) {
                if tls {
                    let (v, says) = Self.tlsValues[rng.below(Self.tlsValues.count)]
                    field = "tls=\(v), "
                    // Without a TLS line to link, only what the field says counts.
                    if !logsTLSLines(h) { encrypted = says ?? false }
                } else {
                    field = mx.tls ? "tls=may:none, " : (rng.chance(0.5) ? "tls=none, " : "tls=may:none, ")
                }
            }
            let rcpt = "<u\(rng.below(1000))@\(mx.domain)>"
            let use = k > 0 ? "conn_use=\(k + 1), " : ""
            let head = "\(q): to=\(rcpt), relay=\(relay), \(use)delay=1.2, delays=0.1/0/0.6/0.5, \(field)"
            let u = rng.unit()
            if retry == nil && u < 0.06 {
                s.add(h, tag, pid, head + "dsn=4.2.0, status=deferred (host \(mx.name)[\(mx.ip)] said: 450 4.2.0 Try again later (in reply to RCPT TO command))")
                var r = outbound(h, retry: (q, j))
                r.start = nowMs + Int64(600_000 + rng.below(1_200_000))
                let at = later.firstIndex { $0.start > r.start } ?? later.count
                later.insert(r, at: at)
            } else if u < 0.08 {
                s.add(h, tag, pid, head + "dsn=5.1.1, status=bounced (host \(mx.name)[\(mx.ip)] said: 550 5.1.1 User unknown (in reply to RCPT TO command))")
            } else {
                s.add(h, tag, pid, head + "dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as \(qid()))", .outbound(encrypted: encrypted))
            }
        }
        s.lines[s.lines.count - 1].fact2 = .release(host: h, program: 1, pid: pid)
        return s
    }

    func truthJSON(seed: UInt64, bytes: Int) -> JSONValue {
        // The truth of sendmail's generator, with this generator's pid figures.
        let dummyRng = SplitMix64(seed: 0)
        var r = dummyRng
        let json = truth.json(seed: seed, bytes: bytes, pids: PidPool(hosts: 1, rng: &r))
        guard case .object(let members) = json else { return json }
        return .object(members.map { m in
            m.key == "pid_reuse" ? (m.key, .object([("fresh", .int(freshPids)), ("reused", .int(reusedPids))])) : m
        })
    }
}
