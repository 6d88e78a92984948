/// Parses Exim lines (log-formats.md §4, docs/exim.md) into `LogEvent`s, from its main log
/// (`envelope(_:)`) or through syslog (tags `exim`, `exim4`).
///
/// Exim puts the TLS facts on the message lines themselves, so one line may give several events:
/// - `<=` (arrival): with `X=` a server TLS session (and its `DN=` as the certificate subject), the
///   message, and with `A=` the AUTH that sent it;
/// - `=>` (first delivery of a transport run): with `X=` a client TLS session, and the delivery;
/// - `->` (another recipient of that run): a delivery only; the linker gives it the `=>` line's session;
/// - `==` (deferral) and `**` (bounce) to a host: a deferred or bounced delivery (not counted as sent),
///   and for a deferral whose text is `TLS session: (op): …` a handshake failure;
/// - `TLS error on connection from|to …`, `H=… TLS error on connection (op): …`, `TLS error (op): …`
///   and `TLS session: (op): … delivering unencrypted to H=…`: a handshake failure when `op` is a
///   handshake step, a TLS read/write error when it is I/O after a good handshake;
/// - `NAME authenticator failed for …`: a failed AUTH.
/// Reject and `no MAIL` lines are not sessions even when they carry `X=`: they are skipped.
public struct EximParser: MTAParser {
    public static let mta = MTA.exim
    /// Field values and peers, cut, counted and shared.
    private var values = FieldValues()
    /// Message ids: every line of a message repeats its id (16 or 23 bytes: too long for an inline
    /// String), and its lines come close together, so most lines share the String the first made.
    private var messageIDs = StringCache(slots: 1024)
    /// Field values cut to their `FieldLimits` so far (each cut value once).
    public var truncatedFields: Int { values.truncated }

    public init() {}

    /// `exim`, `exim4` (Debian's name), and their variants (`exim4-daemon`).
    public static func claims(tag: ByteSpan) -> Bool { tag.hasPrefix("exim") }

    public static func makeLinker(sessionGap: Int64) -> EximLinker { EximLinker(sessionGap: sessionGap) }

    public mutating func parse(_ envelope: SyslogEnvelope) -> MessageParseResult {
        var m = envelope.message
        // Through syslog a long line is split into parts, each after `[n/m] ` (or `[n\m] `): the first
        // part is read as far as it goes, the others hold only the rest of its fields.
        if let (part, next) = Self.syslogPart(m) {
            guard part == 1 else { return .skipped }
            m = m.suffix(from: next)
        }
        // Through syslog the message repeats Exim's own timestamp and [pid] (syslog_timestamp).
        if m.count > 20 && m[4] == UInt8(ascii: "-"), let (_, next) = Self.timestamp(m) { m = m.suffix(from: next) }
        if let (_, next) = Self.pid(m, 0) { m = m.suffix(from: next) }
        var queueID: String?
        if let n = Self.messageIDLength(m) {
            queueID = messageIDs.value(for: m.prefix(n)) { $0.string }
            m = m.suffix(from: n + 1)
        }
        guard m.count > 3 else { return .skipped }
        switch m[0] {
        case UInt8(ascii: "<"):
            if m[1] == UInt8(ascii: "=") && m[2] == 0x20 { return arrival(queueID, m) }
        case UInt8(ascii: "="):
            if m[1] == UInt8(ascii: ">") && m[2] == 0x20 { return delivery(queueID, m, first: true) }
            if m[1] == UInt8(ascii: "=") && m[2] == 0x20 { return unsuccessful(queueID, m, status: .deferred) }
        case UInt8(ascii: "-"):
            if m[1] == UInt8(ascii: ">") && m[2] == 0x20 { return delivery(queueID, m, first: false) }
        case UInt8(ascii: "*"):
            if m[1] == UInt8(ascii: "*") && m[2] == 0x20 { return unsuccessful(queueID, m, status: .bounced) }
        case UInt8(ascii: "T"):
            if m.hasPrefix("TLS error ") { return tlsError(queueID, m) }
            if m.hasPrefix("TLS session: (") { return tlsSessionFailure(queueID, m) }
        case UInt8(ascii: "H"):
            if m[1] == UInt8(ascii: "=") { return hostTLSError(queueID, m) }
        default:
            break
        }
        // `NAME authenticator failed for …` has no message id; other lines without a flag are not read.
        if queueID == nil, let sp = m.firstIndex(of: 0x20), m.slice(sp, m.count).hasPrefix(" authenticator failed for ") {
            return authFailure(queueID, m, at: sp)
        }
        return .skipped
    }

