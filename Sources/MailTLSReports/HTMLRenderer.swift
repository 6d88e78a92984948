import Foundation
import MailTLSStore

/// `--format html`: one self-contained page per section.
///
/// The page makes no request of any kind (no scripts, fonts, images or style sheets from elsewhere):
/// style is inline CSS that follows the reader's light or dark setting and prints on white, and the
/// charts are inline SVG drawn here. Every value is escaped with `HTMLRenderer.escape`, so text from a
/// log (a peer named `<script>…`) shows as text. Long tables show their first `maxRows` rows and
/// "N more". The figures are those of the JSON report for the same filter (the same queries).
public struct HTMLRenderer {
    /// The reporter whose store is read.
    public let reporter: Reporter
    /// The most rows a table shows.
    public static let maxRows = 200

    /// A renderer over `reporter`'s store.
    public init(reporter: Reporter) { self.reporter = reporter }

    /// `text` safe inside HTML text and quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" || (0x7F...0x9F).contains(c.value) {
                    out += "&#\(c.value);"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// The page of `section` for `filter`.
    public func render(_ section: ReportSection, filter: ReportFilter) throws -> String {
        let title = section.heading(for: filter)
        var body = "<h1>\(Self.escape(title))</h1>\n<p class=\"note\">\(Self.escape(filter.summary))</p>\n"
        switch section.shape {
        case .document: body += try summaryBody(filter: filter)
        case .table:
            body += Self.table(try reporter.table(section, filter: filter))
            for note in try reporter.notes(section, filter: filter) { body += "<p class=\"note\">Note: \(Self.escape(note))</p>\n" }
        }
        return Self.page(title: "mailtls: " + title, body: body)
    }

    // MARK: The summary page

    private func summaryBody(filter: ReportFilter) throws -> String {
        let doc = try reporter.summary(filter: filter)
        // The previous period of the same length, when the period is known.
        let from = filter.since ?? doc["period"]?["from"]?.string.flatMap { try? TimeBound.parse($0) }
        let to = filter.until ?? doc["period"]?["to"]?.string.flatMap { try? TimeBound.parse($0) }.map { $0.addingTimeInterval(1) }
        var previous: JSONValue?
        var previousLabel = ""
        if let from, let to, from < to {
            var p = filter
            p.since = from.addingTimeInterval(-to.timeIntervalSince(from))
            p.until = from
            let before = try reporter.summary(filter: p)
            // A previous period without any data (a young store) compares with nothing, not with zeros.
            previous = Digest.hasData(before) ? before : nil
            previousLabel = "against \(TimeBound.iso(p.since!)) to \(TimeBound.iso(from))" + (previous == nil ? " (no data then)" : "")
        }
        var out = ""
        // Shown as the summary's own period says it (`--until` when given, else the last row's time);
        // `to` is one second past the last row, the exclusive end the previous period needs.
        let shownTo = filter.until.map { TimeBound.iso($0) } ?? doc["period"]?["to"]?.string
        if let from, to != nil, let shownTo {
            out += "<p>Period \(Self.escape(TimeBound.iso(from))) to \(Self.escape(shownTo)); change \(Self.escape(previousLabel)).</p>\n"
        }
        out += headlines(doc, previous)
        // What the figures cannot say (Postfix mail encrypted without a TLS line to give its version).
        if case .array(let notes)? = doc["notes"] {
            for note in notes.compactMap(\.string) { out += "<p class=\"note\">Note: \(Self.escape(note))</p>\n" }
        }
        // The headline figures per MTA, when the store holds the mail of more than one.
        if let byMTA = doc["by_mta"] {
            out += "<h2>Per MTA</h2>\n" + Self.table(DocumentRenderer().grid(byMTA))
        }
        let daily = doc["daily"].flatMap { DocumentRenderer.rows(of: $0, keyName: "daily") } ?? ResultTable(columns: [], rows: [])
        out += "<h2>Encrypted share per day</h2>\n" + Self.lineChart(daily)
        let versions = try reporter.query("html/versions-by-day", filter: filter)
        out += "<h2>TLS sessions by version per day</h2>\n" + Self.stackedBars(versions)
        if let verify = doc["sessions"]?["by_verify"] {
            let t = DocumentRenderer.block(parent: "sessions", key: "by_verify", value: verify).1
            out += "<h2>Certificate verification per role</h2>\n" + Self.table(t)
        }
        if let ciphers = doc["peers_per_cipher"] {
            out += "<h2>Peers per cipher</h2>\n" + Self.table(DocumentRenderer.rows(of: ciphers, keyName: "cipher"))
        }
        out += "<h2>Findings</h2>\n"
        for section in [ReportSection.weak, .auth, .verifyFailures, .downgrades, .policy] {
            var f = filter
            if section.options.contains(.recent) { f.recent = ReportFilter.defaultRecent }
            if section.options.contains(.min) { f.minSessions = ReportFilter.defaultMinSessions }
            out += "<h3>\(Self.escape(section.title))</h3>\n" + Self.table(try reporter.table(section, filter: f))
        }
        out += "<h2>TLS failures</h2>\n" + Self.table(try reporter.table(.failures, filter: filter))
        out += "<h2>Per day</h2>\n" + Self.table(daily)
        return out
    }

