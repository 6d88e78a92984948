/// A peer as sendmail writes it in `relay=`, split into its parts.
///
/// Shapes handled (log-formats.md §2.4): `host [ip]`, `[ip]`, `[IPv6:…]`, `host [ip] (may be forged)`,
/// `IDENT:user@host [ip]`, `user@localhost`, `name.` (client side, trailing dot), ` [ip]` (empty name),
/// `[127.0.0.1] [127.0.0.1]` (to= lines for a literal address), and `local`.
///
/// A class, immutable, compared by value: one line's records (an Exim `<=` line's session, message
/// and AUTH), the parser's peer cache and the linker's sessions share one instance, so copying a
/// record that holds a peer retains one object instead of each of its five Strings.
public final class Relay: Sendable, Hashable, Codable {
    /// The value exactly as logged (trimmed).
    public let raw: String
    /// The host name as logged (case kept, trailing dot kept), nil when the relay is only an address.
    public let name: String?
    /// The IP address without brackets or the `IPv6:` tag, nil when the line has none.
    public let ip: String?
    /// The `(may be forged)` marker: the PTR name's forward lookup did not match.
    public let forged: Bool
    /// The IDENT (RFC 1413) or local user before `@`, if any.
    public let user: String?
    /// The normalised peer: the name lowercased without its trailing dot, or the IP when there is no
    /// name. Computed once here: the writer and the linker read it for every row.
    public let peer: String?
    /// True for MSP -> MTA hops: the peer `localhost`, or an address in 127.0.0.0/8, `::1` or
    /// `::ffff:127.0.0.0/104`. The same definition as the store's generated `loopback` column, which
    /// the reports use. Computed once here, as `peer` is.
    public let isLoopback: Bool

    private enum CodingKeys: String, CodingKey { case raw, name, ip, forged, user, peer }

    public init(raw: String, name: String?, ip: String?, forged: Bool = false, user: String? = nil) {
        self.raw = raw
        self.name = name
        self.ip = ip
        self.forged = forged
        self.user = user
        if let name, !name.isEmpty { peer = Relay.normalise(name) } else { peer = ip }
        isLoopback = Relay.isLoopback(peer: peer, ip: ip)
    }

    /// With the peer already normalised (the parser computes it from the bytes).
    init(raw: String, name: String?, ip: String?, forged: Bool, user: String?, peer: String?) {
        self.raw = raw
        self.name = name
        self.ip = ip
        self.forged = forged
        self.user = user
        self.peer = peer
        isLoopback = Relay.isLoopback(peer: peer, ip: ip)
    }

