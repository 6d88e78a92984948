import Foundation
import MailTLSStore

/// `mailtls report digest`: the text for a daily cron mail, at most `maxLines` lines of at most
/// `width` columns.
///
/// The period (`since ..< until`) is set against the 7 periods of the same length before it: the
/// encryption rates in and out, outbound verify OK, handshake failures, passwords sent in clear and
/// weak sessions, each with the mean of the periods before; then what is new or worse: weak peers
/// not weak before, peers newly failing verification, downgrades (the period as the recent window),
/// a spike of handshake failures (at least 3 and more than twice the most of any period before),
/// passwords in clear. Every figure comes from the report sections' queries (`summary`, `weak`,
/// `verify-failures`, `downgrades`, `failures`, `auth`), so it equals what they print for the same
/// times.
public struct Digest {
    /// The reporter whose store is read.
    public let reporter: Reporter
    /// How many earlier periods the period is compared with.
    public static let periodsBefore = 7
    /// The most lines the digest prints.
    public static let maxLines = 40
    /// How many names a list shows before "N more".
    static let listed = 4

    /// A digest over `reporter`'s store.
    public init(reporter: Reporter) { self.reporter = reporter }

    /// The digest of `filter.since ..< filter.until` (both must be set), every line cut to `width`.
    public func render(filter: ReportFilter, width: Int = 100) throws -> String {
        guard let since = filter.since, let until = filter.until, since < until else {
            preconditionFailure("Digest.render needs --since before --until")
        }
        let length = until.timeIntervalSince(since)
        var now = filter
        now.limit = nil
        let current = try reporter.summary(filter: now)
        var earlier: [JSONValue] = []
        for k in 1...Self.periodsBefore {
            var f = now
            f.since = since.addingTimeInterval(-Double(k) * length)
            f.until = since.addingTimeInterval(-Double(k - 1) * length)
            earlier.append(try reporter.summary(filter: f))
        }
        var before = now
        before.since = since.addingTimeInterval(-Double(Self.periodsBefore) * length)
        before.until = since

        var lines: [String] = []
        lines.append("mailtls digest: \(TimeBound.iso(since)) to \(TimeBound.iso(until)) (\(Age.text(length)))")
        var rest = filter
        rest.since = nil
        rest.until = nil
        let active = earlier.filter(Self.hasData).count
        let some = active < Self.periodsBefore ? " (\(active) with data)" : ""
        // Wrapped, not cut: a long list of filters would cut the date in the middle.
        lines += TableRenderer.wrap("against the \(Self.periodsBefore) periods before\(some), from \(TimeBound.iso(before.since!)); \(rest.summary)",
                           width: width)
        lines.append("")
        lines += figures(current, earlier)
        lines.append("")
        // An empty period reads like a quiet one; when no row came after it either, a stopped ingest
        // is the likelier cause: say which it is.
        if !Self.hasData(current) {
            lines += TableRenderer.wrap(try emptyPeriod(filter: rest, until: until), width: width)
            lines.append("")
        }
        // What the figures cannot say (Postfix mail encrypted without a TLS line), wrapped, not cut.
        if case .array(let notes)? = current["notes"] {
            for note in notes.compactMap(\.string) { lines += TableRenderer.wrap("Note: " + note, width: width) }
            lines.append("")
        }
        let findings = try newOrWorse(now: now, before: before, length: length, current: current, earlier: earlier,
                                      width: width)
        if findings.isEmpty {
            lines.append("Nothing new or worse.")
        } else {
            lines.append("New or worse:")
            lines += Self.fit(findings, into: Self.maxLines - lines.count)
        }
        return lines.map { TableRenderer.shorten(TableRenderer.printable($0), to: width) + "\n" }.joined()
    }

    /// Shell words as lines of at most `width` columns, indented, each but the last ending in ` \`.
    static func commandLines(_ words: [String], width: Int) -> [String] {
        var lines: [String] = [], line = "   "
        for (i, word) in words.enumerated() {
            // Room for the ` \` of a line that goes on, unless this word ends the command.
            let room = i == words.count - 1 ? width : width - 2
            if line.count > 3 && line.count + 1 + word.count > room {
                lines.append(line + " \\")
                line = "      "
            }
            line += " " + word
        }
        return lines + [line]
    }

