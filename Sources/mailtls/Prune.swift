import ArgumentParser
import Foundation
import MailTLSReports
import MailTLSStore

extension MailTLS {
    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove rows older than a given age, so a store run for years stays bounded.",
            discussion: """
                Deletes TLS sessions, messages, deliveries, AUTH events and TLS failures whose time is
                before the cutoff. The record of which files were read is kept, so pruned lines are not
                read again.

                Example (keep 400 days):
                  mailtls prune --older-than 400d
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(name: .customLong("older-than"), help: ArgumentHelp("Rows before this: an age (90m, 24h, 400d, 8w) or a date or time, as --since of report.", valueName: "age"))
        var olderThan: String

        @Option(help: ArgumentHelp("Seconds to wait for an ingest's lock (exit 75 after).", valueName: "seconds"))
        var wait: Double = 0

        @Flag(help: "Compact the file afterwards (VACUUM).")
        var vacuum = false

        @Flag(name: .shortAndLong, help: "Print nothing on success.")
        var quiet = false

        func validate() throws {
            if Self.cutoff(olderThan, now: Date()) == nil {
                throw ValidationError("--older-than takes an age (90m, 24h, 400d, 8w) or a date (2026-03-01), not '\(olderThan)'")
            }
        }

        /// The UTC cutoff text for an age or a date or time: the same forms, read by the same parser,
        /// as `--since` (a date is its midnight UTC).
        static func cutoff(_ text: String, now: Date) -> String? {
            (try? TimeBound.parse(text, now: now)).map(TimeBound.iso)
        }

        func run() throws {
            guard let cutoff = Self.cutoff(olderThan, now: Date()) else { throw ExitCode(2) }
            let removed: [(String, Int)] = try withStoreLock(store, wait: wait) {
                let s = try Store(path: store.path)
                var removed: [(String, Int)] = []
                try s.database.transaction {
                    for t in Store.dataTables {
                        try s.database.execute("DELETE FROM \(t) WHERE ts < '\(cutoff)'")
                        removed.append((t, s.database.changes))
                    }
                }
                if vacuum { try s.database.execute("VACUUM") }
                return removed
            }
            if !quiet {
                let parts = removed.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
                Console.error("mailtls: removed rows before \(cutoff): \(parts)")
            }
        }
    }
}
