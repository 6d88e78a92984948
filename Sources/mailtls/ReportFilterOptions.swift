import ArgumentParser
import Foundation
import MailTLSReports
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The filters shared by `mailtls report` and `mailtls export`.
struct ReportFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only rows at or after this time: a date (2026-03-01), a time (2026-03-01T08:00, …Z, …+01:00) or an age (90m, 24h, 7d, 2w) before --until, else before now.", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only rows before this time (same forms as --since; a date means its midnight).", valueName: "time"))
    var until: String?

    @OptionGroup var traffic: TrafficFilterOptions

    @OptionGroup var mtaFilter: MTAFilterOption

    // Unconditional: `--limit -1` is a bad value ("must be at least 1"), not a missing one.
    @Option(parsing: .unconditional, help: ArgumentHelp("At most this many rows (`report daily`: the last N days).", valueName: "n"))
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        let f: ReportFilter
        do { f = try filter(now: Date()) } catch { throw ValidationError("\(error)") }
        if let since = f.since, let until = f.until, since >= until {
            throw ValidationError("--since (\(TimeBound.iso(since))) must be before --until (\(TimeBound.iso(until)))")
        }
    }

    /// --timezone.
    var timezone: String? { traffic.timezone }

    /// The filter these options describe; dates without a zone are read in --timezone.
    func filter(now: Date) throws -> ReportFilter {
        var f = ReportFilter()
        // An age counts back from --until when there is one: `--since 7d --until 2026-12-02` is the
        // week before that day, not the last seven days (which would end after it).
        f.until = try until.map { try TimeBound.parse($0, now: now, timeZone: traffic.zone) }
        f.since = try since.map { try TimeBound.parse($0, now: f.until ?? now, timeZone: traffic.zone) }
        traffic.apply(to: &f)
        mtaFilter.apply(to: &f)
        f.limit = limit
        f.localTime = timezone != nil
        return f
    }

    /// Makes SQLite's `localtime` follow --timezone: it reads the process's `TZ`.
    func applyTimeZone() {
        guard let timezone else { return }
        setenv("TZ", timezone, 1)
        tzset()
    }
}