    /// Why the period holds nothing, as far as the store can tell: no row at all, none that the
    /// filters keep, rows after the period (a gap: the ingest runs), or none since (is it running?).
    private func emptyPeriod(filter: ReportFilter, until: Date) throws -> String {
        func newest(_ f: ReportFilter) throws -> String? { try reporter.summary(filter: f)["period"]?["to"]?.string }
        guard let last = try newest(filter) else {
            return try newest(ReportFilter(includeLocal: true)) == nil
                ? "The store holds no rows: run mailtls ingest."
                : "No row of the store matches these filters."
        }
        if let t = try? TimeBound.parse(last), t >= until { return "Nothing in this period; the store has rows after it." }
        return "Nothing in this period; the newest row is from \(last): is the ingest running?"
    }

    // MARK: Figures

    /// One line per figure: this period, the mean of the periods before, the change.
    private func figures(_ current: JSONValue, _ earlier: [JSONValue]) -> [String] {
        func sum(_ path: [String]) -> Int64 { earlier.reduce(0) { $0 + (Self.value($1, path)?.int ?? 0) } }
        // Means are over the earlier periods with data, so a young store's empty weeks do not dilute them.
        let active = Swift.max(1, earlier.filter(Self.hasData).count)
        func now(_ path: [String]) -> Int64 { Self.value(current, path)?.int ?? 0 }
        var rows: [[String]] = [["", "this period", "\(Self.periodsBefore) before", "change"]]
        func share(_ label: String, _ part: [String], _ whole: [String]) {
            let n = now(whole), b = sum(whole)
            let r = n > 0 ? Double(now(part)) / Double(n) : nil
            let rb = b > 0 ? Double(sum(part)) / Double(b) : nil
            let change = r.flatMap { r in rb.map { Self.points(r - $0) } } ?? "-"
            rows.append([label, r.map { "\(TableRenderer.percent($0)) of \(n)" } ?? "- (none)",
                         rb.map { "\(TableRenderer.percent($0)) of \(b)" } ?? "- (none)", change])
        }
        func count(_ label: String, _ path: [String]) {
            let n = now(path), mean = Double(sum(path)) / Double(active)
            let total = sum(path)
            rows.append([label, String(n), total == 0 ? "0" : "\(total), \(Self.mean(total, over: active))/period",
                         Self.change(Double(n), mean)])
        }
        share("inbound encrypted", ["inbound", "encrypted"], ["inbound", "messages"])
        share("outbound encrypted", ["outbound", "encrypted"], ["outbound", "deliveries"])
        // Outbound verify OK: OK or TRUSTED (DANE) among outbound TLS sessions.
        let verifyNow = Self.verify(current), verifyBefore = earlier.map(Self.verify)
        let okB = verifyBefore.reduce(0) { $0 + $1.ok }, allB = verifyBefore.reduce(0) { $0 + $1.all }
        let r = verifyNow.all > 0 ? Double(verifyNow.ok) / Double(verifyNow.all) : nil
        let rb = allB > 0 ? Double(okB) / Double(allB) : nil
        rows.append(["outbound verify OK", r.map { "\(TableRenderer.percent($0)) of \(verifyNow.all)" } ?? "- (none)",
                     rb.map { "\(TableRenderer.percent($0)) of \(allB)" } ?? "- (none)",
                     r.flatMap { r in rb.map { Self.points(r - $0) } } ?? "-"])
        count("handshake failures", ["handshake_failures"])
        count("passwords in clear", ["auth", "plaintext_password"])
        count("weak sessions", ["weak_sessions"])
        count("TLS sessions", ["sessions", "total"])
        let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            var line = row[0] + String(repeating: " ", count: widths[0] - row[0].count)
            for c in 1..<4 { line += "  " + String(repeating: " ", count: widths[c] - row[c].count) + row[c] }
            return line
        }
    }

    /// Outbound TLS sessions that verified (OK, TRUSTED) and all of them.
    static func verify(_ summary: JSONValue) -> (ok: Int64, all: Int64) {
        guard case .object(let results)? = summary["sessions"]?["by_verify"]?["client"] else { return (0, 0) }
        let ok = results.filter { $0.key == "OK" || $0.key == "TRUSTED" }.reduce(0) { $0 + ($1.value.int ?? 0) }
        return (ok, results.reduce(0) { $0 + ($1.value.int ?? 0) })
    }

    static func value(_ doc: JSONValue, _ path: [String]) -> JSONValue? {
        path.reduce(Optional(doc)) { $0?[$1] }
    }

    /// True when a period's summary counts any session, message or delivery.
    static func hasData(_ summary: JSONValue) -> Bool {
        (summary["sessions"]?["total"]?.int ?? 0) + (summary["inbound"]?["messages"]?.int ?? 0)
            + (summary["outbound"]?["deliveries"]?.int ?? 0) > 0
    }

    /// The mean of a total over `periods` periods, one decimal when below 10.
    static func mean(_ total: Int64, over periods: Int) -> String {
        let m = Double(total) / Double(periods)
        return m >= 10 || m == m.rounded() ? String(Int64(m.rounded())) : String(format: "%.1f", m)
    }

    /// A change of a share in percentage points (`+2.5 pts`).
    static func points(_ d: Double) -> String {
        let p = (d * 1000).rounded() / 10
        return p == 0 ? "same" : (p > 0 ? "+" : "") + String(format: "%.1f pts", p)
    }

    /// A count against the earlier mean: `new`, `same`, `x2.5`, `-40%`.
    static func change(_ n: Double, _ mean: Double) -> String {
        if n == 0 && mean == 0 { return "same" }
        if mean == 0 { return "new" }
        let ratio = n / mean
        if ratio >= 1.5 { return String(format: "x%.1f", ratio) }
        let pct = ((ratio - 1) * 100).rounded()
        return pct == 0 ? "same" : (pct > 0 ? "+" : "") + String(Int(pct)) + "%"
    }

    // MARK: New or worse

    /// One finding of "New or worse": its heading, its list, and the section that shows it whole.
    struct Finding {
        var lines: [String]
        var section: String
    }

    /// The findings in at most `room` lines: whole findings while they fit; then, when some do not,
    /// what fits of the next one and a last line naming the sections of the findings cut.
    static func fit(_ findings: [Finding], into room: Int) -> [String] {
        let all = findings.flatMap(\.lines)
        guard all.count > room else { return all }
        var out: [String] = []
        var cutSections: [String] = []
        var cutLines = 0
        for f in findings {
            let left = room - 1 - out.count   // one line stays for the pointer
            if cutSections.isEmpty && f.lines.count <= left {
                out += f.lines
            } else {
                // A heading shown with at least one of its items, else not at all.
                let shown = cutSections.isEmpty && left >= 2 ? left : 0
                out += f.lines.prefix(shown)
                cutLines += f.lines.count - min(shown, f.lines.count)
                cutSections.append(f.section)
            }
        }
        out.append("(\(cutLines) more line\(cutLines == 1 ? "" : "s"): see "
                   + cutSections.map { "mailtls report \($0)" }.joined(separator: ", ") + ")")
        return out
    }

    private func newOrWorse(now: ReportFilter, before: ReportFilter, length: TimeInterval, current: JSONValue,
                            earlier: [JSONValue], width: Int) throws -> [Finding] {
        var out: [Finding] = []
        // Weak peers that were not weak in the periods before.
        let weakNow = try reporter.table(.weak, filter: now).records
        let weakBefore = Set(try reporter.table(.weak, filter: before).records.compactMap { $0["peer"]?.text })
        var seen = Set<String>()
        let newWeak = weakNow.filter { r in
            guard let p = r["peer"]?.text, !weakBefore.contains(p) else { return false }
            return seen.insert(p).inserted
        }
        if !newWeak.isEmpty {
            out.append(Finding(lines: ["  \(newWeak.count) new weak peer\(newWeak.count == 1 ? "" : "s") (mailtls report weak):"]
                + Self.list(newWeak.map { r in
                    "\(r["peer"]?.text ?? "-") (\(r["role"]?.text ?? "-")): \(r["reasons"]?.text ?? r["kind"]?.text ?? "")"
                }), section: "weak"))
        }
        // Peers failing certificate verification that did not fail before.
        func failing(_ f: ReportFilter) throws -> [String: String] {
            var peers: [String: String] = [:]
            for r in try reporter.table(.verifyFailures, filter: f).records {
                let reason = r["reason"]?.text ?? r["verify"]?.text ?? "-"
                for p in (r["peer_list"]?.text ?? "").components(separatedBy: ", ") where !p.isEmpty && peers[p] == nil {
                    peers[p] = reason
                }
            }
            return peers
        }
        let failBefore = try failing(before)
        let newFail = try failing(now).filter { failBefore[$0.key] == nil }.sorted { $0.key < $1.key }
        if !newFail.isEmpty {
            out.append(Finding(lines: ["  \(newFail.count) peer\(newFail.count == 1 ? "" : "s") newly failing verify (mailtls report verify-failures):"]
                + Self.list(newFail.map { "\($0.key): \($0.value)" }), section: "verify-failures"))
        }
        // Downgrades: this period as the recent window, the 7 before as the history.
        var d = now
        d.since = before.since
        d.recent = length
        let downs = try reporter.table(.downgrades, filter: d).records
        if !downs.isEmpty {
            let command = ReportSection.downgradesCommand(since: d.since!, until: d.until!, recent: length, filter: d,
                                                               db: reporter.location)
            // The command on lines of its own (a shell's `\` continues it): with its period, store and
            // filters it is too long for the heading, and a line cut in the middle could not be pasted.
            out.append(Finding(lines: ["  \(downs.count) downgrade\(downs.count == 1 ? "" : "s"), all listed by"]
                + Self.commandLines(command, width: width)
                + Self.list(downs.map { r in
                    "\(r["peer"]?.text ?? "-") (\(r["role"]?.text ?? "-")): \(r["kind"]?.text ?? "") \(r["was"]?.text ?? "-") -> \(r["now"]?.text ?? "-")"
                }), section: "downgrades"))
        }
        // A spike of handshake failures: at least 3, more than twice the most of any period before.
        let failures = current["handshake_failures"]?.int ?? 0
        let most = earlier.map { $0["handshake_failures"]?.int ?? 0 }.max() ?? 0
        if failures >= 3 && failures > 2 * most {
            let rows = try reporter.table(.failures, filter: now).records.filter { $0["kind"]?.text?.hasSuffix("_failed") == true }
            out.append(Finding(lines: ["  handshake failures: \(failures), at most \(most) in a period before (mailtls report failures):"]
                + Self.list(rows.map { r in
                    "\(r["failures"]?.int ?? 0) \(r["kind"]?.text ?? "") \(r["peer"]?.text ?? "-"): \(r["reason"]?.text ?? "-")"
                }), section: "failures"))
        }
        // Passwords sent in clear this period, new accounts marked.
        let clear = try reporter.table(.auth, filter: now).records.filter { $0["kind"]?.text == "password_in_clear" }
        if !clear.isEmpty {
            let known = Set(try reporter.table(.auth, filter: before).records.filter { $0["kind"]?.text == "password_in_clear" }
                .compactMap { $0["account"]?.text })
            let events = clear.reduce(0) { $0 + ($1["events"]?.int ?? 0) }
            // The list is per account, mechanism and peer: say so, or its "N more" reads as passwords.
            let pairs = clear.count == 1 ? "1 account and peer" : "\(clear.count) accounts and peers"
            out.append(Finding(lines: ["  \(events) password\(events == 1 ? "" : "s") sent in clear, \(pairs) (mailtls report auth):"]
                + Self.list(clear.map { r in
                    let account = r["account"]?.text ?? "-"
                    return "\(account) from \(r["peer"]?.text ?? "-") (\(r["mech"]?.text ?? "-"))\(known.contains(account) ? "" : ", new")"
                }), section: "auth"))
        }
        return out
    }

    /// The first `listed` items indented, then `… and N more`.
    static func list(_ items: [String]) -> [String] {
        var out = items.prefix(listed).map { "    " + $0 }
        if items.count > listed { out.append("    … and \(items.count - listed) more") }
        return out
    }
}
