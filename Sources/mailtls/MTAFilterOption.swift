import ArgumentParser
import MailTLSReports

/// `--mta NAME`, shared by `report`, `export` and `check`: only the rows one MTA logged.
///
/// The names are those of the registered MTAs (`MTARegistry`), so an MTA added later is offered here
/// (in `--help`, shell completion and the usage error) without a change to this file.
struct MTAFilterOption: ParsableArguments {
    /// A registered MTA's name, read in any case; ArgumentParser lists the names when one is wrong.
    struct Name: ExpressibleByArgument {
        let name: String

        init?(argument: String) {
            guard let name = try? ReportFilter.mtaName(argument) else { return nil }
            self.name = name
        }

        static var allValueStrings: [String] { ReportFilter.mtaNames }
    }

    @Option(help: ArgumentHelp("Only rows this MTA logged (default: every MTA).", valueName: "mta"))
    var mta: Name?

    /// Sets the MTA filter of `filter` (the name as stored, lowercase).
    func apply(to filter: inout ReportFilter) {
        filter.mta = mta?.name
    }
}
