#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mailtls-synth --mta exim`: a deterministic Exim main log (`YYYY-MM-DD HH:MM:SS [pid] id …`) and the
/// truth it holds, counted by the definitions of docs/exim.md while the lines are written.
///
/// Messages arrive from mail servers (most over TLS, some with a client certificate), from customers
/// submitting with AUTH (over TLS or in clear), from the local content filter over loopback, and
/// from cron (`P=local`). Outbound mail goes to MX hosts in transport runs (`=>` then `->` for the
/// other recipients, a `*` after the host when the connection is reused), with greylisting
/// deferrals and their retries, bounces, hosts whose TLS handshake fails (deferred with
/// `TLS session: (…)` on every recipient and again on the retry, or delivered in clear after the
/// 4.90+ `delivering unencrypted` line), TLS I/O errors, and scanners whose handshakes fail, who are
/// rejected, or who leave without MAIL. OpenSSL and GnuTLS cipher names, `CV=yes/no/dane`, `DN=`
/// with commas, resumption `*` and 4.100+ key-exchange groups all occur. Pids come from a small
/// pool, so they repeat. `--hosts` is not used: Exim's main log names no host.
enum EximSynth {
    static func run(options: SynthOptions, fd: Int32) {
        var gen = EximGenerator(options: options, fd: fd)
        gen.run()
        if gen.sink.failed != 0 { MailtlsSynth.fail("write failed: \(String(cString: strerror(gen.sink.failed)))") }
        if fd != 1 { close(fd) }
        let bytes = gen.sink.total
        let truthPath = options.truth!
        let tfd = open(truthPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if tfd < 0 { MailtlsSynth.fail("cannot open \(truthPath): \(String(cString: strerror(errno)))") }
        MailtlsSynth.writeAll(tfd, gen.truth.json(seed: options.seed, bytes: bytes).serialized())
        close(tfd)
        let t = gen.truth
        MailtlsSynth.writeAll(2, "mailtls-synth: exim, \(bytes) bytes, \(t.lines) lines, \(t.sessions) TLS sessions "
            + "(\(t.byRole["server"] ?? 0) server, \(t.byRole["client"] ?? 0) client), \(t.days.count) days, "
            + "seed \(options.seed); truth: \(truthPath)\n")
    }
}

/// The generator's state: the clock, the cast, the lines waiting to be written, the truth so far.
struct EximGenerator {
    var rng: SplitMix64
    var sink: ByteSink
    var truth = EximTruth()
    var queue = EximLineQueue()
    let peers: EximPeers
    let target: Int
    /// `+millisec`: the fraction after the seconds (odd seeds).
    let millis: Bool
    /// Naive local time (written as is), milliseconds since 1970.
    var nowMs: Int64
    var messages = 0
    let pids: [Int]
    /// When each MX host last had a transport run: a run within a minute reuses the connection (`*`).
    var lastRun: [Int: Int64] = [:]
    /// Deferral handshake failures already counted, by "message-id host".
    var failedPairs: Set<String> = []

    init(options: SynthOptions, fd: Int32) {
        rng = SplitMix64(seed: options.seed)
        var castRNG = rng.fork()
        peers = EximPeers(rng: &castRNG)
        sink = ByteSink(fd: fd)
        target = options.size
        millis = options.seed % 2 == 1
        nowMs = Int64(options.start.daysSinceEpoch) * 86_400_000
        var pool: [Int] = []
        for _ in 0..<400 { pool.append(rng.range(1000, 3_999_999)) }
        pids = pool
    }

    mutating func run() {
        push(nowMs, "exim 4.98 daemon started: pid=\(pids[0]), -q30m, listening for SMTP on port 25 (IPv4) port 587 (IPv4)")
        while sink.total < target {
            nowMs += Int64(rng.range(100, 2400))
            activity()
            writeDue(before: nowMs)
        }
        writeDue(before: .max)
        sink.flush()
    }

    /// Writes the queued lines older than `ms`.
    mutating func writeDue(before ms: Int64) {
        while let e = queue.first, e.ms < ms {
            _ = queue.pop()
            write(e)
        }
    }

