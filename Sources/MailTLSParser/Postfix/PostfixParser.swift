/// Parses Postfix lines (log-formats.md §3, docs/postfix.md) into `LogEvent`s, on bytes.
///
/// The program is the tag's last path component (`postfix/smtpd`, `postfix/submission/smtpd`,
/// `postfix-out/smtp`): `smtpd` (inbound connections, `client=`), `smtp`/`lmtp`/`local`/`virtual`/
/// `pipe`/… (deliveries; the program is the mailer), `qmgr` (sender and size), `cleanup`
/// (message-id), `pickup` (local submissions). A service named `smtps` or `submissions` in the tag is
/// a wrapper-mode service: TLS from the first byte. Lines without a syslog header (a Postfix message
/// pasted alone) are read through `envelope(_:)` when they are one of the TLS lines.
public struct PostfixParser: MTAParser {
    public static let mta = MTA.postfix
    /// Field values and relays, cut, counted and shared.
    private var values = FieldValues()
    /// Field values cut to their `FieldLimits` so far (each cut value once).
    public var truncatedFields: Int { values.truncated }

    public init() {}

    /// `postfix/smtpd`, `postfix/submission/smtpd`, `postfix-out/smtp`, …
    public static func claims(tag: ByteSpan) -> Bool { tag.hasPrefix("postfix") }

    public static func makeLinker(sessionGap: Int64) -> PostfixLinker { PostfixLinker(sessionGap: sessionGap) }

    /// The tag given to bare Postfix messages (no syslog header): no program, read by content.
    private static let bareTag: StaticString = "postfix"

    /// A Postfix TLS line without a syslog header (`Anonymous TLS connection established from …`,
    /// `SSL_accept error from …`, `disconnect from …`, `QID: to=<…>, relay=…, delays=…`), as pasted in
    /// issues and tests: an envelope without time, host or pid. Any other line is rejected at its
    /// first bytes.
    public static func envelope(_ line: ByteSpan) -> SyslogEnvelope? {
        guard line.count > 16 else { return nil }
        let bare: Bool
        switch line[0] {
        case UInt8(ascii: "A"): bare = line.hasPrefix("Anonymous TLS connection ")
        case UInt8(ascii: "U"): bare = line.hasPrefix("Untrusted TLS connection ")
        case UInt8(ascii: "T"): bare = line.hasPrefix("Trusted TLS connection ") || line.hasPrefix("TLS connection established ")
        case UInt8(ascii: "V"): bare = line.hasPrefix("Verified TLS connection ")
        case UInt8(ascii: "S"): bare = line.hasPrefix("SSL_accept error from ") || line.hasPrefix("SSL_connect error to ")
        case UInt8(ascii: "c"): bare = line.hasPrefix("certificate verification failed for ")
        case UInt8(ascii: "d"): bare = line.hasPrefix("disconnect from ")
        // Read and skipped: Postfix's, not unparsed.
        case UInt8(ascii: "l"): bare = line.hasPrefix("lost connection after ")
        case UInt8(ascii: "e"): bare = line.hasPrefix("ehlo=") && line.firstIndex(of: " commands=") != nil
        default:
            // `QID: to=<…>, relay=…, delay=…, delays=…`: delays= is Postfix's alone.
            guard ByteSpan.isAlnum(line[0]), let (_, rest) = splitQueueID(line), rest.hasPrefix("to=<") else { return nil }
            bare = rest.firstIndex(of: ", delays=") != nil
        }
        guard bare else { return nil }
        let tag = ByteSpan(base: bareTag.utf8Start, count: bareTag.utf8CodeUnitCount)
        return SyslogEnvelope(timestamp: .none, host: line.prefix(0), tag: tag, pid: 0, message: line)
    }

    public mutating func parse(_ envelope: SyslogEnvelope) -> MessageParseResult {
        parse(message: envelope.message, tag: envelope.tag)
    }

