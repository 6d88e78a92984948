import ArgumentParser
import Foundation
import MailTLSReports

/// Whose traffic counts, shared by `report`, `export` and `check`: the syslog host, the direction,
/// the peer, loopback peers, and the zone that dates without an offset are read in.
struct TrafficFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only this syslog host ('*' wildcard).", valueName: "host"))
    var host: String?

    @Option(help: ArgumentHelp("Only inbound (server; also inbound, in) or outbound (client; also outbound, out) traffic.",
                               valueName: "role"))
    var role: ReportFilter.Role?

    @Option(help: ArgumentHelp("Only this peer name or IP ('*' wildcard: '*.example.org').", valueName: "peer"))
    var peer: String?

    @Flag(name: .customLong("include-local"), help: "Count loopback peers (127.0.0.0/8, ::1, localhost: MSP to MTA hops) too.")
    var includeLocal = false

    @Option(help: ArgumentHelp("Zone for dates and times without an offset in --since/--until, and for days, weeks and months (default: UTC).", valueName: "zone"))
    var timezone: String?

    func validate() throws {
        if let timezone, TimeZone(identifier: timezone) == nil {
            throw ValidationError("unknown time zone '\(timezone)' (use a name such as UTC or Europe/Berlin)")
        }
    }

    /// The zone of --timezone, or UTC.
    var zone: TimeZone { timezone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")! }

    /// Sets the host, role, peer and loopback filters of `filter`.
    func apply(to filter: inout ReportFilter) {
        filter.host = host
        filter.role = role
        filter.peer = peer
        filter.includeLocal = includeLocal
    }
}
