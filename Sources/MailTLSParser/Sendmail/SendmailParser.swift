/// Parses sendmail messages (log-formats.md §2) into `LogEvent`s.
///
/// Lines are recognised by their content, not by the syslog tag, so any `-L` label works. Releases
/// 8.12 to 8.18 are covered: the STARTTLS main line with DANE suffixes, certificate details,
/// handshake failures, TLS rulesets, TLS I/O errors, AUTH, `from=` and `to=` (with `[more]` and the
/// `_FFR_LOG_MORE` TLS fields), and `NOQUEUE: connect from`.
public struct SendmailParser: MTAParser {
    public static let mta = MTA.sendmail
    /// Field values and relays, cut, counted and shared.
    private var values = FieldValues()

    public init() {}

    /// Field values cut to their `FieldLimits` so far (each cut value once).
    public var truncatedFields: Int { values.truncated }

    /// Every tag: sendmail's is its `-L` label (`sm-mta`, `sendmail`, `sm-msp-queue`, or any other), so its
    /// lines are recognised by their content. It is registered last.
    public static func claims(tag: ByteSpan) -> Bool { true }

    public static func makeLinker(sessionGap: Int64) -> SendmailLinker { SendmailLinker(sessionGap: sessionGap) }

    public mutating func parse(_ envelope: SyslogEnvelope) -> MessageParseResult {
        parse(message: envelope.message)
    }

    public mutating func parse(message input: ByteSpan) -> MessageParseResult {
        var m = input.trimmed
        var queueID: String?
        if let (qid, rest) = Self.splitQueueID(m) {
            queueID = qid
            m = rest
        }
        guard m.count > 4 else { return .skipped }
        switch m[0] {
        case UInt8(ascii: "S"):
            if m.hasPrefix("STARTTLS=") { return Self.wrap(queueID, parseStartTLS(m)) }
            if m.hasPrefix("STARTTLS: ") { return Self.wrap(queueID, parseIOError(m)) }
        case UInt8(ascii: "A"):
            if m.hasPrefix("AUTH=") { return Self.wrap(queueID, parseAuth(m)) }
            if m.hasPrefix("AUTH failure (") { return Self.wrap(queueID, parseAuthFailure(m)) }
        case UInt8(ascii: "r"):
            if m.hasPrefix("ruleset=tls_") || m.hasPrefix("ruleset=try_tls") { return Self.wrap(queueID, parseRuleset(m)) }
        case UInt8(ascii: "f"):
            if m.hasPrefix("from=") { return Self.wrap(queueID, parseFrom(m)) }
        case UInt8(ascii: "t"):
            if m.hasPrefix("to=") { return Self.wrap(queueID, parseTo(m)) }
        case UInt8(ascii: "c"):
            if m.hasPrefix("connect from ") {
                return .event(queueID: queueID, .connect(values.relay(m.suffix(from: 13), Relay.parse)))
            }
        default:
            break
        }
        return .skipped
    }

    /// Static: a method of `self` called with a mutating call as its argument made debug builds copy the
    /// parser (its value caches, 772 KiB) for every line.
    private static func wrap(_ qid: String?, _ r: consuming Result<LogEvent?, ParseFailure>) -> MessageParseResult {
        switch consume r {
        case .success(let e?): return .event(queueID: qid, e)
        case .success(nil): return .skipped
        case .failure(let f): return .malformed(reason: f.reason)
        }
    }

    struct ParseFailure: Error {
        let reason: String
    }

    /// `QID: rest` → (QID, rest). `NOQUEUE:` is dropped. Queue ids are 9+ alphanumerics with a digit,
    /// which keeps `STARTTLS: …` and `AUTH: …` out.
    static func splitQueueID(_ m: ByteSpan) -> (String?, ByteSpan)? {
        guard let colon = m.firstIndex(of: UInt8(ascii: ":")), colon <= 24, colon + 1 < m.count,
              m[colon + 1] == 0x20 else { return nil }
        let token = m.prefix(colon)
        if token.equals("NOQUEUE") { return (nil, m.suffix(from: colon + 2)) }
        guard token.count >= 9 else { return nil }
        var digit = false
        for i in 0..<token.count {
            let b = token[i]
            guard ByteSpan.isAlnum(b) else { return nil }
            if ByteSpan.isDigit(b) { digit = true }
        }
        return digit ? (token.string, m.suffix(from: colon + 2)) : nil
    }

    // MARK: - STARTTLS

