import ArgumentParser
import Foundation
import MailTLSParser
import MailTLSReports
import MailTLSStore

extension MailTLS {
    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove rows older than a given age, so a store run for years stays bounded.",
            discussion: """
                Deletes TLS sessions, messages, deliveries, AUTH events and TLS failures of the UTC days \
                before the one the cutoff falls in: whole days, as the rollups (which are kept) and the \
                local-mail counts hold them. The record of which files were read is kept, so pruned \
                lines are not read again.

                Example (keep 400 days):
                  mailtls prune --older-than 400d
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(name: .customLong("older-than"), help: ArgumentHelp("Rows of the days before this: an age (400d, 8w, 24h) or a date, as --since of report.", valueName: "age"))
        var olderThan: String

        @Option(help: ArgumentHelp("Seconds to wait for an ingest's lock (exit 75 after). SQLite only: on PostgreSQL prune runs beside the ingests.", valueName: "seconds"))
        var wait: Double = 0

        @Flag(help: "Compact the file afterwards (VACUUM; on PostgreSQL a plain VACUUM).")
        var vacuum = false

        @Flag(name: .shortAndLong, help: "Print nothing on success.")
        var quiet = false

        func validate() throws {
            if Self.cutoff(olderThan, now: Date()) == nil {
                throw ValidationError("--older-than takes an age (90m, 24h, 400d, 8w) or a date (2026-03-01), not '\(olderThan)'")
            }
        }

        /// The UTC cutoff (Unix seconds) for an age or a date or time, read as `--since` reads it, put
        /// back to the start of its UTC day. Prune removes whole days: the rollups keep every day
        /// whole, so a day cut in two would count in full where figures come from the rollups and in
        /// part where they come from rows (the summary's per-MTA table takes sendmail's figures as
        /// the rollups' less the other MTAs' rows), and the local-mail counts are per day already.
        static func cutoff(_ text: String, now: Date) -> Int64? {
            (try? TimeBound.parse(text, now: now)).map {
                let t = Int64($0.timeIntervalSince1970.rounded(.down))
                return t - ((t % 86_400) + 86_400) % 86_400
            }
        }

        func run() throws {
            guard let cutoff = Self.cutoff(olderThan, now: Date()) else { throw ExitCode(2) }
            let removed: [(table: String, rows: Int)]
            if let url = store.postgres {
                // No lock: a prune deletes old rows in one transaction while hosts go on ingesting new ones.
                let s = try FleetStore.open(url)
                do {
                    removed = try s.prune(before: cutoff)
                    if vacuum { try s.vacuum() }
                } catch {
                    Console.error("mailtls: \(error)")
                    throw ExitCode(1)
                }
            } else {
                try WritableStore.requireExisting(store.path)
                removed = try withStoreLock(store, wait: wait) {
                    let s = try WritableStore.open(store.path)
                    let removed = try s.prune(before: cutoff)
                    if vacuum { try s.vacuum() }
                    return removed
                }
            }
            if !quiet {
                let parts = removed.map { "\($0.rows) \($0.table)" }.joined(separator: ", ")
                Console.error("mailtls: removed rows before \(CivilTime.iso8601(cutoff)): \(parts)")
            }
        }
    }
}
