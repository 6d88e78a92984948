import Foundation
import MailTLSStore

/// One judged figure of `mailtls check`.
public struct CheckMeasure: Sendable, Equatable {
    public var metric: CheckMetric
    /// The rate or the count; nil for a rate with nothing to count.
    public var value: Double?
    /// Rates: encrypted messages or deliveries. Counts: the count.
    public var count: Int64
    /// Rates: all messages or deliveries. Counts: what they are out of (TLS sessions, AUTH logins, …).
    public var total: Int64?
    public var limits: CheckLimits
    public var status: CheckStatus
}

/// The outcome of `mailtls check`: a Nagios plugin status line with performance data, detail lines
/// and the exit code.
public struct CheckResult: Sendable {
    /// How far back `report downgrades` looks before the period when `check` counts downgrades.
    public static let defaultHistory: TimeInterval = 30 * 86400
    /// How many downgrade rows the details list.
    public static let downgradeLines = 10

    /// The worst status of the measures.
    public var status: CheckStatus
    /// One per metric, in `CheckMetric.allCases` order.
    public var measures: [CheckMeasure]
    /// The rows of `downgrades.sql` for the period (the `downgrades` count).
    public var downgrades: ResultTable
    /// The period judged: since <= ts < until.
    public var since: Date
    public var until: Date
    /// The history before `since` that downgrades compare against.
    public var history: TimeInterval
    /// The common filters, for the detail lines.
    public var filterSummary: String
    /// The `report downgrades` command that lists the downgrades counted (same store, period,
    /// history and filters), for the detail line after the first `downgradeLines`.
    public var downgradesCommand: String

    /// The process exit code: 0 OK, 1 WARNING, 2 CRITICAL (3 UNKNOWN is `CheckResult.unknown`).
    public var exitCode: Int32 { status.rawValue }

    /// The measure of `metric`.
    public subscript(metric: CheckMetric) -> CheckMeasure? { measures.first { $0.metric == metric } }

    /// The first output line: `MAILTLS OK - … | perfdata`. When not OK, only the figures beyond a
    /// limit are named (critical first).
    public var statusLine: String {
        let shown: [CheckMeasure]
        if status == .ok {
            shown = measures
        } else {
            shown = measures.filter { $0.status != .ok }.sorted { $0.status > $1.status }
        }
        let text = shown.map { m -> String in
            var s = Self.phrase(m)
            if m.status != .ok {
                let limit = m.status == .critical ? m.limits.critical : m.limits.warning
                s += (m.metric.isMinimum ? " < " : " > ") + Self.limitText(limit!, m.metric)
                if status == .critical && m.status == .warning { s += " (warning)" }
            }
            return s
        }.joined(separator: ", ")
        return "MAILTLS \(status.label) - \(text) | \(perfdata)"
    }

    /// Nagios performance data: `'label'=value;warn;crit;min;max` per metric, plus the message and
    /// delivery counts. Rates are fractions; a rate with nothing to count is `U`; rate limits are
    /// ranges `0.9:` (alert below 0.9).
    public var perfdata: String {
        var parts: [String] = []
        for m in measures {
            func range(_ limit: Double?) -> String {
                guard let limit else { return "" }
                return m.metric.isMinimum ? Self.plain(limit) + ":" : Self.plain(limit)
            }
            let value = m.metric.isRate ? (m.value.map { String(format: "%.4f", $0) } ?? "U") : String(m.count)
            let bounds = m.metric.isRate ? "0;1" : "0;"
            parts.append("\(m.metric.perfLabel)=\(value);\(range(m.limits.warning));\(range(m.limits.critical));\(bounds)")
            if m.metric == .inboundRate { parts.append("inbound_messages=\(m.total ?? 0);;;0;") }
            if m.metric == .outboundRate { parts.append("outbound_deliveries=\(m.total ?? 0);;;0;") }
        }
        return parts.joined(separator: " ")
    }

    /// The lines after the status line: each figure with its limits and status, the downgrades found,
    /// the period.
    public var details: [String] {
        var lines: [String] = []
        for m in measures {
            var limits: [String] = []
            let word = m.metric.isMinimum ? "below" : "above"
            if let w = m.limits.warning { limits.append("warning \(word) \(Self.limitText(w, m.metric))") }
            if let c = m.limits.critical { limits.append("critical \(word) \(Self.limitText(c, m.metric))") }
            lines.append("\(m.metric.label): \(Self.figure(m)); "
                         + (limits.isEmpty ? "no limit" : limits.joined(separator: ", ")) + ": \(m.status.label)")
        }
        let records = downgrades.records
        for r in records.prefix(Self.downgradeLines) {
            func t(_ k: String) -> String { r[k]?.text ?? "-" }
            lines.append("  downgrade: \(t("peer")) (\(t("role") == "server" ? "inbound" : "outbound")) \(t("kind")) "
                         + "\(t("was")) -> \(t("now")): \(t("recent_good")) of \(t("recent")) recent good, "
                         + "first bad \(t("first_bad")), last good \(t("last_good"))")
        }
        if records.count > Self.downgradeLines {
            lines.append("  … and \(records.count - Self.downgradeLines) more: \(downgradesCommand)")
        }
        lines.append("period: \(TimeBound.iso(since)) to \(TimeBound.iso(until)); downgrades against the "
                     + "\(Age.text(history)) before; \(filterSummary)")
        return lines
    }

    /// The status line and the details, each ending with a newline.
    public var text: String { ([statusLine] + details).map { $0 + "\n" }.joined() }