    /// The headline figures, each with its change against `previous`.
    private func headlines(_ doc: JSONValue, _ previous: JSONValue?) -> String {
        func share(_ d: JSONValue?, _ role: String) -> Double? { d?[role]?["rate"]?.double }
        func verifyOK(_ d: JSONValue?, _ role: String) -> Double? {
            guard case .object(let r)? = d?["sessions"]?["by_verify"]?[role] else { return nil }
            let all = r.reduce(0) { $0 + ($1.value.int ?? 0) }
            let ok = r.filter { $0.key == "OK" || $0.key == "TRUSTED" }.reduce(0) { $0 + ($1.value.int ?? 0) }
            return all > 0 ? Double(ok) / Double(all) : nil
        }
        func count(_ d: JSONValue?, _ path: [String]) -> Int64? { Digest.value(d ?? .null, path)?.int }
        var cards: [(String, String, String)] = []
        func addShare(_ label: String, _ f: (JSONValue?) -> Double?) {
            let now = f(doc), before = previous.flatMap { f($0) }
            let change = now.flatMap { n in before.map { Digest.points(n - $0) } } ?? "-"
            cards.append((label, now.map(TableRenderer.percent) ?? "-", change))
        }
        func addCount(_ label: String, _ path: [String]) {
            let now = count(doc, path) ?? 0
            let change = previous.map { p -> String in
                let b = count(p, path) ?? 0
                return b == now ? "same" : (now > b ? "+" : "") + String(now - b)
            } ?? "-"
            cards.append((label, String(now), change))
        }
        addShare("inbound encrypted") { share($0, "inbound") }
        addShare("outbound encrypted") { share($0, "outbound") }
        addShare("inbound verify OK") { verifyOK($0, "server") }
        addShare("outbound verify OK") { verifyOK($0, "client") }
        addCount("weak sessions", ["weak_sessions"])
        addCount("passwords in clear", ["auth", "plaintext_password"])
        addCount("handshake failures", ["handshake_failures"])
        var out = "<div class=\"cards\">\n"
        for (label, value, change) in cards {
            out += "<div class=\"card\"><div class=\"label\">\(Self.escape(label))</div><div class=\"value\">\(Self.escape(value))</div>"
            let note = change == "-" ? (previous == nil ? "no data before" : "no figure to compare") : change + " vs previous period"
            out += "<div class=\"change\">\(Self.escape(note))</div></div>\n"
        }
        return out + "</div>\n"
    }

    // MARK: Tables

