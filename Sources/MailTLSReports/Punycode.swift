/// Punycode (RFC 3492): the ASCII form (`xn--…`, an A-label) of an internationalised domain label.
///
/// Peer names come from DNS, which holds internationalised names as A-labels
/// (`xn--85x722f.xn--fiqs8s`), while the Public Suffix List writes its IDN rules in Unicode
/// (`公司.cn`). `PublicSuffixList` compares both in the ASCII form, so it needs the encoder only (no
/// decoding). The label is taken as given: no UTS 46 mapping beyond what the caller does (it
/// lowercases); the list's own rules are already lowercase and NFC.
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    /// `label` as DNS holds it: itself when it is ASCII, else `xn--` and its Punycode; nil for a label
    /// too long to be a DNS label (more than 63 scalars).
    static func asciiLabel<S: StringProtocol>(_ label: S) -> String? {
        if label.utf8.allSatisfy({ $0 < 0x80 }) { return String(label) }
        let scalars = Array(label.unicodeScalars)
        guard scalars.count <= 63 else { return nil }
        return "xn--" + encode(scalars)
    }

    /// The Punycode of `input` (RFC 3492 section 6.3), without the `xn--` prefix.
    static func encode(_ input: [Unicode.Scalar]) -> String {
        let codes = input.map { Int($0.value) }
        var output = String(String.UnicodeScalarView(input.filter(\.isASCII)))
        let basicCount = output.unicodeScalars.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < codes.count {
            // The smallest code point not yet handled; at most 0x10FFFF, so no overflow with 64-bit Int
            // for labels of at most 63 scalars.
            let m = codes.filter { $0 >= n }.min()!
            delta += (m - n) * (handled + 1)
            n = m
            for c in codes {
                if c < n { delta += 1 }
                guard c == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    output.unicodeScalars.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.unicodeScalars.append(digit(q))
                bias = adapt(delta, points: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return output
    }

    /// The base-36 digit `d`: `a`-`z` for 0-25, `0`-`9` for 26-35.
    private static func digit(_ d: Int) -> Unicode.Scalar {
        Unicode.Scalar(UInt8(d < 26 ? 97 + d : 22 + d))
    }

    /// The bias adaptation of RFC 3492 section 6.1.
    private static func adapt(_ delta: Int, points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
