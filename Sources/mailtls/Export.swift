import ArgumentParser
import Foundation
import MailTLSReports

extension MailTLS {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stream raw rows (sessions, messages, deliveries, auth, failures) as CSV or JSON Lines.",
            discussion: """
                Rows stream in constant memory, in the order they were stored, with \
                the filters of `mailtls report` (loopback peers are left out unless \
                --include-local). CSV is RFC 4180 with a header row; cells that a \
                spreadsheet would run as formulas are made inert.

                Examples:
                  mailtls export sessions --since 7d > sessions.csv
                  mailtls export deliveries --peer '*.google.com' --format jsonl | jq .stat

                Exit codes: 0 ok, 1 no store or a query failed, 2 usage.
                """
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var filters: ReportFilterOptions

        @Option(help: ArgumentHelp("Output format.", valueName: "format"))
        var format: ExportFormat = .csv

        @Argument(help: ArgumentHelp("The table to stream.", valueName: "table"))
        var table: ExportTable

        func run() throws {
            filters.applyTimeZone()
            let output = ReportOutput()
            do {
                let reporter = try Reporter.open(db: store.path)
                try reporter.export(table, filter: try filters.filter(now: Date()), format: format) { output.put($0) }
            } catch {
                output.flush()
                Console.error("mailtls: \(error)")
                throw ExitCode(1)
            }
            output.flush()
        }
    }
}
