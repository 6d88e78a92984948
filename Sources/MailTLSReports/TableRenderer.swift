import MailTLSStore

/// Aligned plain-text tables for the terminal.
///
/// - Headers are the column names; a name with an underscore is split over two lines at the first
///   one (`inbound_rate` → `inbound` / `rate`) to keep columns narrow.
/// - Numbers (and percentages already formatted as text) are right-aligned. Columns named `rate` or
///   `share` or ending in `_rate` / `_share` hold fractions and are shown as percentages; NULL is
///   shown as `-`.
/// - Text from remote parties is made safe for a terminal (control characters are escaped) and
///   long text is cut to `maxWidth` characters, or the line's width when that is wider (CSV and JSON
///   keep it whole).
/// - With a `width` (the terminal's, or 100 columns when output is not a terminal), the widest text
///   columns are narrowed until each line fits: their long values are shortened with `…` in the
///   middle, which keeps both the start and the end of a host name, and a line is never wrapped.
///   A table with more columns than fit even so prints each row as a block of `column  value` lines.
///   Without a width (`--wide`) every value is shown whole.
public struct TableRenderer: Sendable {
    /// The widest a text cell may be when fitting to `width`, unless the line is wider (a wide
    /// terminal shows long reasons whole); hints and notes are written to fit it.
    public var maxWidth = 60
    /// The columns a line may take; nil shows every value whole (`--wide`).
    public var width: Int?
    /// The narrowest a text column is made when fitting (its header may be wider).
    public static let minimumColumn = 12