    /// An HTML table of `t`: the first `maxRows` rows, then "N more".
    static func table(_ t: ResultTable) -> String {
        guard !t.rows.isEmpty else { return "<p class=\"none\">(no data)</p>\n" }
        let cell = TableRenderer(width: nil)
        // In a box that scrolls sideways: a table of long names is wider than the page, and would
        // otherwise push its last columns off the screen.
        var out = "<div class=\"scroll\"><table>\n<thead><tr>"
        for c in t.columns { out += "<th>\(escape(c.replacingOccurrences(of: "_", with: " ")))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in t.rows.prefix(maxRows) {
            out += "<tr>"
            for (i, v) in row.enumerated() {
                let numeric: Bool
                switch v {
                case .integer, .real: numeric = true
                // A share already written as a percentage (the per-MTA grid) aligns like the numbers.
                case .text(let s): numeric = s.hasSuffix("%") && Double(s.dropLast()) != nil
                default: numeric = false
                }
                let text = cell.cell(v, column: t.columns[i])
                // Dates and times stay on one line (class `t`): the browser would break them at their dashes.
                out += numeric ? "<td class=\"n\">" : (TableRenderer.isDate(text) ? "<td class=\"t\">" : "<td>")
                out += escape(text) + "</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table></div>\n"
        if t.rows.count > maxRows { out += "<p class=\"more\">\(t.rows.count - maxRows) more rows (see --format csv)</p>\n" }
        return out
    }

    // MARK: Charts

    static let chartWidth = 720.0, chartHeight = 220.0, margin = 40.0
    static let palette = ["#2e7d32", "#1565c0", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a", "#00838f", "#757575"]

    /// Inbound and outbound encrypted share per day as two lines, 0-100 %.
    static func lineChart(_ daily: ResultTable) -> String {
        let dates = daily.column("date").compactMap(\.text)
        guard !dates.isEmpty else { return "<p class=\"none\">(no data)</p>\n" }
        let series: [(String, [Double?])] = [
            ("inbound", daily.column("inbound_rate").map(\.double)),
            ("outbound", daily.column("outbound_rate").map(\.double)),
        ]
        let w = chartWidth, h = chartHeight, m = margin
        // Days where they fall in the period: a day without mail is a gap, not a step.
        let days = Self.dayNumbers(dates)
        let first = days.min() ?? 0, span = Double((days.max() ?? 0) - first)
        func x(_ i: Int) -> Double { span > 0 ? m + Double(days[i] - first) / span * (w - 2 * m) : w / 2 }
        func y(_ v: Double) -> Double { h - m - v * (h - 2 * m) }
        var svg = svgStart(title: "Encrypted share per day, inbound and outbound")
        svg += axes(yLabels: [(0, "0%"), (0.5, "50%"), (1, "100%")].map { (y($0.0), $0.1) }, xLabels: xLabels(dates, x))
        for (k, (name, values)) in series.enumerated() {
            let color = palette[k + 0]
            // One line per run of days that follow each other with a rate.
            var runs: [[String]] = [[]]
            for (i, v) in values.enumerated() {
                guard let v else { runs.append([]); continue }
                if i > 0, abs(days[i] - days[i - 1]) > 1 { runs.append([]) }
                runs[runs.count - 1].append(String(format: "%.1f,%.1f", x(i), y(v)))
            }
            for points in runs where points.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
            }
            for (i, v) in values.enumerated() {
                guard let v else { continue }
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\">", x(i), y(v), color)
                svg += "<title>\(escape(dates[i])) \(name): \(TableRenderer.percent(v))</title></circle>"
            }
        }
        svg += legend(series.map(\.0))
        return svg + "</svg>\n"
    }

    /// Sessions per day as bars stacked by TLS version.
    static func stackedBars(_ rows: ResultTable) -> String {
        var dates: [String] = []
        var versions: [String] = []
        var n: [String: [String: Int64]] = [:]
        for r in rows.records {
            guard let d = r["date"]?.text, let v = r["version"]?.text, let s = r["sessions"]?.int else { continue }
            if !dates.contains(d) { dates.append(d) }
            if !versions.contains(v) { versions.append(v) }
            n[d, default: [:]][v] = s
        }
        guard !dates.isEmpty else { return "<p class=\"none\">(no data)</p>\n" }
        let order = ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "TLSv1.0", "TLSv1/SSLv3", "SSLv3", "SSLv2"]
        versions.sort { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
        let most = Double(dates.map { d in n[d]!.values.reduce(0, +) }.max() ?? 1)
        let w = chartWidth, h = chartHeight, m = margin
        // A slot per day of the period, days without sessions left empty.
        let days = Self.dayNumbers(dates)
        let first = days.min() ?? 0
        let slot = (w - 2 * m) / Double((days.max() ?? 0) - first + 1)
        func x(_ i: Int) -> Double { m + (Double(days[i] - first) + 0.5) * slot }
        func y(_ v: Double) -> Double { h - m - v / most * (h - 2 * m) }
        var svg = svgStart(title: "TLS sessions per day by version")
        svg += axes(yLabels: [(y(0), "0"), (y(most), String(Int64(most)))], xLabels: xLabels(dates, x))
        for (i, d) in dates.enumerated() {
            var base = 0.0
            for (k, v) in versions.enumerated() {
                guard let s = n[d]?[v], s > 0 else { continue }
                let top = base + Double(s)
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\">",
                              x(i) - slot * 0.4, y(top), slot * 0.8, y(base) - y(top), palette[k % palette.count])
                svg += "<title>\(escape(d)) \(escape(v)): \(s)</title></rect>"
                base = top
            }
        }
        svg += legend(versions)
        return svg + "</svg>\n"
    }

