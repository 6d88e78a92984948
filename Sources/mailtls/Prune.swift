import ArgumentParser
import Foundation
import MailTLSParser
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

        @Option(name: .customLong("older-than"), help: ArgumentHelp("Age cutoff: Nd (days), Nw (weeks), or a date YYYY-MM-DD.", valueName: "age"))
        var olderThan: String

        @Option(help: ArgumentHelp("Seconds to wait for an ingest's lock (exit 75 after).", valueName: "seconds"))
        var wait: Double = 0

        @Flag(help: "Compact the file afterwards (VACUUM).")
        var vacuum = false

        @Flag(name: .shortAndLong, help: "Print nothing on success.")
        var quiet = false

        func validate() throws {
            if Self.cutoff(olderThan, now: Date()) == nil {
                throw ValidationError("--older-than takes Nd, Nw or YYYY-MM-DD, e.g. 400d")
            }
        }

        /// The UTC cutoff (seconds) for an age (`400d`, `8w`: that long before `now`) or a date
        /// (`YYYY-MM-DD`: its start, UTC); nil for anything else.
        static func cutoff(_ text: String, now: Date) -> Int64? {
            let t = text.trimmingCharacters(in: .whitespaces)
            if let unit = t.last, let n = Int(t.dropLast()), n >= 0 {
                let days: Int
                switch unit {
                case "d": days = n
                case "w": days = n * 7
                default: return nil
                }
                return Int64(now.timeIntervalSince1970) - Int64(days) * 86400
            }
            let parts = t.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
                  (1...12).contains(m), (1...31).contains(d) else { return nil }
            return CivilTime.seconds(year: y, month: m, day: d, hour: 0, minute: 0, second: 0)
        }

        func run() throws {
            guard let cutoff = Self.cutoff(olderThan, now: Date()) else { throw ExitCode(2) }
            let removed = try withStoreLock(store, wait: wait) {
                let s = try Store(path: store.path)
                let removed = try s.prune(before: cutoff)
                if vacuum { try s.vacuum() }
                return removed
            }
            if !quiet {
                let parts = removed.map { "\($0.rows) \($0.table)" }.joined(separator: ", ")
                Console.error("mailtls: removed rows before \(CivilTime.iso8601(cutoff)): \(parts)")
            }
        }
    }
}
