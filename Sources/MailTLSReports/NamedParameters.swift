/// A query's named parameters (`:since`) rewritten as PostgreSQL's positional ones (`$1`).
///
/// Each distinct name gets the number of its first appearance; a name used twice is the same `$n`.
/// Text in quotes, quoted identifiers, comments and `::` casts are left as they are.
struct NamedParameters: Equatable {
    /// The SQL with `$1`, `$2`, … in place of the names.
    let sql: String
    /// The names (with their colon) in the order of their numbers: `names[0]` is `$1`.
    let names: [String]

    init(_ text: String) {
        let s = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var names: [String] = []
        var numbers: [String: Int] = [:]
        func isName(_ c: UInt8) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
        }
        var i = 0
        while i < s.count {
            let c = s[i]
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // A quoted string or identifier (a doubled quote inside it is part of it).
                var j = i + 1
                while j < s.count, s[j] != c { j += 1 }
                out += s[i..<min(j + 1, s.count)]
                i = j + 1
            case UInt8(ascii: "-") where i + 1 < s.count && s[i + 1] == UInt8(ascii: "-"):
                var j = i
                while j < s.count, s[j] != 0x0A { j += 1 }
                out += s[i..<j]
                i = j
            case UInt8(ascii: "/") where i + 1 < s.count && s[i + 1] == UInt8(ascii: "*"):
                var j = i + 2
                while j + 1 < s.count, !(s[j] == UInt8(ascii: "*") && s[j + 1] == UInt8(ascii: "/")) { j += 1 }
                out += s[i..<min(j + 2, s.count)]
                i = j + 2
            case UInt8(ascii: ":") where i + 1 < s.count && s[i + 1] == UInt8(ascii: ":"):
                out += [c, c]
                i += 2
            case UInt8(ascii: ":") where i + 1 < s.count && isName(s[i + 1]) && !(s[i + 1] >= 0x30 && s[i + 1] <= 0x39):
                var j = i + 1
                while j < s.count, isName(s[j]) { j += 1 }
                let name = String(decoding: s[i..<j], as: UTF8.self)
                let n: Int
                if let known = numbers[name] {
                    n = known
                } else {
                    names.append(name)
                    n = names.count
                    numbers[name] = n
                }
                out += Array("$\(n)".utf8)
                i = j
            default:
                out.append(c)
                i += 1
            }
        }
        sql = String(decoding: out, as: UTF8.self)
        self.names = names
    }
}
