import MailTLSStore

/// RFC 4180 CSV that is safe to open in a spreadsheet.
///
/// - Records end with CRLF; the first record is the header.
/// - A field containing a comma, a double quote, CR or LF is quoted, with quotes doubled.
/// - Peer names, AUTH ids and certificate subjects come from remote parties, so a field that a
///   spreadsheet would read as a formula (first character `=`, `+`, `-`, `@`, tab or CR) is made
///   inert with a leading `'`, unless it is a plain number such as `-5` or `+1.5`.
public enum CSV {
    /// The record separator (RFC 4180: CRLF).
    public static let lineEnd = "\r\n"

    /// One field, neutralised and quoted as needed.
    public static func field(_ text: String) -> String {
        quote(neutralise(text))
    }

    /// One column value: NULL is an empty field, numbers are written as numbers.
    public static func field(_ value: SQLValue) -> String {
        switch value {
        case .null: return ""
        case .integer(let i): return String(i)
        case .real(let d): return d.isFinite ? JSONText.number(d) : ""
        case .text(let s): return field(s)
        }
    }

    /// One record, with its line end.
    public static func record(_ fields: [String]) -> String {
        fields.joined(separator: ",") + lineEnd
    }

    /// `text` with a leading `'` when a spreadsheet would take it for a formula.
    public static func neutralise(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r":
            return isPlainNumber(text) ? text : "'" + text
        default:
            return text
        }
    }

    /// `text` quoted when it holds a comma, a quote or a line break.
    public static func quote(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var out = "\""
        for c in text.unicodeScalars {
            if c == "\"" { out += "\"\"" } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }

    /// True for `[+-]digits[.digits][e[+-]digits]`: a value spreadsheets read as a number, not a formula.
    static func isPlainNumber(_ text: String) -> Bool {
        var s = Substring(text)
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        var mantissaDigits = 0
        while let c = s.first, c.isASCII, c.isNumber { mantissaDigits += 1; s = s.dropFirst() }
        if s.first == "." {
            s = s.dropFirst()
            while let c = s.first, c.isASCII, c.isNumber { mantissaDigits += 1; s = s.dropFirst() }
        }
        guard mantissaDigits > 0 else { return false }
        if s.first == "e" || s.first == "E" {
            s = s.dropFirst()
            if s.first == "+" || s.first == "-" { s = s.dropFirst() }
            var expDigits = 0
            while let c = s.first, c.isASCII, c.isNumber { expDigits += 1; s = s.dropFirst() }
            guard expDigits > 0 else { return false }
        }
        return s.isEmpty
    }
}