    /// The last path component of the tag (`smtpd`), the syslog name before it (`postfix/submission`),
    /// and whether a component names a wrapper-mode service (`smtps`, `submissions`).
    static func program(_ tag: ByteSpan) -> (program: ByteSpan, service: ByteSpan, wrapper: Bool) {
        guard let slash = tag.lastIndex(of: UInt8(ascii: "/")) else { return (tag, tag.prefix(0), false) }
        let service = tag.prefix(slash)
        var wrapper = false
        var start = 0
        while start < service.count {
            let end = service.firstIndex(of: UInt8(ascii: "/"), from: start) ?? service.count
            let part = service.slice(start, end)
            if part.equals("smtps") || part.equals("submissions") { wrapper = true }
            start = end + 1
        }
        return (tag.suffix(from: slash + 1), service, wrapper)
    }

    public mutating func parse(message input: ByteSpan, tag: ByteSpan) -> MessageParseResult {
        let m = input.trimmed
        guard m.count > 6 else { return .skipped }
        if let (qid, rest) = Self.splitQueueID(m) {
            return parseQueued(qid, rest, tag)
        }
        switch m[0] {
        case UInt8(ascii: "A"), UInt8(ascii: "U"), UInt8(ascii: "T"), UInt8(ascii: "V"):
            return parseSummary(m)
        case UInt8(ascii: "S"):
            if m.hasPrefix("SSL_accept error from ") { return handshakeFailure(.server, m.suffix(from: 22)) }
            if m.hasPrefix("SSL_connect error to ") { return handshakeFailure(.client, m.suffix(from: 21)) }
        case UInt8(ascii: "c"):
            if m.hasPrefix("connect from ") {
                return .event(queueID: nil, .connect(values.relay(Self.namaddr(m.suffix(from: 13)), Self.relay)))
            }
            if m.hasPrefix("certificate verification failed for ") { return verifyFailed(m.suffix(from: 37)) }
        case UInt8(ascii: "d"):
            if m.hasPrefix("disconnect from ") { return disconnect(m.suffix(from: 16)) }
        case UInt8(ascii: "w"):
            if m.hasPrefix("warning: ") { return warning(m.suffix(from: 9)) }
        default:
            break
        }
        // "server certificate verification failed for …" and other prefixed forms.
        if let i = m.firstIndex(of: "certificate verification failed for ") { return verifyFailed(m.suffix(from: i + 37)) }
        return .skipped
    }

    // MARK: Values

    /// Postfix's `NAME[IP]`, `NAME[IP]:PORT`, `unknown[IP]`, or a bare word (`none`, `local`,
    /// `private/dovecot-lmtp`, a host name on a cut line). The name is `nil` when it is `unknown`, the
    /// address when it is `unknown` too; the peer is the lowercased name, else the address.
    static func relay(_ value: ByteSpan, cuts: inout Int) -> Relay {
        let v = value.trimmed
        let raw = FieldLimits.cut(v, FieldLimits.relay, &cuts).string
        var name = v
        var ip: String?
        if let open = v.firstIndex(of: UInt8(ascii: "[")), let close = v.firstIndex(of: UInt8(ascii: "]"), from: open) {
            name = v.prefix(open)
            var a = v.slice(open + 1, close)
            if a.hasPrefix("IPv6:") || a.hasPrefix("ipv6:") { a = a.suffix(from: 5) }
            if !a.isEmpty && !a.equals("unknown") { ip = FieldLimits.cut(a, FieldLimits.ipAddress, &cuts).lowercasedString }
        }
        guard !name.isEmpty, !name.equals("unknown") else {
            return Relay(raw: raw, name: nil, ip: ip, forged: false, user: nil, peer: ip)
        }
        let cutName = FieldLimits.cut(name, FieldLimits.hostName, &cuts)
        let nameString = cutName.string
        return Relay(raw: raw, name: nameString, ip: ip, forged: false, user: nil,
                     peer: Relay.normalised(cutName, sharing: nameString))
    }

    /// The `NAME[IP]` or `NAME[IP]:PORT` at the start of `s` (up to the first space after it).
    static func namaddr(_ s: ByteSpan) -> ByteSpan {
        namaddrEnd(s).map { s.prefix($0) } ?? s
    }

