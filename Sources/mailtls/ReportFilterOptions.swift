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
    @Option(help: ArgumentHelp("Only rows at or after this time: a date (2026-03-01), a time (2026-03-01T08:00, …Z, …+01:00) or an age (90m, 24h, 7d, 2w).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only rows before this time (same forms as --since; a date means its midnight).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Only this syslog host ('*' wildcard).", valueName: "host"))
    var host: String?

    @Option(help: ArgumentHelp("Only inbound (server) or outbound (client) traffic.", valueName: "server|client"))
    var role: String?

    @Option(help: ArgumentHelp("Only this peer name or IP ('*' wildcard: '*.example.org').", valueName: "peer"))
    var peer: String?

    @Flag(name: .customLong("include-local"), help: "Count loopback peers (127.0.0.0/8, ::1, localhost: MSP to MTA hops) too.")
    var includeLocal = false

    @Option(help: ArgumentHelp("At most this many rows (daily: the last N days).", valueName: "n"))
    var limit: Int?

    @Option(help: ArgumentHelp("Zone for days, weeks and months, and for dates in --since/--until (default: UTC).", valueName: "zone"))
    var timezone: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let timezone, TimeZone(identifier: timezone) == nil {
            throw ValidationError("unknown time zone '\(timezone)' (use a name such as UTC or Europe/Berlin)")
        }
        if let role { do { _ = try ReportFilter.Role(name: role) } catch { throw ValidationError("\(error)") } }
        do { _ = try filter(now: Date()) } catch { throw ValidationError("\(error)") }
    }

    /// The zone of --timezone, or UTC.
    var zone: TimeZone { timezone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")! }

    /// The filter these options describe; dates without a zone are read in --timezone.
    func filter(now: Date) throws -> ReportFilter {
        var f = ReportFilter()
        f.since = try since.map { try TimeBound.parse($0, now: now, timeZone: zone) }
        f.until = try until.map { try TimeBound.parse($0, now: now, timeZone: zone) }
        f.host = host
        f.role = try role.map { try ReportFilter.Role(name: $0) }
        f.peer = peer
        f.includeLocal = includeLocal
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
