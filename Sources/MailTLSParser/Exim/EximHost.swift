/// The peer of an Exim line as it writes it after `H=` (and after `TLS error on connection from`):
/// `name [ip]`, `name (helo) [ip]:port`, `(helo) [ip]`, `[ip]`, with an optional `:port` and, on
/// deliveries down a connection already open, a trailing `*` (log-formats.md §4).
///
/// The name is the one Exim looked up or was given (the MX name on deliveries); the HELO in
/// parentheses is what the client claimed and is not a name mailtls reports. The parts are spans of
/// the line: the parser makes the `Relay` (cached by `raw`).
struct EximHost {
    /// The name before the HELO and the address, nil when there is none (`(helo) [ip]`, `[ip]`).
    var name: ByteSpan?
    /// The address inside the brackets, nil when the line has none.
    var ip: ByteSpan?
    /// From the start of the value to the closing `]` (the port and `*` left out): the cache key and
    /// `Relay.raw`.
    var raw: ByteSpan
    /// The index after the value (after the port and the `*`).
    var end: Int

    /// Reads the value that starts at `from` in `s`.
    static func parse(_ s: ByteSpan, from: Int) -> EximHost {
        let n = s.count
        var j = from
        var name: ByteSpan?
        if j < n && s[j] != UInt8(ascii: "(") && s[j] != UInt8(ascii: "[") {
            let e = s.firstIndex(of: 0x20, from: j) ?? n
            name = s.slice(j, e)
            j = e
        }
        var rawEnd = j
        // ` (helo)` (parentheses may nest: `([192.0.2.1])`), then ` [ip]`.
        while j < n {
            var k = j
            if k > from {
                guard s[k] == 0x20, k + 1 < n else { break }
                k += 1
            }
            if s[k] == UInt8(ascii: "(") {
                var depth = 0
                while k < n {
                    if s[k] == UInt8(ascii: "(") { depth += 1 }
                    else if s[k] == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                    k += 1
                }
                guard k < n else { break }
                j = k + 1
                rawEnd = j
            } else if s[k] == UInt8(ascii: "[") {
                guard let close = s.firstIndex(of: UInt8(ascii: "]"), from: k) else { break }
                var host = EximHost(name: name, ip: s.slice(k + 1, close), raw: s.slice(from, close + 1), end: close + 1)
                var e = close + 1
                // `:port` (`+outgoing_port`, `+incoming_port`; Exim's test suite writes `:PORT_D`): up to
                // a space, `*` or `:`, so that the `:` which ends the host in `H=name [ip]:25: TLS
                // session: …` stays for the text after it. Then `*` (a continued connection).
                if e + 1 < n && s[e] == UInt8(ascii: ":") && s[e + 1] != 0x20 {
                    e += 1
                    while e < n && s[e] != 0x20 && s[e] != UInt8(ascii: "*") && s[e] != UInt8(ascii: ":") { e += 1 }
                }
                if e < n && s[e] == UInt8(ascii: "*") { e += 1 }
                host.end = e
                return host
            } else {
                break
            }
        }
        return EximHost(name: name, ip: nil, raw: s.slice(from, rawEnd), end: rawEnd)
    }
}