    /// A renderer that fits its lines into `width` columns, or shows values whole when nil.
    public init(width: Int? = nil) { self.width = width }

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
        case .text(let s):
            guard let width else { return Self.printable(s) }
            return Self.shorten(Self.printable(s), to: Swift.max(maxWidth, width))
        }
    }

    /// `text` cut to `width` characters with `…` in the middle (head and tail kept), or as is when it fits.
    public static func shorten(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(width)) }
        let keep = width - 1
        return String(text.prefix((keep + 1) / 2)) + "…" + String(text.suffix(keep / 2))
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

    /// The table with its header, a rule and one line per row; `"(no data)"` when there are no rows.
    ///
    /// - Parameter titles: header text to show instead of a column's name.
    public func render(_ table: ResultTable, titles: [String: String] = [:]) -> String {
        guard !table.rows.isEmpty else { return "(no data)\n" }
        var full = table.rows.map { row in table.columns.indices.map { cell(row[$0], column: table.columns[$0]) } }
        let numeric = table.columns.indices.map { i in
            table.rows.allSatisfy { row in
                switch row[i] {
                case .integer, .real, .null: return true
                // A percentage already formatted (the per-MTA grid formats each row by its own key).
                case .text(let t): return t.hasSuffix("%") && Double(t.dropLast()) != nil
                }
            }
        }
        let headers = table.columns.map { name -> (String, String) in
            let title = titles[name] ?? name
            guard let u = title.firstIndex(of: "_") else { return ("", title) }
            return (String(title[..<u]), title[title.index(after: u)...].replacingOccurrences(of: "_", with: " "))
        }
        var widths = Self.widths(full, headers)
        var gap = "  "
        if let width, Self.lineWidth(widths, gap: 2) > width {
            // Timestamps lose their seconds first (2026-11-29 10:22).
            let stamps = table.columns.indices.filter { i in full.allSatisfy { Self.isTimestamp($0[i]) } }
            for i in stamps {
                for r in full.indices { full[r][i] = Self.minutes(full[r][i]) }
            }
            widths = Self.widths(full, headers)
            // Then long text is cut, down to 12 columns (numbers, headers and dates never); then one
            // space between columns; then, when even that is too wide, one block of lines per row.
            let floors = table.columns.indices.map { i in
                numeric[i] || stamps.contains(i) || Set(full.map { $0[i].count }).count == 1
                    ? widths[i] : min(widths[i], max(headers[i].0.count, headers[i].1.count, Self.minimumColumn))
            }
            widths = Self.fit(widths, floors: floors, into: width, gap: 2)
            if Self.lineWidth(widths, gap: 2) > width {
                gap = " "
                widths = Self.fit(widths, floors: floors, into: width, gap: 1)
                // Too many columns for this width: one block of `column  value` lines per row.
                if Self.lineWidth(widths, gap: 1) > width { return records(table, titles: titles, width: width) }
            }
        }
        let cells = full.map { row in row.indices.map { i in Self.shorten(row[i], to: widths[i]) } }
        func line(_ values: [String]) -> String {
            var parts: [String] = []
            for (i, v) in values.enumerated() {
                let v = Self.shorten(v, to: widths[i])
                let pad = String(repeating: " ", count: widths[i] - v.count)
                parts.append(numeric[i] ? pad + v : (i == values.count - 1 ? v : v + pad))
            }
            var s = parts.joined(separator: gap)
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

    /// The rows as blocks of `column  value` lines, a blank line between rows, values cut in the
    /// middle to fit `width`: for tables with more columns than fit side by side.
    func records(_ table: ResultTable, titles: [String: String], width: Int) -> String {
        let labels = table.columns.map { (titles[$0] ?? $0).replacingOccurrences(of: "_", with: " ") }
        let labelWidth = labels.map(\.count).max() ?? 0
        let valueWidth = max(width - labelWidth - 2, Self.minimumColumn)
        var blocks: [String] = []
        for row in table.rows {
            var block = ""
            for (i, label) in labels.enumerated() {
                let value = Self.shorten(TableRenderer().cell(row[i], column: table.columns[i]), to: valueWidth)
                block += label + String(repeating: " ", count: labelWidth - label.count + 2) + value + "\n"
            }
            blocks.append(block)
        }
        return blocks.joined(separator: "\n")
    }

    /// Column widths narrowed, widest first, until the columns and the `gap` spaces between them fit
    /// `width`; no column goes below its floor.
    static func fit(_ widths: [Int], floors: [Int], into width: Int, gap: Int) -> [Int] {
        var w = widths
        var total = w.reduce(0, +) + gap * max(w.count - 1, 0)
        while total > width {
            guard let i = w.indices.filter({ w[$0] > floors[$0] }).max(by: { w[$0] < w[$1] }) else { break }
            // Down to the next widest column at once, or as far as the line needs.
            let next = w.indices.filter { $0 != i && w[$0] > floors[$0] }.map { w[$0] }.max() ?? floors[i]
            let cut = max(1, min(w[i] - max(next, floors[i]), total - width))
            w[i] -= cut
            total -= cut
        }
        return w
    }

    private static func widths(_ cells: [[String]], _ headers: [(String, String)]) -> [Int] {
        headers.indices.map { i in max(headers[i].0.count, headers[i].1.count, cells.map { $0[i].count }.max() ?? 0) }
    }

    private static func lineWidth(_ widths: [Int], gap: Int) -> Int {
        widths.reduce(0, +) + gap * max(widths.count - 1, 0)
    }

    /// A table's note line under its heading, `(since …, until …, loopback peers excluded)`, wrapped
    /// to `width` (whole without one): a long list of filters must not be the one line that overflows.
    public static func noteLines(_ note: String, width: Int?) -> String {
        lines("(" + note + ")", width: width)
    }

    /// `text` as lines ending in a newline: wrapped to `width` (`wrap`), or one line without a width.
    public static func lines(_ text: String, width: Int?) -> String {
        (width.map { wrap(text, width: $0) } ?? [text]).map { $0 + "\n" }.joined()
    }

    /// `text` in lines of at most `width` columns, broken at spaces; lines after the first indented.
    public static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = "  "
            }
            line += (line.isEmpty || line == "  " ? "" : " ") + word
        }
        if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(line) }
        return lines
    }

    /// `2026-11-29T10:22:49Z` (the form every report timestamp takes), or `-`.
    private static func isTimestamp(_ text: String) -> Bool {
        text == "-" || (text.utf8.count == 20 && isDate(text))
    }

    /// A date or a time as the reports write them: `2026-11-29` or `2026-11-29T10:22:49Z`.
    static func isDate(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 10 || u.count == 20, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return false }
        return u.count == 10 || (u[10] == UInt8(ascii: "T") && u[19] == UInt8(ascii: "Z"))
    }

    /// `2026-11-29T10:22:49Z` as `2026-11-29 10:22`.
    private static func minutes(_ text: String) -> String {
        guard text.count == 20 else { return text }
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
    }
}