    public required init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        raw = try c.decode(String.self, forKey: .raw)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        ip = try c.decodeIfPresent(String.self, forKey: .ip)
        forged = try c.decode(Bool.self, forKey: .forged)
        user = try c.decodeIfPresent(String.self, forKey: .user)
        peer = try c.decodeIfPresent(String.self, forKey: .peer)
        isLoopback = Relay.isLoopback(peer: peer, ip: ip)
    }

    public static func == (a: Relay, b: Relay) -> Bool {
        a === b || (a.raw == b.raw && a.name == b.name && a.ip == b.ip && a.forged == b.forged && a.user == b.user
                    && a.peer == b.peer)
    }

    public func hash(into h: inout Hasher) {
        h.combine(raw)
        h.combine(name)
        h.combine(ip)
        h.combine(forged)
        h.combine(user)
        h.combine(peer)
    }

    private static func isLoopback(peer: String?, ip: String?) -> Bool {
        if peer == "localhost" { return true }
        guard let ip else { return false }
        // On bytes: String.hasPrefix is Unicode-aware and slow, and this runs for every row.
        return ByteSpan.with(ip) { s in
            return s.hasPrefix("127.") || s.equals("::1") || s.equals("0:0:0:0:0:0:0:1") || s.hasPrefix("::ffff:127.")
        }
    }

    /// The bytes of its Strings (short ones, stored inline, counted too): an upper bound of what
    /// keeping it costs, for the memory bounds of the pipeline and the linker.
    public var approximateBytes: Int {
        raw.utf8.count + (name?.utf8.count ?? 0) + (ip?.utf8.count ?? 0) + (user?.utf8.count ?? 0)
            + (peer?.utf8.count ?? 0)
    }

    /// Lowercase ASCII and drop one trailing dot.
    public static func normalise(_ name: String) -> String {
        ByteSpan.with(name) { normalised($0, sharing: name) }
    }

    /// `normalise` on bytes. Returns `name` itself (no new string) when the bytes are already lower
    /// case without a trailing dot.
    static func normalised(_ n: ByteSpan, sharing name: String) -> String {
        var end = n.count
        if end > 0 && n[end - 1] == UInt8(ascii: ".") { end -= 1 }
        var upper = false
        for i in 0..<end where n[i] >= 0x41 && n[i] <= 0x5A { upper = true; break }
        return (end == n.count && !upper) ? name : n.prefix(end).lowercasedString
    }

    /// Parses a `relay=` value.
    public static func parse(_ value: ByteSpan) -> Relay {
        var cuts = 0
        return parse(value, cuts: &cuts)
    }

    /// Parses a `relay=` value, each part cut to its `FieldLimits` (the raw value, the name, the
    /// address, the user); `cuts` is increased by the number of parts cut. The parts are found in the
    /// whole value first, so a huge name still yields its address.
    public static func parse(_ value: ByteSpan, cuts: inout Int) -> Relay {
        var v = value.trimmed
        let raw = FieldLimits.cut(v, FieldLimits.relay, &cuts).string
        var forged = false
        if v.hasSuffix("(may be forged)") {
            forged = true
            v = v.prefix(v.count - 15).trimmed
        }
        var name: ByteSpan? = v
        var ip: ByteSpan?
        if let open = v.lastIndex(of: UInt8(ascii: "[")), open > 0, v.firstIndex(of: UInt8(ascii: "]"), from: open) == nil {
            // Cut by %.100s inside the address ("name [203.0.113"): keep the name, drop the partial address.
            let before = v.prefix(open).trimmed
            name = before.isEmpty ? nil : before
        } else if v.count >= 2, v[v.count - 1] == UInt8(ascii: "]") {
            // Either "name [ip]" or "[ip]" (or "[ip] [ip]").
            if let open = v.lastIndex(of: UInt8(ascii: "[")) {
                ip = v.slice(open + 1, v.count - 1)
                let before = v.prefix(open).trimmed
                name = before.isEmpty ? nil : before
            }
        }
        // A bracketed literal as the name ("[127.0.0.1] [127.0.0.1]" or "[ip]" in STARTTLS=client lines).
        if let n = name, n.count >= 2, n[0] == UInt8(ascii: "["), n[n.count - 1] == UInt8(ascii: "]") {
            if ip == nil { ip = n.slice(1, n.count - 1) }
            name = nil
        }
        var user: String?
        if var n = name {
            if n.hasPrefix("IDENT:") { n = n.suffix(from: 6) }
            if let at = n.lastIndex(of: UInt8(ascii: "@")) {
                user = FieldLimits.cut(n.prefix(at), FieldLimits.mailAddress, &cuts).string
                n = n.suffix(from: at + 1)
            }
            name = n
        }
        var ipString: String?
        if var i = ip {
            if i.hasPrefix("IPv6:") || i.hasPrefix("ipv6:") { i = i.suffix(from: 5) }
            ipString = i.isEmpty ? nil : FieldLimits.cut(i, FieldLimits.ipAddress, &cuts).lowercasedString
        }
        guard let n = name, !n.isEmpty else {
            return Relay(raw: raw, name: nil, ip: ipString, forged: forged, user: user, peer: ipString)
        }
        let cutName = FieldLimits.cut(n, FieldLimits.hostName, &cuts)
        let nameString = cutName.string
        let peer = Relay.normalised(cutName, sharing: nameString)
        return Relay(raw: raw, name: nameString, ip: ipString, forged: forged, user: user, peer: peer)
    }

    /// True when a client-side name from a `to=` line matches the name from a STARTTLS=client line.
    ///
    /// `to=` lines pass the host through `shortenstring(host, 40)`: names of 40 or more characters
    /// become the first 18 + `...` + the last 18. Both sides are compared lowercased with any
    /// trailing dot removed from the full name only where the shortened one has none.
    public static func clientNamesMatch(deliveryName d: String, sessionName s: String) -> Bool {
        if d == s { return true }
        let dl = Array(d.lowercased().utf8), sl = Array(s.lowercased().utf8)
        if dl == sl { return true }
        // shortenstring(host, 40) keeps the head and tail around "..." (18 + 3 + 18 bytes). The head may
        // itself end in dots, so try every "..." as the cut, not only the first.
        if sl.count >= 40, sl.count > dl.count, dl.count >= 3 {
            for i in 0...(dl.count - 3) where dl[i] == 0x2E && dl[i + 1] == 0x2E && dl[i + 2] == 0x2E {
                let head = dl[0..<i], tail = dl[(i + 3)...]
                if sl.starts(with: head) && sl.reversed().starts(with: tail.reversed()) { return true }
            }
        }
        return normalise(d) == normalise(s)
    }
}
