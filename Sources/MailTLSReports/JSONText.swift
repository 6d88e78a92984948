import MailTLSStore

/// JSON text for values read from SQLite: strings escaped, numbers as numbers, NULL as `null`.
enum JSONText {
    /// A JSON string literal. Control characters, U+2028 and U+2029 are escaped; other text is kept
    /// as UTF-8.
    static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}", "\u{2029}": out += "\\u" + hex4(c.value)
            default:
                if c.value < 0x20 || c.value == 0x7F { out += "\\u" + hex4(c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    /// A column value as JSON.
    static func value(_ v: SQLValue) -> String {
        switch v {
        case .null: return "null"
        case .integer(let i): return String(i)
        case .real(let d): return d.isFinite ? number(d) : "null"
        case .text(let s): return quote(s)
        }
    }

    /// The shortest text that reads back as `d` (`0.6667`, `1.0`).
    static func number(_ d: Double) -> String { "\(d)" }

    /// One row as a single-line JSON object, keys in column order.
    static func object(columns: [String], values: [SQLValue]) -> String {
        var out = "{"
        for (i, name) in columns.enumerated() {
            if i > 0 { out += ", " }
            out += quote(name) + ": " + value(i < values.count ? values[i] : .null)
        }
        return out + "}"
    }
}
