/// Decoding of sendmail's xtext (`+XX` hex escapes), used for certificate subjects and issuers.
public enum XText {
    public static func decode(_ s: ByteSpan) -> String {
        guard s.firstIndex(of: UInt8(ascii: "+")) != nil else { return s.string }
        var out = [UInt8]()
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let b = s[i]
            if b == UInt8(ascii: "+"), i + 2 < s.count, let h = hex(s[i + 1]), let l = hex(s[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}