    /// Where the `NAME[IP][:PORT]` at the start of `s` ends: after `]` and an optional `:digits`; nil
    /// when there is no `[…]`.
    static func namaddrEnd(_ s: ByteSpan) -> Int? {
        guard let open = s.firstIndex(of: UInt8(ascii: "[")), let close = s.firstIndex(of: UInt8(ascii: "]"), from: open) else {
            return nil
        }
        if let sp = s.firstIndex(of: UInt8(ascii: " ")), sp < open { return nil }
        var e = close + 1
        if e + 1 < s.count, s[e] == UInt8(ascii: ":"), ByteSpan.isDigit(s[e + 1]) {
            e += 1
            while e < s.count && ByteSpan.isDigit(s[e]) { e += 1 }
        }
        return e
    }

    /// `QID: rest` → (QID, rest). Postfix queue ids are upper-case hex (`BFFB71200A1`) or the long
    /// form (`4KW3Dt0Y1Sz4x8r`): 5 to 20 letters and digits with a digit or all in upper case, which
    /// keeps `warning: …` out. `NOQUEUE: …` gives no id.
    static func splitQueueID(_ m: ByteSpan) -> (String?, ByteSpan)? {
        var i = 0
        var digit = false, lower = false
        while i < m.count && i <= 20 && ByteSpan.isAlnum(m[i]) {
            if ByteSpan.isDigit(m[i]) { digit = true } else if m[i] >= 0x61 { lower = true }
            i += 1
        }
        guard i >= 5, i <= 20, i + 1 < m.count, m[i] == UInt8(ascii: ":"), m[i + 1] == 0x20, digit || !lower else { return nil }
        let token = m.prefix(i)
        if token.equals("NOQUEUE") { return (nil, m.suffix(from: i + 2)) }
        return (token.string, m.suffix(from: i + 2))
    }

    // MARK: TLS lines

    /// `TRUST TLS connection established|reused from|to NAMADDR[ to SNI]: VER with cipher C (U/A bits)…`,
    /// the pre-2.5 `TLS connection established from|to …` without a trust word, and lines cut after the
    /// peer (version and cipher then empty).
    mutating func parseSummary(_ m: ByteSpan) -> MessageParseResult {
        var rest: ByteSpan
        let verify: String, trust: String
        if m.hasPrefix("Anonymous TLS connection ") { verify = "NO"; trust = "Anonymous"; rest = m.suffix(from: 25) }
        else if m.hasPrefix("Untrusted TLS connection ") { verify = "FAIL"; trust = "Untrusted"; rest = m.suffix(from: 25) }
        else if m.hasPrefix("Trusted TLS connection ") { verify = "OK"; trust = "Trusted"; rest = m.suffix(from: 23) }
        else if m.hasPrefix("Verified TLS connection ") { verify = "OK"; trust = "Verified"; rest = m.suffix(from: 24) }
        else if m.hasPrefix("TLS connection ") { verify = "NO"; trust = ""; rest = m.suffix(from: 15) }
        else { return .skipped }
        var reused = false
        if rest.hasPrefix("established ") { rest = rest.suffix(from: 12) }
        else if rest.hasPrefix("reused ") { reused = true; rest = rest.suffix(from: 7) }
        else { return .skipped }
        let role: Role
        if rest.hasPrefix("from ") { role = .server; rest = rest.suffix(from: 5) }
        else if rest.hasPrefix("to ") { role = .client; rest = rest.suffix(from: 3) }
        else { return .skipped }
        // The peer ends after "]" (and ":port"), else (a host without an address) at ": ".
        let peerEnd = Self.namaddrEnd(rest) ?? rest.firstIndex(of: ": ") ?? rest.count
        let relay = values.relay(rest.prefix(peerEnd), Self.relay)
        if reused {
            return .event(queueID: nil, .linkerNote(LinkerNote(kind: PostfixNote.reused, relay: relay)))
        }
        var version = rest.prefix(0), cipher = rest.prefix(0)
        var used: Int?, alg: Int?
        if let colon = rest.firstIndex(of: ": ", from: peerEnd) {
            // A " to SNI" between the peer and ": " is skipped.
            let body = rest.suffix(from: colon + 2)
            if let w = body.firstIndex(of: " with cipher ") {
                version = body.prefix(w)
                let c = body.suffix(from: w + 13)
                let ce = c.firstIndex(of: UInt8(ascii: " ")) ?? c.count
                cipher = c.prefix(ce)
                if ce + 1 < c.count, c[ce + 1] == UInt8(ascii: "(") {
                    var i = ce + 2, j = i
                    while j < c.count && ByteSpan.isDigit(c[j]) { j += 1 }
                    used = c.slice(i, j).decimal
                    if j < c.count && c[j] == UInt8(ascii: "/") {
                        i = j + 1
                        j = i
                        while j < c.count && ByteSpan.isDigit(c[j]) { j += 1 }
                        alg = c.slice(i, j).decimal
                    }
                }
            } else {
                version = body.prefix(body.firstIndex(of: UInt8(ascii: " ")) ?? body.count)
            }
        }
        let v = values.text(version)
        return .event(queueID: nil, .tlsSession(TLSSession(
            role: role, relay: relay, version: v, verify: verify, cipher: values.text(cipher), algBits: alg, cipherBits: used,
            versionLogged: v, verifyLogged: trust)))
    }

