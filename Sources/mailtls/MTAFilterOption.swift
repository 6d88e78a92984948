import ArgumentParser
import MailTLSReports

/// `--mta NAME`, shared by `report`, `export` and `check`: only the rows one MTA logged.
///
/// The names are those of the registered MTAs (`MTARegistry`), so an MTA added later is offered here
/// (in `--help` and shell completion) without a change to this file.
struct MTAFilterOption: ParsableArguments {
    @Option(help: ArgumentHelp("Only rows this MTA logged: \(ReportFilter.mtaNames.joined(separator: ", ")) (default: all).",
                               valueName: "mta"),
            completion: .list(ReportFilter.mtaNames))
    var mta: String?

    func validate() throws {
        if let mta { do { _ = try ReportFilter.mtaName(mta) } catch { throw ValidationError("--mta: \(error)") } }
    }

    /// Sets the MTA filter of `filter` (the name as stored, lowercase).
    func apply(to filter: inout ReportFilter) {
        filter.mta = mta.flatMap { try? ReportFilter.mtaName($0) }
    }
}
