import MailTLSIngest

/// What `ingest` and `report FILE…` print about reading logs, on stderr: warnings about the inputs
/// before, the failures and the one-line summary after. One place, so both commands say the same.
enum IngestOutput {
    /// Prints a warning for each suspicious input (`InputCheck`) and returns the paths to read.
    static func checkInputs(_ paths: [String]) -> [String] {
        let (read, warnings) = InputCheck.check(paths)
        for w in warnings { Console.warning(w) }
        return read
    }

    /// The failed files, then (unless `quiet` and nothing failed) the summary line and the unparsed
    /// samples, with control characters made visible.
    static func print(_ summary: IngestSummary, quiet: Bool) {
        for e in summary.failedFiles { Console.error("mailtls: \(Console.printable("\(e)"))") }
        guard !quiet || !summary.failedFiles.isEmpty else { return }
        Console.error("mailtls: \(summary.line)")
        for s in summary.samples {
            Console.error("  unparsed \(Console.printable(s.path)):\(s.line): \(s.reason): \(Console.printable(s.text))")
        }
    }
}