    /// `SSL_accept error from NAME[IP]: TEXT` / `SSL_connect error to NAME[IP]:PORT: TEXT`.
    mutating func handshakeFailure(_ role: Role, _ s: ByteSpan) -> MessageParseResult {
        let end = Self.namaddrEnd(s) ?? s.firstIndex(of: ": ") ?? s.count
        var reason: String?
        if end + 2 <= s.count, s[end] == UInt8(ascii: ":") {
            let r = s.suffix(from: end + 1).trimmed
            if !r.isEmpty { reason = values.text(r, FieldLimits.text) }
        }
        return .event(queueID: nil, .failure(TLSFailure(
            kind: role == .server ? .acceptFailed : .connectFailed, role: role, relay: values.relay(s.prefix(end), Self.relay),
            reason: reason)))
    }

    /// `certificate verification failed for NAME[IP]:PORT: REASON`: the reason, for the next session.
    mutating func verifyFailed(_ s: ByteSpan) -> MessageParseResult {
        let end = Self.namaddrEnd(s) ?? s.firstIndex(of: ": ") ?? s.count
        var why = s.suffix(from: end)
        if why.hasPrefix(": ") { why = why.suffix(from: 2) }
        return .event(queueID: nil, .linkerNote(LinkerNote(
            kind: PostfixNote.verifyFailed, relay: values.relay(s.prefix(end), Self.relay), text: values.string(why.trimmed, FieldLimits.text))))
    }

    /// `disconnect from NAME[IP] ehlo=2 starttls=1 … commands=7`: the end of an smtpd connection and
    /// whether STARTTLS succeeded (`starttls=N` or `starttls=N/M` with N ≥ 1).
    mutating func disconnect(_ s: ByteSpan) -> MessageParseResult {
        let end = Self.namaddrEnd(s) ?? (s.firstIndex(of: UInt8(ascii: " ")) ?? s.count)
        var ok = false
        if let i = s.firstIndex(of: " starttls=", from: end) {
            var j = i + 10
            let start = j
            while j < s.count && ByteSpan.isDigit(s[j]) { j += 1 }
            ok = (s.slice(start, j).decimal ?? 0) >= 1
        }
        return .event(queueID: nil, .linkerNote(LinkerNote(kind: PostfixNote.disconnect, relay: values.relay(s.prefix(end), Self.relay), flag: ok)))
    }