    mutating func write(_ e: EximLineQueue.Entry) {
        let sec = e.ms / 1000
        let date = CivilDate(daysSinceEpoch: Int(sec / 86_400))
        truth.line(at: sec, date: date)
        let s = Int(sec % 86_400)
        var text = "\(date.iso) \(Self.two(s / 3600)):\(Self.two(s / 60 % 60)):\(Self.two(s % 60))"
        if millis { text += "." + String(Int(e.ms % 1000) + 1000).dropFirst() }
        text += " [\(e.pid)] " + e.text + "\n"
        var bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { sink.put($0.baseAddress!, $0.count) }
        sink.lineDone()
        let t = e.truth
        if let s = t.session {
            truth.session(role: s.role, profile: EximProfile.all[s.profile], verify: s.verify, peer: s.peer, loopback: s.loopback)
        }
        if let enc = t.inbound { truth.inbound(encrypted: enc) }
        if let enc = t.outbound { truth.outbound(encrypted: enc) }
        if t.failure { truth.handshakeFailures += 1 }
        if let a = t.auth { truth.auth(authenticator: a.authenticator, overTLS: a.overTLS) }
        bytes.removeAll()
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    mutating func push(_ ms: Int64, _ text: String, _ t: EximLineTruth = EximLineTruth(), pid: Int? = nil) {
        queue.push(ms: ms, pid: pid ?? pids[rng.below(pids.count)], text, t)
    }

    // MARK: - Activities

    mutating func activity() {
        let r = rng.unit()
        if r < 0.55 { fromServer() }
        else if r < 0.80 { fromCustomer() }
        else if r < 0.84 { fromCron() }
        else if r < 0.90 { throughFilter() }
        else { scanner() }
    }

    mutating func messageID() -> String {
        messages += 1
        return Self.base62(nowMs / 1000, 6) + "-" + Self.base62(Int64(messages), 11) + "-" + Self.base62(Int64(rng.below(14_776_336)), 4)
    }

    static let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    static func base62(_ v: Int64, _ width: Int) -> String {
        var v = v, out: [Character] = []
        for _ in 0..<width {
            out.append(digits[Int(v % 62)])
            v /= 62
        }
        return String(out.reversed())
    }

    /// The `H=` value of an inbound peer, with its port.
    mutating func host(_ p: EximPeers.Inbound) -> String {
        let port = rng.range(1024, 65535)
        let ip = p.ip
        if let name = p.name {
            return name.lowercased() == p.helo ? "\(name) [\(ip)]:\(port)" : "\(name) (\(p.helo)) [\(ip)]:\(port)"
        }
        return "(\(p.helo)) [\(ip)]:\(port)"
    }

    /// `X=…` (with a resumption `*` now and then), and the session it is.
    mutating func cipherField(_ profile: Int, group: String? = nil) -> String {
        let p = EximProfile.all[profile]
        var x = " X=\(p.logged):\(p.cipher):\(p.bits)"
        if let group, p.version == "TLSv1.3" { x += ":" + group }
        if p.version == "TLSv1.3" && rng.chance(0.08) { x += "*" }
        return x
    }

    /// An arrival over SMTP from `p`, with its AUTH for customers.
    mutating func arrival(_ p: EximPeers.Inbound, id: String, sender: String, rcpts: [String], port: Int) -> String {
        var line = "\(id) <= \(sender) H=\(host(p)) I=[198.51.100.5]:\(port)"
        let tls = p.profile != nil
        let auth = p.kind == .customer
        var proto = auth ? (tls ? "esmtpsa" : "esmtpa") : (tls ? "esmtps" : (rng.chance(0.2) ? "smtp" : "esmtp"))
        if !auth && rng.chance(0.05) { proto = "utf8" + proto }
        line += " P=\(proto)"
        var t = EximLineTruth()
        if let profile = p.profile {
            line += cipherField(profile)
            var verify = "NO"
            switch p.cert {
            case 1:
                line += " CV=yes DN=\"C=US,O=\(p.domain) Mail, Inc.,CN=\(p.helo)\""
                verify = "OK"
            case 2:
                line += " CV=no DN=\"/C=DE/O=\(p.domain)/CN=\(p.helo)\""
                verify = "FAIL"
            default:
                break
            }
            t.session = ("server", profile, verify, p.peer, p.loopback)
        }
        if auth {
            line += " A=\(p.authenticator):\(p.user)"
            if !p.loopback { t.auth = (p.authenticator, tls) }
        }
        line += " S=\(rng.range(600, 90_000)) id=\(id.lowercased())@\(p.domain)"
        if rng.chance(0.3) { line += " T=\"Re: report, part \(rng.range(1, 9)) = final\"" }
        line += " for " + rcpts.joined(separator: " ")
        if !p.loopback { t.inbound = tls }
        push(nowMs, line, t)
        return line
    }

    mutating func fromServer() {
        let p = peers.inbound[peers.mtas[rng.skewed(peers.mtas.count)]]
        let id = messageID()
        let user = NameLists.firstNames[rng.below(NameLists.firstNames.count)]
        let sender = rng.chance(0.1) ? "\"\(user) smith\"@\(p.domain)" : "\(user)@\(p.domain)"
        _ = arrival(p, id: id, sender: sender, rcpts: ["\(user)@example.org"], port: 25)
        let pid = pids[rng.below(pids.count)]
        let t = nowMs + Int64(rng.range(100, 3000))
        push(t, "\(id) => \(user) <\(user)@example.org> R=local_user T=local_delivery", pid: pid)
        push(t, "\(id) Completed", pid: pid)
    }

    mutating func fromCustomer() {
        let p = peers.inbound[peers.customers[rng.skewed(peers.customers.count)]]
        let id = messageID()
        let mx = rng.skewed(peers.mx.count - 1)
        let rcpts = (0..<rng.range(1, 4)).map { "\(NameLists.firstNames[rng.below(NameLists.firstNames.count)])\($0)@\(peers.mx[mx].domain)" }
        _ = arrival(p, id: id, sender: p.user, rcpts: rcpts, port: 587)
        deliver(id, rcpts, to: mx, at: nowMs + Int64(rng.range(200, 4000)))
    }

    mutating func fromCron() {
        let id = messageID()
        push(nowMs, "\(id) <= root@mx.example.org U=root P=local S=\(rng.range(300, 2000)) T=\"Cron <root@mx> run-parts /etc/cron.daily\" for admin@example.org")
        let mx = rng.skewed(peers.mx.count - 1)
        deliver(id, ["admin\(rng.below(9))@\(peers.mx[mx].domain)"], to: mx, at: nowMs + Int64(rng.range(200, 2000)))
    }

    /// A message scanned by the content filter: out to it over loopback (TLS), back in from it (loopback).
    mutating func throughFilter() {
        let id = messageID()
        let user = NameLists.firstNames[rng.below(NameLists.firstNames.count)]
        let back = peers.inbound[peers.loopbacks[rng.below(peers.loopbacks.count)]]
        deliver(id, ["\(user)@example.org"], to: peers.filter, at: nowMs)
        let id2 = messageID()
        _ = arrival(back, id: id2, sender: "\(user)@example.net", rcpts: ["\(user)@example.org"], port: 25)
    }

    mutating func scanner() {
        let ip = EximPeers.ipv4(&rng)
        let port = rng.range(1024, 65535)
        var t = EximLineTruth()
        switch rng.below(6) {
        case 0, 1:
            let op = ["SSL_accept", "gnutls_handshake", "handshake", "tls lib accept fn"][rng.below(4)]
            t.failure = true
            push(nowMs, "TLS error on connection from (scan\(rng.below(99))) [\(ip)]:\(port) I=[198.51.100.5]:25 (\(op)): error:0A00006C:SSL routines::bad key share", t)
        case 2:
            let op = ["recv", "send"][rng.below(2)]
            push(nowMs, "TLS error on connection from (pc) [\(ip)]:\(port) I=[198.51.100.5]:587 (\(op)): The TLS connection was non-properly terminated.")
        case 3:
            push(nowMs, "H=(spam) [\(ip)]:\(port) I=[198.51.100.5]:25 X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no F=<x@example.biz> rejected RCPT <bob@example.org>: relay not permitted")
        case 4:
            push(nowMs, "no MAIL in SMTP connection from (probe) [\(ip)]:\(port) I=[198.51.100.5]:25 D=3s X=TLS1.3:TLS_AES_256_GCM_SHA384:256 C=EHLO,STARTTLS,EHLO,QUIT")
        default:
            push(nowMs, "dovecot_login authenticator failed for (User) [\(ip)]:\(port) I=[198.51.100.5]:587: 535 Incorrect authentication data (set_id=admin)")
        }
    }

    // MARK: - Deliveries

    /// Delivers `rcpts` of message `id` to MX host `i`, from `at` on, with retries where the host defers.
    mutating func deliver(_ id: String, _ rcpts: [String], to i: Int, at: Int64) {
        let mx = peers.mx[i]
        let pid = pids[rng.below(pids.count)]
        let hostField = " H=\(mx.name) [\(mx.ip)]"
        let route = mx.loopback ? "R=to_filter T=filter_smtp" : "R=dnslookup T=remote_smtp"
        if mx.broken == 1 {
            // hosts_require_tls: every attempt defers on every recipient; one failure per message and host.
            for (n, at) in [at, at + 15 * 60_000].enumerated() {
                for r in rcpts {
                    var t = EximLineTruth()
                    let key = id + " " + mx.name
                    if !failedPairs.contains(key) && !mx.loopback {
                        failedPairs.insert(key)
                        t.failure = true
                    }
                    push(at, "\(id) == \(r) \(route) defer (-37)\(hostField): TLS session: (SSL_connect): error:0A000086:SSL routines::certificate verify failed", t, pid: pid + n)
                }
            }
            failedPairs.remove(id + " " + mx.name)   // the message is not seen again: keep the set small
            return
        }
        var at = at
        if !mx.loopback && rng.chance(0.08) {
            // Greylisted: every recipient deferred, retried a few minutes later.
            for r in rcpts {
                push(at, "\(id) == \(r) \(route) defer (-44)\(hostField): SMTP error from remote mail server after RCPT TO:<\(r)>: 451 4.7.1 Greylisted, try again later", pid: pid)
            }
            at += Int64(rng.range(5, 20)) * 60_000
        } else if mx.profile != nil && !mx.loopback && rng.chance(0.01) {
            // The connection dropped after the handshake: a TLS I/O error, then a retry.
            push(at, "\(id) H=\(mx.name) [\(mx.ip)] TLS error on connection (recv): The TLS connection was non-properly terminated.", pid: pid)
            for r in rcpts {
                push(at, "\(id) == \(r) \(route) defer (-18)\(hostField): Remote host closed connection in response to end of data", pid: pid)
            }
            at += Int64(rng.range(10, 30)) * 60_000
        }
        var profile = mx.profile
        if mx.broken == 2 {
            var t = EximLineTruth()
            t.failure = !mx.loopback
            push(at, "TLS session: (certificate verification failed): certificate invalid: delivering unencrypted to\(hostField) (not in hosts_require_tls)", t, pid: pid)
            profile = nil
        }
        var host = hostField
        if mx.loopback { host += ":10025" }
        if let last = lastRun[i], at - last < 60_000 { host += "*" }
        lastRun[i] = at
        var tls = ""
        var t = EximLineTruth()
        if let profile {
            tls = cipherField(profile, group: mx.group)
            let verify: String
            switch mx.verify {
            case 0: tls += " CV=yes DN=\"CN=\(mx.name)\""; verify = "OK"
            case 1: tls += " CV=dane DN=\"CN=\(mx.name)\""; verify = "OK"
            case 2: tls += " CV=no DN=\"C=US,O=\(mx.domain), Inc.,CN=\(mx.name)\""; verify = "FAIL"
            case 3: tls += " CV=no"; verify = "NO"
            default: verify = "NO"
            }
            t.session = ("client", profile, verify, mx.name, mx.loopback)
        }
        if !mx.loopback { t.outbound = profile != nil }
        let reply = " C=\"250 2.0.0 Ok: queued as \(Self.base62(Int64(rng.below(1 << 30)), 8))\""
        push(at, "\(id) => \(rcpts[0]) \(route)\(host)\(tls)\(reply)", t, pid: pid)
        for r in rcpts.dropFirst() {
            if !mx.loopback && rng.chance(0.05) {
                push(at, "\(id) ** \(r) \(route)\(host)\(tls): SMTP error from remote mail server after RCPT TO:<\(r)>: 550 5.1.1 User unknown", pid: pid)
                continue
            }
            var more = EximLineTruth()
            if !mx.loopback { more.outbound = profile != nil }
            // `->` lines usually repeat X=; when not, the run's `=>` decides.
            push(at, "\(id) -> \(r) \(route)\(host)\(rng.chance(0.85) ? tls : "")\(reply)", more, pid: pid)
        }
        push(at, "\(id) Completed", pid: pid)
    }
}
