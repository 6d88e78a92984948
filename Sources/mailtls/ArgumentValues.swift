import ArgumentParser
import MailTLSReports

// The closed sets of values the commands take, read by ArgumentParser: it validates them, lists them
// in `--help`, and the generated shell completions offer them. The enums live in MailTLSReports, which
// does not depend on ArgumentParser, hence the conformances here, in the one place that
// parses command lines.

extension ReportFormat: ExpressibleByArgument {}

extension ExportFormat: ExpressibleByArgument {}

extension ExportTable: ExpressibleByArgument {}

extension ReportFilter.Grouping: ExpressibleByArgument {}

extension ReportFilter.Role: ExpressibleByArgument {
    /// `server`/`client`, and their synonyms `inbound`/`in` and `outbound`/`out`.
    public init?(argument: String) {
        guard let role = try? ReportFilter.Role(name: argument) else { return nil }
        self = role
    }
}