    /// `warning: TLS library problem: …` and `warning: NAME[IP]: SASL MECH authentication failed: …`.
    mutating func warning(_ s: ByteSpan) -> MessageParseResult {
        if s.hasPrefix("TLS library problem: ") {
            return .event(queueID: nil, .linkerNote(LinkerNote(
                kind: PostfixNote.libraryProblem, text: values.string(s.suffix(from: 21).trimmed, FieldLimits.text))))
        }
        guard let end = Self.namaddrEnd(s), s.suffix(from: end).hasPrefix(": SASL ") else { return .skipped }
        let r = s.suffix(from: end + 7)
        guard let f = r.firstIndex(of: " authentication failed") else { return .skipped }
        var reason = r.suffix(from: f + 22)
        if reason.hasPrefix(":") { reason = reason.suffix(from: 1).trimmed }
        var user: String?
        if let u = reason.firstIndex(of: ", sasl_username=") {
            user = values.string(reason.suffix(from: u + 16), FieldLimits.mailAddress)
            reason = reason.prefix(u)
        }
        return .event(queueID: nil, .auth(AuthEvent(
            role: .server, success: false, relay: values.relay(s.prefix(end), Self.relay), authid: user, mechanism: values.text(r.prefix(f)),
            bits: nil, reason: reason.isEmpty ? nil : values.string(reason, FieldLimits.text))))
    }

    // MARK: Queue-id lines

    mutating func parseQueued(_ qid: String?, _ m: ByteSpan, _ tag: ByteSpan) -> MessageParseResult {
        guard m.count > 4 else { return .skipped }
        switch m[0] {
        case UInt8(ascii: "c"):
            if m.hasPrefix("client=") { return client(qid, m, tag) }
        case UInt8(ascii: "t"):
            if m.hasPrefix("to=") { return delivery(qid, m, tag) }
        case UInt8(ascii: "f"):
            if m.hasPrefix("from=") { return queued(qid, m) }
        case UInt8(ascii: "m"):
            if m.hasPrefix("message-id=") {
                return .event(queueID: qid, .linkerNote(LinkerNote(
                    kind: PostfixNote.messageID, text: values.string(m.suffix(from: 11).trimmed, FieldLimits.messageID))))
            }
        case UInt8(ascii: "u"):
            if m.hasPrefix("uid=") { return pickup(qid, m) }
        default:
            break
        }
        return .skipped
    }

    /// smtpd `client=NAME[IP][, sasl_method=M, sasl_username=U, …]`: an inbound SMTP message (and its
    /// AUTH), whose encryption the linker decides when the connection ends.
    mutating func client(_ qid: String?, _ m: ByteSpan, _ tag: ByteSpan) -> MessageParseResult {
        let (program, service, wrapper) = Self.program(tag)
        guard program.equals("smtpd") || program.equals("postfix") else { return .skipped }
        var scanner = FieldScanner(m)
        var relay: Relay?, method: ByteSpan?, user: ByteSpan?
        while let (k, v) = scanner.next() {
            switch k.count {
            case 6 where k.equals("client"): relay = values.relay(v, Self.relay)
            case 11 where k.equals("sasl_method"): method = v
            case 13 where k.equals("sasl_username"): user = v
            default: break
            }
        }
        guard let relay else { return .malformed(reason: "Postfix client= line without a client") }
        let message = InboundMessage(
            sender: "", size: nil, nrcpts: nil, messageID: nil, proto: "SMTP",
            daemon: service.isEmpty ? nil : values.text(service), relay: relay, overTLS: wrapper ? true : nil)
        guard let method else { return .event(queueID: qid, .message(message)) }
        let auth = AuthEvent(role: .server, success: true, relay: relay,
                             authid: user.map { values.text($0, FieldLimits.mailAddress) }, mechanism: values.text(method), bits: nil,
                             overTLS: wrapper ? true : nil)
        return .events(queueID: qid, [.message(message), .auth(auth)])
    }