    /// The output when the store cannot be read (exit 3).
    public static func unknown(_ message: String) -> String {
        "MAILTLS UNKNOWN - " + message.replacingOccurrences(of: "|", with: "/") + "\n"
    }

    // MARK: - Text

    /// `inbound 85.0% encrypted`, `3 weak sessions`.
    static func phrase(_ m: CheckMeasure) -> String {
        switch m.metric {
        case .inboundRate: return "inbound " + (m.value.map { TableRenderer.percent($0) + " encrypted" } ?? "n/a (no messages)")
        case .outboundRate: return "outbound " + (m.value.map { TableRenderer.percent($0) + " encrypted" } ?? "n/a (no deliveries)")
        case .weak: return "\(m.count) weak session" + (m.count == 1 ? "" : "s")
        case .plaintextAuth: return "\(m.count) plaintext password" + (m.count == 1 ? "" : "s")
        case .downgrades: return "\(m.count) downgrade" + (m.count == 1 ? "" : "s")
        case .traffic: return m.count == 0 ? "no traffic" : "traffic \(m.count)"
        }
    }

    /// The figure with what it is out of: `85.0% (170 of 200 messages encrypted)`.
    static func figure(_ m: CheckMeasure) -> String {
        let total = m.total ?? 0
        switch m.metric {
        case .inboundRate, .outboundRate:
            let what = m.metric == .inboundRate ? "messages" : "deliveries"
            guard let v = m.value else { return "n/a (no \(what))" }
            return "\(TableRenderer.percent(v)) (\(m.count) of \(total) \(what) encrypted)"
        case .weak: return "\(m.count) (of \(total) TLS sessions)"
        case .plaintextAuth: return "\(m.count) (of \(total) AUTH logins)"
        case .downgrades: return "\(m.count)"
        case .traffic: return "\(m.count) (TLS sessions, inbound messages and outbound deliveries)"
        }
    }

    /// A limit as the user reads it: `90%`, `95.5%`, `0`.
    static func limitText(_ limit: Double, _ metric: CheckMetric) -> String {
        guard metric.isRate else { return CheckThresholds.number(limit) }
        var s = String(format: "%.2f", limit * 100)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s + "%"
    }

    /// A limit in performance data: `0.9`, `0`.
    static func plain(_ v: Double) -> String { CheckThresholds.number(v) }
}

extension Reporter {
    /// Judges the period `since <= ts < until` against `thresholds`: inbound and outbound rates,
    /// weak sessions and plaintext passwords (`Queries/check.sql`), and downgrades (the rows of
    /// `Queries/downgrades.sql` with the period as its recent window and the `history` before it).
    ///
    /// `filter`'s host, role, MTA, peer, loopback and `minHistory` settings apply; its other settings are ignored.
    public func check(since: Date, until: Date, filter: ReportFilter = ReportFilter(), thresholds: CheckThresholds,
                      history: TimeInterval = CheckResult.defaultHistory) throws -> CheckResult {
        var base = ReportFilter(host: filter.host, role: filter.role, peer: filter.peer, includeLocal: filter.includeLocal)
        base.mta = filter.mta
        base.until = until
        base.minHistory = filter.minHistory
        let runner = runner

        var period = base
        period.since = since
        let figures = try runner.table("check", filter: period).records.first ?? [:]
        func int(_ k: String) -> Int64 { figures[k]?.int ?? 0 }

        // The stored times are whole seconds: the recent window starts exactly at `since`.
        let start = since.timeIntervalSince1970.rounded(.down), end = until.timeIntervalSince1970.rounded(.down)
        var past = base
        past.since = Date(timeIntervalSince1970: start - history)
        past.recent = max(end - start, 0)
        let downgrades = past.keepingHistory(try runner.table("downgrades", filter: past))

        func rate(_ encrypted: Int64, _ total: Int64) -> Double? { total > 0 ? Double(encrypted) / Double(total) : nil }
        var measures: [CheckMeasure] = []
        for metric in CheckMetric.allCases {
            let count: Int64, total: Int64?, value: Double?
            switch metric {
            case .inboundRate:
                (count, total) = (int("inbound_encrypted"), int("inbound_messages"))
                value = rate(count, total!)
            case .outboundRate:
                (count, total) = (int("outbound_encrypted"), int("outbound_deliveries"))
                value = rate(count, total!)
            case .weak:
                (count, total) = (int("weak_sessions"), int("sessions"))
                value = Double(count)
            case .plaintextAuth:
                (count, total) = (int("plaintext_auth"), int("auth"))
                value = Double(count)
            case .downgrades:
                (count, total) = (Int64(downgrades.rows.count), nil)
                value = Double(count)
            case .traffic:
                (count, total) = (int("sessions") + int("inbound_messages") + int("outbound_deliveries"), nil)
                value = Double(count)
            }
            measures.append(CheckMeasure(metric: metric, value: value, count: count, total: total,
                                         limits: thresholds[metric], status: thresholds.status(of: value, for: metric)))
        }
        // The command that lists the same rows: the same store, history, recent window and filters.
        let command = ReportSection.downgradesCommand(since: past.since!, until: Date(timeIntervalSince1970: end),
                                                      recent: past.recent!, filter: base, db: location).joined(separator: " ")
        return CheckResult(status: measures.map(\.status).max() ?? .ok, measures: measures, downgrades: downgrades,
                           since: since, until: until, history: history, filterSummary: base.summaryWithoutPeriod,
                           downgradesCommand: command)
    }
}

extension ReportFilter {
    /// `summary` without the since/until part.
    var summaryWithoutPeriod: String {
        var f = self
        f.since = nil
        f.until = nil
        return f.summary
    }
}
