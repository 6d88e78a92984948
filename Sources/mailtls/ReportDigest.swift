import ArgumentParser
import Foundation
import MailTLSReports

extension MailTLS.Report {
    /// `mailtls report digest`: the short text for the daily cron mail (see `Digest`).
    struct DigestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "digest",
            abstract: "Cron mail: the last 24h against the 7 days before, new or worse.",
            discussion: """
                Text only, at most 40 lines of at most 100 columns (or the terminal's \
                width): --format is for the other sections. \
                --since sets the period (default 24h, up to --until or now); it is \
                compared with the 7 periods of the same length before it. Every \
                filter applies.

                /etc/cron.daily/mailtls (cron mails what it prints):
                  #!/bin/sh
                  DB=/var/lib/mailtls/mailtls.db
                  mailtls ingest --quiet --wait 300 --db $DB /var/log/maillog*
                  mailtls report digest --db $DB

                \(ReportOptions.discussion)
                """)

        @OptionGroup var common: ReportOptions

        func validate() throws {
            if common.format != .table { throw ValidationError("digest prints text only; --format json or csv is for the other sections") }
        }

        func run() throws {
            let now = Date()
            var filter = try common.filters.filter(now: now)
            filter.until = filter.until ?? now
            filter.since = filter.since ?? filter.until!.addingTimeInterval(-86_400)
            if filter.since! >= filter.until! {
                throw ValidationError("--since (\(TimeBound.iso(filter.since!))) must be before --until (\(TimeBound.iso(filter.until!)))")
            }
            let width = common.wide ? Int.max : ReportOutput.columns
            try common.run(filter) { reporter, filter in try Digest(reporter: reporter).render(filter: filter, width: width) }
        }
    }
}