    mutating func parseStartTLS(_ m: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        let role: Role
        if m.hasPrefix("STARTTLS=server") { role = .server }
        else if m.hasPrefix("STARTTLS=client") { role = .client }
        else { return .success(nil) }   // STARTTLS=read/write/init …: OpenSSL queue dumps
        let r = m.suffix(from: 15)
        if r.hasPrefix(", relay=") { return parseMainLine(role, r.suffix(from: 2)) }
        if r.hasPrefix(", error: accept failed=") || r.hasPrefix(", error: connect failed=") {
            return parseHandshakeFailure(role, r.suffix(from: 9))
        }
        if r.hasPrefix(", cert-subject=") { return parseCertificate(role, r.suffix(from: 2)) }
        return .success(nil)
    }

    mutating func parseMainLine(_ role: Role, _ body: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        var scanner = FieldScanner(body)
        var relay: ByteSpan?, version: ByteSpan?, verify: ByteSpan?, cipher: ByteSpan?, bits: ByteSpan?
        var fp: String?, status: String?, note: String?
        while let (k, v) = scanner.next() {
            switch k.count {
            case 4 where k.equals("bits"): bits = v
            case 4 where k.equals("note"): note = values.string(v, FieldLimits.text)
            case 5 where k.equals("relay"): relay = v
            case 6 where k.equals("verify"): verify = v
            case 6 where k.equals("cipher"): cipher = v
            case 6 where k.equals("status"): status = values.string(v, FieldLimits.text)
            case 7 where k.equals("version"): version = v
            case 9 where k.equals("pubkey_fp"): fp = values.string(v, FieldLimits.token)
            default: break
            }
        }
        guard let relay else { return .failure(ParseFailure(reason: "STARTTLS line without relay=")) }
        // Lines such as `relay=…, field=…, status=failed to extract CN` or `relay=…, warning=…` carry no session.
        guard let version, let verify, let cipher else {
            if version == nil && verify == nil && cipher == nil && bits == nil { return .success(nil) }
            return .failure(ParseFailure(reason: "STARTTLS line without version=, verify= or cipher="))
        }
        guard let bits else { return .failure(ParseFailure(reason: "STARTTLS line without bits=")) }
        // bits=alg/cipher, possibly followed by 8.17.2's glued "status=…".
        var i = 0
        while i < bits.count && ByteSpan.isDigit(bits[i]) { i += 1 }
        let alg = bits.prefix(i).decimal
        var cbits: Int?
        if i < bits.count && bits[i] == UInt8(ascii: "/") {
            var j = i + 1
            while j < bits.count && ByteSpan.isDigit(bits[j]) { j += 1 }
            cbits = bits.slice(i + 1, j).decimal
            let rest = bits.suffix(from: j)
            if rest.hasPrefix("status=") { status = values.string(rest.suffix(from: 7), FieldLimits.text) }
        }
        return .success(.tlsSession(TLSSession(
            role: role, relay: values.relay(relay, Relay.parse), version: values.text(version), verify: values.text(verify), cipher: values.text(cipher),
            algBits: alg, cipherBits: cbits, danePubkeyFP: fp, daneStatus: status, daneNote: note)))
    }

    mutating func parseHandshakeFailure(_ role: Role, _ body: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        // body: "accept failed=0, reason=…, SSL_error=1, errno=0, retry=-1, relay=…"
        guard let eq = body.firstIndex(of: UInt8(ascii: "=")) else { return .failure(ParseFailure(reason: "bad handshake failure line")) }
        let end = FieldScanner.valueEnd(body, from: eq + 1)
        var f = TLSFailure(kind: role == .server ? .acceptFailed : .connectFailed, role: role)
        var scanner = FieldScanner(body, from: end + 2)
        while let (k, v) = scanner.next() {
            if k.equals("reason") { f.reason = values.string(v, FieldLimits.text) }
            else if k.equals("SSL_error") { f.sslError = v.signedDecimal }
            else if k.equals("errno") { f.errno = v.signedDecimal }
            else if k.equals("relay") { f.relay = values.relay(v, Relay.parse) }
        }
        return .success(.failure(f))
    }

    mutating func parseCertificate(_ role: Role, _ body: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        var scanner = FieldScanner(body)
        var subject: String?, issuer: String?, msg: String?
        while let (k, v) = scanner.next() {
            if k.equals("cert-subject") { subject = XText.decode(values.cut(v, FieldLimits.text)) }
            else if k.equals("cert-issuer") { issuer = XText.decode(values.cut(v, FieldLimits.text)) }
            else if k.equals("verifymsg") { msg = values.string(v, FieldLimits.text) }
        }
        guard let subject, let issuer else { return .failure(ParseFailure(reason: "certificate line without cert-issuer=")) }
        return .success(.certificate(Certificate(role: role, subject: subject, issuer: issuer, verifyMessage: msg)))
    }

