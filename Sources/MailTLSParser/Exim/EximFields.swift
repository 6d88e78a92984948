/// The `KEY=value` fields of one Exim `<=`, `=>`, `->`, `==` or `**` line that mailtls reads.
///
/// Exim separates fields by single spaces; a value in double quotes (`T="…"`, `DN="…"`, `C="…"`) may
/// hold spaces, commas and `=`, and escapes a quote inside it with a backslash; `H=` holds spaces too
/// (`name (helo) [ip]`, `EximHost`). Words that are not fields (`for`, `TFO*`, `K`, `L*`, the
/// `defer (-37)` of a deferral) are stepped over. Reading stops at `for` on arrivals (the recipients
/// follow) and at a word or host ending in `:` (the error text of `==` and `**` lines follows, which
/// must not be read as fields); `textStart` is then where that text begins.
struct EximFields {
    var host: EximHost?
    /// `P=`: the protocol the message came in by (`esmtps`, `local`).
    var proto: ByteSpan?
    /// `X=`: `VER:CIPHER:BITS[:GROUP]` with an optional trailing `*`.
    var cipher: ByteSpan?
    /// `CV=`: `yes`, `no` or `dane`.
    var certificateVerified: ByteSpan?
    /// `DN=`: the peer certificate's subject (unquoted).
    var peerDN: ByteSpan?
    /// `A=`: `authenticator:id` on arrivals (on deliveries: Exim logging in to a smarthost).
    var auth: ByteSpan?
    /// `S=`: the message size.
    var size: ByteSpan?
    /// `id=`: the Message-ID header.
    var messageID: ByteSpan?
    /// `T=`: the transport on deliveries, the subject on arrivals.
    var transport: ByteSpan?
    /// `C=`: the remote server's reply to the delivery (unquoted).
    var confirmation: ByteSpan?
    /// The number of recipients after `for` on arrivals, nil without the list.
    var recipients: Int?
    /// Where the free text after the fields starts (`==`/`**` error text), or nil.
    var textStart: Int?

    /// Reads the fields of `s` from `from` on.
    static func scan(_ s: ByteSpan, from: Int, stopAtFor: Bool) -> EximFields {
        var f = EximFields()
        let n = s.count
        var i = from
        while i < n {
            while i < n && s[i] == 0x20 { i += 1 }
            guard i < n else { break }
            var k = i
            while k < n && k - i < 8 && isLetter(s[k]) { k += 1 }
            if k > i && k < n && s[k] == UInt8(ascii: "=") {
                let key = s.slice(i, k)
                let v = k + 1
                if key.count == 1 && key[0] == UInt8(ascii: "H") {
                    let host = EximHost.parse(s, from: v)
                    f.host = host
                    i = host.end
                    if i < n && s[i] == UInt8(ascii: ":") {
                        f.textStart = i + 1
                        return f
                    }
                    continue
                }
                var value: ByteSpan
                if v < n && s[v] == UInt8(ascii: "\"") {
                    var e = v + 1
                    while e < n && s[e] != UInt8(ascii: "\"") { e += s[e] == UInt8(ascii: "\\") ? 2 : 1 }
                    e = min(e, n)
                    value = s.slice(v + 1, e)
                    i = min(e + 1, n)
                } else {
                    let e = s.firstIndex(of: 0x20, from: v) ?? n
                    value = s.slice(v, e)
                    i = e
                    // `CV=yes: SMTP error …`: the error text of a `**` or `==` line follows.
                    if e > v && s[e - 1] == UInt8(ascii: ":") {
                        value = s.slice(v, e - 1)
                        f.textStart = e
                    }
                }
                switch key.count {
                case 1:
                    switch key[0] {
                    case UInt8(ascii: "P"): f.proto = value
                    case UInt8(ascii: "X"): f.cipher = value
                    case UInt8(ascii: "A"): f.auth = value
                    case UInt8(ascii: "S"): f.size = value
                    case UInt8(ascii: "T"): f.transport = value
                    case UInt8(ascii: "C"): f.confirmation = value
                    default: break
                    }
                case 2:
                    if key.equals("CV") { f.certificateVerified = value }
                    else if key.equals("DN") { f.peerDN = value }
                    else if key.equals("id") { f.messageID = value }
                default:
                    break
                }
                if f.textStart != nil { return f }
                continue
            }
            let e = s.firstIndex(of: 0x20, from: i) ?? n
            if stopAtFor && e - i == 3 && s.slice(i, e).equals("for") {
                // `+received_recipients`: the envelope recipients, one word each.
                var count = 0, j = e
                while j < n {
                    while j < n && s[j] == 0x20 { j += 1 }
                    guard j < n else { break }
                    count += 1
                    j = s.firstIndex(of: 0x20, from: j) ?? n
                }
                f.recipients = count
                break
            }
            if s[e - 1] == UInt8(ascii: ":") {
                f.textStart = e
                return f
            }
            i = e
        }
        return f
    }

    @inline(__always) static func isLetter(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }
}