    /// `[n/m] ` or `[n\m] ` at the start of a syslog message: the part number and the index after it.
    static func syslogPart(_ m: ByteSpan) -> (Int, Int)? {
        guard m.count > 6, m[0] == UInt8(ascii: "["), let close = m.firstIndex(of: UInt8(ascii: "]")), close < 12,
              close + 1 < m.count, m[close + 1] == 0x20 else { return nil }
        let inside = m.slice(1, close)
        guard let sep = inside.firstIndex(of: UInt8(ascii: "/")) ?? inside.firstIndex(of: UInt8(ascii: "\\")),
              let n = inside.prefix(sep).decimal, inside.suffix(from: sep + 1).decimal != nil else { return nil }
        return (n, close + 2)
    }

    // MARK: - Arrivals

    /// `<= sender H=… P=… X=… CV=… DN="…" A=… S=… id=… T="…" for …`
    mutating func arrival(_ queueID: String?, _ m: ByteSpan) -> MessageParseResult {
        let senderEnd = Self.wordEnd(m, from: 3)
        let sender = values.text(m.slice(3, senderEnd), FieldLimits.mailAddress)
        let f = EximFields.scan(m, from: senderEnd, stopAtFor: true)
        var relay: Relay?
        if let h = f.host { relay = self.relay(h) }
        let proto = f.proto.flatMap { Self.isSMTP($0) ? values.text($0) : nil }
        // At most four events: one allocation (appending to an empty array reallocated twice).
        var events: [LogEvent] = []
        events.reserveCapacity(4)
        if let x = f.cipher, let relay {
            events.append(.tlsSession(session(.server, relay, x, f)))
            if let dn = f.peerDN { events.append(.certificate(certificate(.server, dn))) }
        }
        events.append(.message(InboundMessage(
            sender: sender, size: f.size?.decimal, nrcpts: f.recipients,
            messageID: f.messageID.map { values.string($0, FieldLimits.messageID) }, proto: proto, daemon: nil,
            relay: relay, overTLS: f.cipher != nil)))
        if let a = f.auth {
            // `A=authenticator:id`; a password in clear is any plain or login authenticator without TLS.
            let colon = a.firstIndex(of: UInt8(ascii: ":"))
            let name = colon.map { a.prefix($0) } ?? a
            let id = colon.map { a.suffix(from: $0 + 1) }
            events.append(.auth(AuthEvent(
                role: .server, success: true, relay: relay,
                authid: id.map { values.text(Self.unquoted($0), FieldLimits.mailAddress) }, mechanism: mechanism(name),
                bits: nil)))
        }
        return .events(queueID: queueID, events)
    }

    /// The SMTP protocols of `P=` (smtp_in.c `protocols[]`, with their `utf8` forms); `local…` and
    /// anything else are not inbound SMTP.
    static func isSMTP(_ p: ByteSpan) -> Bool {
        var p = p
        if p.count > 4 && (p[0] | 0x20) == UInt8(ascii: "u") && (p[1] | 0x20) == UInt8(ascii: "t")
            && (p[2] | 0x20) == UInt8(ascii: "f") && p[3] == UInt8(ascii: "8") { p = p.suffix(from: 4) }
        for w in smtpProtocols where w.utf8CodeUnitCount == p.count {
            var same = true
            for i in 0..<p.count where p[i] | 0x20 != w.utf8Start[i] { same = false; break }
            if same { return true }
        }
        return false
    }

    static let smtpProtocols: [StaticString] = ["esmtps", "esmtpsa", "esmtp", "esmtpa", "smtp", "smtps", "ssmtp",
                                                "essmtp", "essmtpa"]

    // MARK: - Deliveries