    /// Each `YYYY-MM-DD` as a count of days (so that their differences are days apart), in order;
    /// a text that is no date takes the day after the one before it.
    static func dayNumbers(_ dates: [String]) -> [Int] {
        var out: [Int] = []
        for d in dates {
            let p = d.split(separator: "-").compactMap { Int($0) }
            guard p.count == 3 else { out.append((out.last ?? 0) + 1); continue }
            // Days from civil (proleptic Gregorian), March-based years.
            let y = p[1] <= 2 ? p[0] - 1 : p[0]
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let doy = (153 * (p[1] + (p[1] > 2 ? -3 : 9)) + 2) / 5 + p[2] - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            out.append(era * 146_097 + doe)
        }
        return out
    }

    private static func svgStart(title: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(Int(chartWidth)) \(Int(chartHeight + 24))\" role=\"img\" aria-label=\"\(escape(title))\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(escape(title))</title>"
    }

    private static func axes(yLabels: [(Double, String)], xLabels: String) -> String {
        var s = ""
        for (y, label) in yLabels {
            s += String(format: "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", margin, y, chartWidth - margin, y)
            s += String(format: "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", margin - 4, y + 4) + escape(label) + "</text>"
        }
        return s + xLabels
    }

    /// Dates under the x axis, from the left, each at least a label's width from the one before (the
    /// days are placed by date, so two close days would print over each other).
    private static func xLabels(_ dates: [String], _ x: (Int) -> Double) -> String {
        var s = ""
        var last = -Double.infinity
        for i in dates.indices.sorted(by: { x($0) < x($1) }) where x(i) - last >= 76 {
            last = x(i)
            s += String(format: "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x(i), chartHeight - margin + 16)
                + escape(dates[i]) + "</text>"
        }
        return s
    }

    private static func legend(_ names: [String]) -> String {
        var s = ""
        var x = margin
        for (k, name) in names.enumerated() {
            s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%@\"/>", x, chartHeight + 6, palette[k % palette.count])
            s += String(format: "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\">", x + 14, chartHeight + 15) + escape(name) + "</text>"
            x += 24 + Double(name.count) * 7
        }
        return s
    }

    // MARK: The page

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <title>\(escape(title))</title>
        <style>
        :root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fff; --muted: #666; --line: #ddd; --card: #f5f5f5; }
        @media (prefers-color-scheme: dark) { :root { --fg: #e6e6e6; --bg: #161616; --muted: #9a9a9a; --line: #3a3a3a; --card: #222; } }
        body { font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 1.5em auto; max-width: 1100px; padding: 0 1em; }
        h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; } h3 { font-size: 1.05em; }
        .note, .more, .none, .change, .label { color: var(--muted); }
        table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
        /* break-word, not anywhere: a column is never narrower than its words (anywhere cut "server" into "serve/r"). */
        th, td { border-bottom: 1px solid var(--line); padding: 0.2em 0.6em; text-align: left; vertical-align: top; overflow-wrap: break-word; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; } td.t { white-space: nowrap; }
        .scroll { overflow-x: auto; max-width: 100%; }
        .cards { display: flex; flex-wrap: wrap; gap: 0.8em; }
        .card { background: var(--card); border-radius: 6px; padding: 0.6em 1em; min-width: 10em; }
        .card .value { font-size: 1.6em; font-weight: 600; }
        svg.chart { width: 100%; max-width: 760px; height: auto; }
        svg .grid { stroke: var(--line); } svg .axis { fill: var(--muted); font-size: 11px; }
        @media print { :root { --fg: #000; --bg: #fff; --muted: #444; --line: #bbb; --card: #eee; } body { margin: 0; max-width: none; }
          h2, h3 { break-after: avoid; } svg.chart, .card, tr { break-inside: avoid; } }
        </style>
        </head>
        <body>
        \(body)<p class="note">Made by mailtls.</p>
        </body>
        </html>

        """
    }
}
