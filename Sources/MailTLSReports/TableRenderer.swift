import MailTLSStore

/// Aligned plain-text tables for the terminal.
///
/// - Headers are the column names; a name with an underscore is split over two lines at the first
///   one (`inbound_rate` → `inbound` / `rate`) to keep columns narrow.
/// - Numbers are right-aligned. Columns named `rate` or `share` or ending in `_rate` / `_share` hold
///   fractions and are shown as percentages; NULL is shown as `-`.
/// - Text from remote parties is made safe for a terminal (control characters are escaped) and
///   long text is cut to `maxWidth` characters (CSV and JSON keep it whole).
public struct TableRenderer: Sendable {
    /// The widest a text cell may be.
    public var maxWidth = 60

    /// A renderer with the default width limit.
    public init() {}

    /// True for columns that hold a fraction shown as a percentage.
    public static func isFraction(_ column: String) -> Bool {
        column == "rate" || column == "share" || column.hasSuffix("_rate") || column.hasSuffix("_share")
    }

    /// A fraction as a percentage with one decimal; never rounds a partial value to 0 % or 100 %.
    public static func percent(_ fraction: Double) -> String {
        let text = formatOneDecimal(fraction * 100)
        if fraction < 1 && text == "100.0" { return ">99.9%" }
        if fraction > 0 && text == "0.0" { return "<0.1%" }
        return text + "%"
    }

    private static func formatOneDecimal(_ v: Double) -> String {
        let tenths = (v * 10).rounded()
        let whole = Int64(tenths / 10)
        let frac = Int64(abs(tenths.truncatingRemainder(dividingBy: 10)))
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(frac)"
    }

    /// One cell as shown in a table.
    public func cell(_ value: SQLValue, column: String) -> String {
        switch value {
        case .null: return "-"
        case .integer(let i): return Self.isFraction(column) ? Self.percent(Double(i)) : String(i)
        case .real(let d): return Self.isFraction(column) ? Self.percent(d) : JSONText.number(d)
        case .text(let s): return clip(Self.printable(s))
        }
    }

    /// `text` with control characters shown as `\xNN`, so log data cannot drive the terminal.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for c in text.unicodeScalars {
            if isControl(c) {
                let h = String(c.value, radix: 16)
                out += "\\x" + (h.count < 2 ? "0" + h : h)
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    private static func isControl(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (0x7F...0x9F).contains(c.value)
    }

    private func clip(_ text: String) -> String {
        text.count <= maxWidth ? text : String(text.prefix(maxWidth - 3)) + "..."
    }

    /// The table with its header, a rule and one line per row; `"(no data)"` when there are no rows.
    ///
    /// - Parameter titles: header text to show instead of a column's name.
    public func render(_ table: ResultTable, titles: [String: String] = [:]) -> String {
        guard !table.rows.isEmpty else { return "(no data)\n" }
        let cells = table.rows.map { row in table.columns.indices.map { cell(row[$0], column: table.columns[$0]) } }
        let numeric = table.columns.indices.map { i in
            table.rows.allSatisfy { row in
                switch row[i] {
                case .integer, .real, .null: return true
                case .text: return false
                }
            }
        }
        let headers = table.columns.map { name -> (String, String) in
            let title = titles[name] ?? name
            guard let u = title.firstIndex(of: "_") else { return ("", title) }
            return (String(title[..<u]), title[title.index(after: u)...].replacingOccurrences(of: "_", with: " "))
        }
        let widths = table.columns.indices.map { i in
            max(headers[i].0.count, headers[i].1.count, cells.map { $0[i].count }.max() ?? 0)
        }
        func line(_ values: [String]) -> String {
            var parts: [String] = []
            for (i, v) in values.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - v.count)
                parts.append(numeric[i] ? pad + v : (i == values.count - 1 ? v : v + pad))
            }
            var s = parts.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s + "\n"
        }
        var out = ""
        if headers.contains(where: { !$0.0.isEmpty }) { out += line(headers.map(\.0)) }
        out += line(headers.map(\.1))
        out += line(widths.map { String(repeating: "-", count: $0) })
        for row in cells { out += line(row) }
        return out
    }
}