    /// `=> rcpt <orig> R=… T=… H=name [ip] X=… CV=… DN="…" C="…"` and its `->` lines.
    mutating func delivery(_ queueID: String?, _ m: ByteSpan, first: Bool) -> MessageParseResult {
        let rcptEnd = Self.wordEnd(m, from: 3)
        let f = EximFields.scan(m, from: rcptEnd, stopAtFor: false)
        let recipient = values.cut(m.slice(3, rcptEnd), FieldLimits.recipients).string
        guard let host = f.host else {
            // A local delivery (file, pipe, LMTP socket): counted in local_mail, not stored.
            return .event(queueID: queueID, .delivery(Delivery(
                recipients: recipient, recipientCount: 1, continued: false, mailer: localMailer(f.transport),
                relay: nil, dsn: nil, status: .sent, statusText: "", delay: nil, xdelay: nil)))
        }
        let relay = relay(host)
        let delivery = Delivery(
            recipients: recipient, recipientCount: 1, continued: false, mailer: "smtp", relay: relay, dsn: nil,
            status: .sent, statusText: f.confirmation.map { values.string($0, FieldLimits.text) } ?? "", delay: nil,
            xdelay: nil, overTLS: !first && f.cipher != nil ? true : nil)
        // `consume`: moved into the event, not copied (every String retained) past the calls below.
        guard first else { return .event(queueID: queueID, .delivery(consume delivery)) }
        // `.connect` marks the start of a transport run for the linker (the `->` lines that follow
        // continue it); the store writes nothing for it.
        var events: [LogEvent] = []
        events.reserveCapacity(4)
        events.append(.connect(relay))
        if let x = f.cipher {
            events.append(.tlsSession(session(.client, relay, x, f)))
            if let dn = f.peerDN { events.append(.certificate(certificate(.client, dn))) }
        }
        events.append(.delivery(consume delivery))
        return .events(queueID: queueID, events)
    }

    /// `== rcpt R=… T=… defer (-37) H=name [ip]: TLS session: (op): …` and `** rcpt … H=…: text`:
    /// a delivery to a host that did not happen, and the handshake failure a deferral names.
    mutating func unsuccessful(_ queueID: String?, _ m: ByteSpan, status: Delivery.Status) -> MessageParseResult {
        let rcptEnd = Self.wordEnd(m, from: 3)
        let f = EximFields.scan(m, from: rcptEnd, stopAtFor: false)
        guard let host = f.host else { return .skipped }   // routing and local failures: no peer
        let relay = relay(host)
        let text = f.textStart.map { m.suffix(from: $0).trimmed } ?? m.slice(0, 0)
        // The delivery first: the linker knows a failure that follows a deferral on the same line as
        // the deferral's (counted once per message and host), not one of its own line.
        var events: [LogEvent] = [.delivery(Delivery(
            recipients: values.cut(m.slice(3, rcptEnd), FieldLimits.recipients).string, recipientCount: 1, continued: false,
            mailer: "smtp", relay: relay, dsn: nil, status: status, statusText: values.string(text, FieldLimits.text),
            delay: nil, xdelay: nil))]
        if status == .deferred, text.hasPrefix("TLS session: ("), let failure = failure(text.suffix(from: 13), role: .client, relay) {
            events.append(.failure(failure))
        }
        return .events(queueID: queueID, events)
    }

    /// The mailer of a local delivery: its transport, unless that name would read as a network one.
    private mutating func localMailer(_ transport: ByteSpan?) -> String {
        guard let t = transport else { return "local" }
        let name = values.text(t)
        return Definitions.containsCaseless(name, "SMTP") || Definitions.equalsCaseless(name, "RELAY") ? "local" : name
    }

    // MARK: - TLS errors

    /// `TLS error on connection from NAME (HELO) [IP]:PORT I=[IP]:PORT (op): text` (server),
    /// `TLS error on connection to NAME [IP] (op): text` (client, before 4.90), and OpenSSL's
    /// `TLS error (SSL_read): text` (no peer).
    mutating func tlsError(_ queueID: String?, _ m: ByteSpan) -> MessageParseResult {
        let role: Role?
        var rest: ByteSpan
        if m.hasPrefix("TLS error on connection from ") {
            role = .server
            rest = m.suffix(from: 29)
        } else if m.hasPrefix("TLS error on connection to ") {
            role = .client
            rest = m.suffix(from: 27)
        } else if m.hasPrefix("TLS error (") {
            guard let f = failure(m.suffix(from: 10), role: nil, nil) else { return .skipped }
            return .event(queueID: queueID, .failure(f))
        } else {
            return .skipped
        }
        var relay: Relay?
        if rest.hasPrefix("local process") {
            rest = rest.suffix(from: 13)
        } else {
            let host = EximHost.parse(rest, from: 0)
            relay = self.relay(host)
            rest = rest.suffix(from: host.end)
        }
        // ` I=[ip]:port` (server), then ` (op)…`.
        guard let open = rest.firstIndex(of: " (") else { return .skipped }
        guard let f = failure(rest.suffix(from: open + 1), role: role, relay) else { return .skipped }
        return .event(queueID: queueID, .failure(f))
    }

    /// GnuTLS, outbound: `H=NAME [IP] TLS error on connection (op): text`.
    mutating func hostTLSError(_ queueID: String?, _ m: ByteSpan) -> MessageParseResult {
        let host = EximHost.parse(m, from: 2)
        let rest = m.suffix(from: host.end)
        guard rest.hasPrefix(" TLS error on connection (") else { return .skipped }
        guard let f = failure(rest.suffix(from: 25), role: .client, relay(host)) else { return .skipped }
        return .event(queueID: queueID, .failure(f))
    }

