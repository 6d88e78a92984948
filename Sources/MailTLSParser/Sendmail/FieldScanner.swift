/// Walks the `key=value, key=value` body of a sendmail line.
///
/// A value ends at the next `, ` that is followed by a `key=` (so values may contain commas and spaces,
/// as `relay=host [ip] (may be forged)` and `to=<a>,<b>` do). `stat=`, `reject=`, `verifymsg=`
/// and `msg=` run to the end of the line: their text contains `, key=`-like fragments. (`reply=` and
/// `stage=` come before `stat=`, so they end at the next field like the others.)
struct FieldScanner {
    let s: ByteSpan
    var position: Int

    init(_ s: ByteSpan, from: Int = 0) {
        self.s = s
        self.position = from
    }

    @inline(__always) static func isKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A)
    }

    /// Length of the key at `i` when `s[i...]` is `key=`; nil otherwise.
    @inline(__always) static func keyLength(_ s: ByteSpan, at i: Int) -> Int? {
        var k = i
        let n = s.count
        while k < n && k - i <= 24 && isKeyByte(s[k]) { k += 1 }
        return (k > i && k < n && s[k] == UInt8(ascii: "=")) ? k - i : nil
    }

    static func isRestOfLine(_ key: ByteSpan) -> Bool {
        switch key.count {
        case 3: return key.equals("msg")
        case 4: return key.equals("stat")
        case 6: return key.equals("reject")
        case 9: return key.equals("verifymsg")
        default: return false
        }
    }

    /// The end of a value starting at `from`: the index of the `, ` before the next `key=`, or the end.
    static func valueEnd(_ s: ByteSpan, from: Int) -> Int {
        var j = from
        while let c = s.firstIndex(of: UInt8(ascii: ","), from: j) {
            if c + 2 < s.count && s[c + 1] == 0x20 && keyLength(s, at: c + 2) != nil { return c }
            j = c + 1
        }
        return s.count
    }

    /// The next field, or nil at the end (or when the rest is not `key=…`).
    mutating func next() -> (key: ByteSpan, value: ByteSpan)? {
        let i = position
        guard i < s.count, let kl = FieldScanner.keyLength(s, at: i) else { return nil }
        let key = s.slice(i, i + kl)
        let vs = i + kl + 1
        if FieldScanner.isRestOfLine(key) {
            position = s.count
            return (key, s.suffix(from: vs))
        }
        let e = FieldScanner.valueEnd(s, from: vs)
        position = e + 2
        return (key, s.slice(vs, e))
    }
}