    mutating func parseIOError(_ m: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        let kind: TLSFailure.Kind
        let r: ByteSpan
        if m.hasPrefix("STARTTLS: read error=") { kind = .readError; r = m.suffix(from: 21) }
        else if m.hasPrefix("STARTTLS: write error=") { kind = .writeError; r = m.suffix(from: 22) }
        else { return .success(nil) }
        let end = FieldScanner.valueEnd(r, from: 0)
        var f = TLSFailure(kind: kind, role: nil, reason: values.string(r.prefix(end), FieldLimits.text))
        var scanner = FieldScanner(r, from: end + 2)
        while let (k, v) = scanner.next() {
            if k.equals("errno") { f.errno = v.signedDecimal }
            else if k.equals("ssl_err") { f.sslError = v.signedDecimal }
        }
        return .success(.failure(f))
    }

    // MARK: - Rulesets

    mutating func parseRuleset(_ m: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        var scanner = FieldScanner(m)
        var ruleset: String?, arg1: String?, relay: Relay?, reject: String?
        while let (k, v) = scanner.next() {
            if k.equals("ruleset") { ruleset = values.string(v, FieldLimits.token) }
            else if k.equals("arg1") { arg1 = values.string(v, FieldLimits.mailAddress) }
            else if k.equals("relay") { relay = values.relay(v, Relay.parse) }
            else if k.equals("reject") { reject = values.string(v, FieldLimits.text) }
        }
        guard let ruleset, let reject else { return .success(nil) }  // status=, discard, quarantine
        // tls_server checks the server we connected to (client role); tls_client the client that
        // connected to us (server role); tls_rcpt and try_tls run while delivering.
        let role: Role = ruleset == "tls_client" ? .server : .client
        return .success(.failure(TLSFailure(kind: .rulesetReject, role: role, relay: relay, ruleset: ruleset,
                                            rulesetArg: arg1, reject: reject)))
    }

    // MARK: - AUTH

    mutating func parseAuth(_ m: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        let role: Role
        if m.hasPrefix("AUTH=server, ") { role = .server }
        else if m.hasPrefix("AUTH=client, ") { role = .client }
        else { return .success(nil) }
        var scanner = FieldScanner(m, from: 13)
        var relay: Relay?, authid: String?, mech: String?, bits: Int?
        while let (k, v) = scanner.next() {
            if k.equals("relay") { relay = values.relay(v, Relay.parse) }
            else if k.equals("authid") { authid = values.text(v, FieldLimits.mailAddress) }
            else if k.equals("mech") { mech = values.text(v) }
            else if k.equals("bits") { bits = v.decimal }
        }
        // AUTH=client lines without mech= are connection-level notes ("temporary failure", "authinfo failed").
        guard let mech else {
            if role == .client { return .success(nil) }
            return .failure(ParseFailure(reason: "AUTH=server line without mech="))
        }
        return .success(.auth(AuthEvent(role: role, success: true, relay: relay, authid: authid, mechanism: mech, bits: bits)))
    }

    /// `AUTH failure (MECH): text (-13) SASL(-13): …[, user=U], relay=R` (8.12 has no relay).
    mutating func parseAuthFailure(_ m: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        let afterParen = m.suffix(from: 14)
        guard let close = afterParen.firstIndex(of: UInt8(ascii: ")")) else {
            return .failure(ParseFailure(reason: "AUTH failure line without (mech)"))
        }
        let mech = values.string(afterParen.prefix(close), FieldLimits.token).uppercased()
        var rest = afterParen.suffix(from: close + 1)
        if rest.hasPrefix(": ") { rest = rest.suffix(from: 2) }
        var relay: Relay?
        var user: String?
        // The relay is the last field; a doubled "relay=" (seen in the wild) keeps the last one.
        var textEnd = rest.count
        var search = 0
        var lastRelay: Int?
        while let r = rest.firstIndex(of: ", relay=", from: search) { lastRelay = r; search = r + 1 }
        if let r = lastRelay {
            relay = values.relay(rest.suffix(from: r + 8), Relay.parse)
            textEnd = r
            // An earlier ", relay=" belongs to the same tail; cut the text at the first one.
            if let first = rest.firstIndex(of: ", relay=") { textEnd = first }
        }
        if let u = rest.prefix(textEnd).firstIndex(of: ", user=") {
            user = values.string(rest.slice(u + 7, textEnd), FieldLimits.mailAddress)
            textEnd = u
        }
        let reason = values.string(rest.prefix(textEnd), FieldLimits.text)
        return .success(.auth(AuthEvent(role: .server, success: false, relay: relay, authid: user, mechanism: mech,
                                        bits: nil, reason: reason)))
    }