    /// 4.90+: `TLS session: (op): text: delivering unencrypted to H=NAME [IP] (not in hosts_require_tls)`.
    mutating func tlsSessionFailure(_ queueID: String?, _ m: ByteSpan) -> MessageParseResult {
        var relay: Relay?
        var text = m.suffix(from: 13)
        if let at = text.firstIndex(of: " unencrypted to ") {
            // `… to H=name [ip]` (4.90+), `… to name [ip]` (callouts of older releases).
            let h = text.slice(at + 16, at + 18).equals("H=") ? at + 18 : at + 16
            relay = self.relay(EximHost.parse(text, from: h))
            // "…: delivering unencrypted to H=…": the reason ends before the last ": " before it.
            var end = at
            while end > 0 && text[end - 1] != UInt8(ascii: ":") { end -= 1 }
            if end > 0 { text = text.prefix(end - 1) }
        }
        guard let f = failure(text, role: .client, relay) else { return .skipped }
        return .event(queueID: queueID, .failure(f))
    }

    /// `(op)` or `(op): text` at the start of `s`: a handshake failure when op is a handshake step, a
    /// read or write error when it is I/O after the handshake, nil for anything else (setup errors).
    mutating func failure(_ s: ByteSpan, role: Role?, _ relay: Relay?) -> TLSFailure? {
        guard s.count > 2, s[0] == UInt8(ascii: "("), let close = s.firstIndex(of: UInt8(ascii: ")")) else { return nil }
        let op = s.slice(1, close)
        let kind: TLSFailure.Kind
        switch Self.operation(op) {
        case .handshake?: kind = role == .server ? .acceptFailed : .connectFailed
        case .read?: kind = .readError
        case .write?: kind = .writeError
        case nil: return nil
        }
        if role == nil && kind == .connectFailed { return nil }   // a handshake with no side named
        return TLSFailure(kind: kind, role: role, relay: relay, reason: values.string(s.trimmed, FieldLimits.text),
                          sslError: nil, errno: nil)
    }

    enum Operation { case handshake, read, write }

    /// The step an Exim TLS error names in parentheses.
    static func operation(_ op: ByteSpan) -> Operation? {
        switch op.count {
        case 4: return op.equals("recv") ? .read : op.equals("send") ? .write : nil
        case 8: return op.equals("SSL_read") ? .read : nil
        case 9: return op.equals("SSL_write") ? .write : op.equals("handshake") ? .handshake : nil
        case 10: return op.equals("SSL_accept") ? .handshake : nil
        case 11: return op.equals("SSL_connect") ? .handshake : nil
        case 16: return op.equals("gnutls_handshake") ? .handshake : nil
        case 17: return op.equals("tls lib accept fn") ? .handshake : nil
        case 31: return op.equals("certificate verification failed") ? .handshake : nil
        default: return nil
        }
    }

    // MARK: - AUTH failures

    /// `NAME authenticator failed for HOST: 535 Incorrect authentication data (set_id=USER)`.
    mutating func authFailure(_ queueID: String?, _ m: ByteSpan, at a: Int) -> MessageParseResult {
        let name = m.prefix(a)
        guard name.firstIndex(of: 0x20) == nil else { return .skipped }
        let host = EximHost.parse(m, from: a + 26)
        var rest = m.suffix(from: host.end)
        if rest.hasPrefix(" I=") { rest = rest.suffix(from: Self.wordEnd(rest, from: 1)) }
        var authid: String?
        if let s = rest.firstIndex(of: "(set_id="), let e = rest.firstIndex(of: UInt8(ascii: ")"), from: s) {
            authid = values.text(rest.slice(s + 8, e), FieldLimits.mailAddress)
        }
        var reason = rest
        if let colon = rest.firstIndex(of: ": ") { reason = rest.suffix(from: colon + 2) }
        return .event(queueID: queueID, .auth(AuthEvent(
            role: .server, success: false, relay: host.ip == nil && host.name == nil ? nil : relay(host),
            authid: authid, mechanism: mechanism(name), bits: nil, reason: values.string(reason.trimmed, FieldLimits.text))))
    }

    // MARK: - Pieces