    /// `to=<…>, [orig_to=<…>,] relay=…, [conn_use=N,] delay=…, delays=…, [tls=…,] dsn=…, status=WORD (…)`.
    /// The mailer is the program (`smtp`, `lmtp`, `local`, `virtual`, `pipe`, `error`); on a bare line,
    /// `smtp` when the relay has an address and port, else the relay's word.
    mutating func delivery(_ qid: String?, _ m: ByteSpan, _ tag: ByteSpan) -> MessageParseResult {
        var scanner = FieldScanner(m)
        var to: ByteSpan?, relay: ByteSpan?, delay: ByteSpan?, delays: ByteSpan?, tls: ByteSpan?, dsn: ByteSpan?
        var status: ByteSpan?
        while let (k, v) = scanner.next() {
            switch k.count {
            case 2 where k.equals("to"): to = v
            case 3 where k.equals("tls"): tls = v
            case 3 where k.equals("dsn"): dsn = v
            case 5 where k.equals("relay"): relay = v
            case 5 where k.equals("delay"): delay = v
            case 6 where k.equals("delays"): delays = v
            case 6 where k.equals("status"):
                // The rest of the line: the reply text may hold ", key=".
                status = m.suffix(from: v.base - m.base)
                scanner.position = m.count
            default: break
            }
        }
        guard let to, let status else { return .malformed(reason: "Postfix to= line without status=") }
        let word = status.prefix(status.firstIndex(of: UInt8(ascii: " ")) ?? status.count)
        let s: Delivery.Status
        if word.equals("sent") { s = .sent }
        else if word.equals("deferred") { s = .deferred }
        else if word.equals("bounced") { s = .bounced }
        else { s = .other }
        let r = relay.map { values.relay($0, Self.relay) }
        let program = Self.program(tag).program
        let mailer: String
        if !program.equals("postfix") || relay == nil {
            mailer = values.text(program)
        } else if let rv = relay, Self.namaddrEnd(rv) == nil || rv[rv.count - 1] == UInt8(ascii: "]") {
            mailer = values.text(rv)   // a bare line: `local`, `none`, a socket: the relay says which
        } else {
            mailer = "smtp"     // a bare line to NAME[IP]:PORT
        }
        return .event(queueID: qid, .delivery(Delivery(
            recipients: values.string(to, FieldLimits.recipients), recipientCount: 1, continued: false, mailer: mailer,
            relay: r, dsn: dsn.map { values.text($0) }, status: s, statusText: values.string(status, FieldLimits.text),
            delay: delay.map { values.text($0) }, xdelay: delays.map { values.text($0) },
            tlsFeature: tls.map { values.text($0) }, overTLS: tls.flatMap { PostfixTLSFeature.overTLS($0) })))
    }

    /// qmgr `from=<S>, size=N, nrcpt=M (queue active)`: fills in the message held for this queue id.
    mutating func queued(_ qid: String?, _ m: ByteSpan) -> MessageParseResult {
        var scanner = FieldScanner(m)
        var from: ByteSpan?, size: Int?, nrcpt: Int?
        while let (k, v) = scanner.next() {
            if k.equals("from") { from = v }
            else if k.equals("size") { size = v.decimal }
            else if k.equals("nrcpt") { nrcpt = Self.leadingNumber(v) }
        }
        guard let from, size != nil else { return .skipped }   // from=<>, status=expired, …
        return .event(queueID: qid, .linkerNote(LinkerNote(
            kind: PostfixNote.queued, text: values.string(Self.unbracketed(from), FieldLimits.mailAddress), size: size, count: nrcpt)))
    }

    /// pickup `uid=N from=<S>`: a local submission (no proto: counted in local_mail, not a row).
    mutating func pickup(_ qid: String?, _ m: ByteSpan) -> MessageParseResult {
        guard let f = m.firstIndex(of: " from=") else { return .skipped }
        let from = m.suffix(from: f + 6).trimmed
        return .event(queueID: qid, .message(InboundMessage(
            sender: values.text(Self.unbracketed(from), FieldLimits.mailAddress), size: nil, nrcpts: nil, messageID: nil,
            proto: nil, daemon: "pickup", relay: nil)))
    }

    static func unbracketed(_ v: ByteSpan) -> ByteSpan {
        if v.count >= 2, v[0] == UInt8(ascii: "<"), v[v.count - 1] == UInt8(ascii: ">") { return v.slice(1, v.count - 1) }
        return v
    }

    static func leadingNumber(_ v: ByteSpan) -> Int? {
        var j = 0
        while j < v.count && ByteSpan.isDigit(v[j]) { j += 1 }
        return v.prefix(j).decimal
    }
}
