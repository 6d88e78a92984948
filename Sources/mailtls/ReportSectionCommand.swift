import ArgumentParser
import MailTLSReports

/// A section of `mailtls report` as a subcommand (`mailtls report rates`): the section it prints, the
/// options every section shares, and the section's own options.
///
/// A section's own options exist only on its subcommand, so `--by` on `verify` is an unknown option
/// and the shell completions offer each section only what it reads.
protocol ReportSectionCommand: ParsableCommand {
    /// The section this subcommand prints.
    static var section: ReportSection { get }
    /// The store, filters, format and files to read first.
    var common: ReportOptions { get }
    /// Sets the section's own options on `filter`; throws `ValidationError` for a bad value.
    func apply(to filter: inout ReportFilter) throws
}

extension ReportSectionCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: section.name, abstract: section.abstract, discussion: ReportOptions.discussion)
    }

    func apply(to filter: inout ReportFilter) throws {}

    func validate() throws {
        var filter = ReportFilter()
        try apply(to: &filter)
    }

    func run() throws {
        try common.run(Self.section) { try apply(to: &$0) }
    }
}