    /// A TLS session from `X=VER:CIPHER:BITS[:GROUP][*]`, `CV=` and `DN=`.
    ///
    /// verify: `CV=yes` or `CV=dane` → OK; `CV=no` with a `DN=` → FAIL (a certificate that did not
    /// verify); `CV=no` without one, or no `CV=` → NO (no certificate). Exim logs cipher bits only.
    mutating func session(_ role: Role, _ relay: Relay, _ x: ByteSpan, _ f: EximFields) -> TLSSession {
        var x = x
        if x.count > 0 && x[x.count - 1] == UInt8(ascii: "*") { x = x.prefix(x.count - 1) }   // resumed
        let c1 = x.firstIndex(of: UInt8(ascii: ":")) ?? x.count
        let c2 = x.firstIndex(of: UInt8(ascii: ":"), from: c1 + 1) ?? x.count
        let c3 = x.firstIndex(of: UInt8(ascii: ":"), from: c2 + 1) ?? x.count
        let version = values.text(x.prefix(c1))
        let cipher = values.text(x.slice(c1 + 1, c2))
        let bits = x.slice(c2 + 1, c3).decimal
        let verify: String, logged: String
        if let cv = f.certificateVerified {
            logged = cv.equals("yes") ? "CV=yes" : cv.equals("no") ? "CV=no" : cv.equals("dane") ? "CV=dane"
                : "CV=" + values.text(cv)
            verify = cv.equals("yes") || cv.equals("dane") ? "OK" : (cv.equals("no") && f.peerDN != nil ? "FAIL" : "NO")
        } else {
            logged = ""
            verify = "NO"
        }
        return TLSSession(role: role, relay: relay, version: version, verify: verify, cipher: cipher, algBits: nil,
                          cipherBits: bits, verifyLogged: logged)
    }

    /// The peer certificate's subject (`DN=`); Exim logs no issuer.
    mutating func certificate(_ role: Role, _ dn: ByteSpan) -> Certificate {
        Certificate(role: role, subject: values.string(dn, FieldLimits.text), issuer: nil, verifyMessage: nil)
    }

    /// The mechanism of an authenticator: `PLAIN` or `LOGIN` when its name says so (`dovecot_plain`,
    /// `login_server`), so the reports see a password sent; any other name as logged.
    private mutating func mechanism(_ name: ByteSpan) -> String {
        let s = values.text(name)
        if Definitions.containsCaseless(s, "PLAIN") { return "PLAIN" }
        if Definitions.containsCaseless(s, "LOGIN") { return "LOGIN" }
        return s
    }

    /// The `Relay` of a host value, shared with the last time the same bytes were seen.
    private mutating func relay(_ h: EximHost) -> Relay {
        values.relay(h.raw) { _, cuts in Self.makeRelay(h, cuts: &cuts) }
    }

    static func makeRelay(_ h: EximHost, cuts: inout Int) -> Relay {
        let raw = FieldLimits.cut(h.raw, FieldLimits.relay, &cuts).string
        var ip: String?
        if var i = h.ip {
            if i.hasPrefix("IPv6:") || i.hasPrefix("ipv6:") { i = i.suffix(from: 5) }
            if !i.isEmpty { ip = FieldLimits.cut(i, FieldLimits.ipAddress, &cuts).lowercasedString }
        }
        guard let n = h.name, !n.isEmpty, n[0] != UInt8(ascii: "["), !n.equals("unknown") else {
            return Relay(raw: raw, name: nil, ip: ip, forged: false, user: nil, peer: ip)
        }
        let name = FieldLimits.cut(n, FieldLimits.hostName, &cuts)
        let nameString = name.string
        return Relay(raw: raw, name: nameString, ip: ip, forged: false, user: nil,
                     peer: Relay.normalised(name, sharing: nameString))
    }

    /// The end of the word at `from`: the next space, or for a word in double quotes (a quoted local
    /// part, `"tuition portal <teo.jsm"@gmail.com`) the first space after the closing quote.
    static func wordEnd(_ s: ByteSpan, from: Int) -> Int {
        var i = from
        if i < s.count && s[i] == UInt8(ascii: "\"") {
            i += 1
            while i < s.count && s[i] != UInt8(ascii: "\"") { i += s[i] == UInt8(ascii: "\\") ? 2 : 1 }
        }
        return min(s.firstIndex(of: 0x20, from: min(i, s.count)) ?? s.count, s.count)
    }

    /// `"…"` without its quotes; anything else as it is.
    static func unquoted(_ s: ByteSpan) -> ByteSpan {
        s.count >= 2 && s[0] == UInt8(ascii: "\"") && s[s.count - 1] == UInt8(ascii: "\"") ? s.slice(1, s.count - 1) : s
    }

}