    // MARK: - Messages

    mutating func parseFrom(_ m: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        var scanner = FieldScanner(m)
        var sender: String?, size: Int?, nrcpts: Int?, msgid: String?, proto: String?, daemon: String?
        var relay: Relay?, auth: String?
        var tls = LoggedTLS()
        var sawSize = false
        while let (k, v) = scanner.next() {
            switch k.count {
            case 4 where k.equals("from"): sender = values.text(v, FieldLimits.mailAddress)
            case 4 where k.equals("size"): size = v.decimal; sawSize = true
            case 4 where k.equals("auth"): auth = values.text(v, FieldLimits.mailAddress)
            case 5 where k.equals("msgid"): msgid = values.string(v, FieldLimits.messageID)
            case 5 where k.equals("proto"): proto = values.text(v)
            case 5 where k.equals("relay"): relay = values.relay(v, Relay.parse)
            case 6 where k.equals("nrcpts"): nrcpts = v.decimal
            case 6 where k.equals("daemon"): daemon = values.text(v)
            case 6 where k.equals("cipher"): tls.cipher = values.text(v)
            case 10 where k.equals("tls_verify"): tls.verify = values.text(v)
            case 11 where k.equals("tls_version"): tls.version = values.text(v)
            default: break
            }
        }
        guard let sender, sawSize || relay != nil else {
            return .failure(ParseFailure(reason: "from= line without size= or relay="))
        }
        return .success(.message(InboundMessage(sender: sender, size: size, nrcpts: nrcpts, messageID: msgid, proto: proto,
                                                daemon: daemon, relay: relay, loggedTLS: tls.isEmpty ? nil : tls,
                                                auth: auth)))
    }

    mutating func parseTo(_ m: ByteSpan) -> Result<LogEvent?, ParseFailure> {
        var scanner = FieldScanner(m)
        var to: ByteSpan?, mailer: String?, relay: Relay?, dsn: String?, stat: ByteSpan?
        var delay: String?, xdelay: String?
        var tls = LoggedTLS()
        while let (k, v) = scanner.next() {
            switch k.count {
            case 2 where k.equals("to"): to = v
            case 3 where k.equals("dsn"): dsn = values.text(v)
            case 4 where k.equals("stat"): stat = v
            case 5 where k.equals("delay"): delay = values.text(v)
            case 5 where k.equals("relay"): relay = values.relay(v, Relay.parse)
            case 6 where k.equals("mailer"): mailer = values.text(v)
            case 6 where k.equals("xdelay"): xdelay = values.text(v)
            case 6 where k.equals("cipher"): tls.cipher = values.text(v)
            case 10 where k.equals("tls_verify"): tls.verify = values.text(v)
            case 11 where k.equals("tls_version"): tls.version = values.text(v)
            default: break
            }
        }
        guard var to else { return .failure(ParseFailure(reason: "to= line without recipients")) }
        guard let stat else { return .failure(ParseFailure(reason: "to= line without stat=")) }
        var continued = false
        if to.hasSuffix("[more]") {
            continued = true
            to = to.prefix(to.count - 6).trimmed
            if to.count > 0 && to[to.count - 1] == UInt8(ascii: ",") { to = to.prefix(to.count - 1) }
        }
        let statText = values.text(stat, FieldLimits.text)
        let status: Delivery.Status
        if stat.hasPrefix("Sent") { status = .sent }
        else if stat.hasPrefix("Deferred") || dsn?.hasPrefix("4") == true { status = .deferred }
        else if dsn?.hasPrefix("5") == true { status = .bounced }
        else { status = .other }
        return .success(.delivery(Delivery(recipients: values.text(to, FieldLimits.recipients), recipientCount: Self.countAddresses(to),
                                           continued: continued, mailer: mailer, relay: relay, dsn: dsn,
                                           status: status, statusText: statText, delay: delay, xdelay: xdelay,
                                           loggedTLS: tls.isEmpty ? nil : tls)))
    }

    /// Addresses in a `to=` list: commas outside `<…>` and quotes, plus one.
    static func countAddresses(_ s: ByteSpan) -> Int {
        guard s.count > 0 else { return 0 }
        var n = 1
        var angle = 0
        var quote = false
        for i in 0..<s.count {
            switch s[i] {
            case UInt8(ascii: "\""): quote.toggle()
            case UInt8(ascii: "<"): angle += 1
            case UInt8(ascii: ">"): angle = max(0, angle - 1)
            case UInt8(ascii: ","): if angle == 0 && !quote { n += 1 }
            default: break
            }
        }
        return n
    }
}
