import ArgumentParser
import Foundation
import MailTLSParser
import MailTLSPostgres
import MailTLSStore

extension MailTLS {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the store holds: files read and how far, rows per table, size, last run.",
            discussion: """
                Example:
                  mailtls status --db /var/lib/mailtls/mailtls.db
                  mailtls status --db postgresql://mailtls_read@db.example.org/mailtls

                On a PostgreSQL store the files are listed per ingesting host.
                """
        )

        @OptionGroup var store: StoreOptions

        func run() throws {
            if let url = store.postgres { return try postgresStatus(url) }
            let s: Store
            do {
                s = try Store(path: store.path, readOnly: true)
            } catch {
                Console.error("mailtls: \(error)")
                throw ExitCode(1)
            }
            let size = ((try? FileManager.default.attributesOfItem(atPath: store.path))?[.size] as? NSNumber)?.int64Value ?? 0
            let wal = ((try? FileManager.default.attributesOfItem(atPath: store.path + "-wal"))?[.size] as? NSNumber)?.int64Value ?? 0
            print("store: \(store.path) (\(Self.human(size + wal)), schema version \(try s.database.userVersion))")
            print("")
            printCounts(try s.rowCounts(), local: try s.localMailCounts())
            let sources = try s.sources()
            let pruned = try s.prunedSources()
            print("files (\(sources.count)):")
            for src in sources { print(Self.line(src, pruned: pruned)) }
            print("")
            if let last = try s.lastIngestRun() {
                print("last run: \(last.started): \(last.summary)")
            } else {
                print("last run: none")
            }
        }

        /// The same report for a PostgreSQL store: sources grouped by ingesting host, last run with its host.
        private func postgresStatus(_ url: PostgresURL) throws {
            let s = try FleetStore.open(url)
            do {
                print("store: \(url.redacted) (PostgreSQL, \(Self.human(try s.databaseSize())), schema version \(try s.schemaVersion()))")
                if let collation = s.nonCCollation() {
                    Console.error("mailtls: warning: the database's collation is \(collation): reports order rows whose figures tie "
                                  + "differently from a SQLite store's; docs/fleet.md creates the database with --locale=C.UTF-8")
                }
                print("")
                printCounts(try s.rowCounts(), local: try s.localMailCounts())
                let sources = try s.allSources()
                let pruned = try s.prunedSources()
                print("files (\(sources.count)):")
                var host: String?
                for (h, src) in sources {
                    if h != host {
                        print("  host \(h):")
                        host = h
                    }
                    print("  " + Self.line(src, pruned: pruned))
                }
                print("")
                if let last = try s.lastIngestRun() {
                    print("last run: \(last.started) on \(last.ingestHost): \(last.summary)")
                } else {
                    print("last run: none")
                }
            } catch {
                Console.error("mailtls: \(error)")
                throw ExitCode(1)
            }
        }

        private func printCounts(_ rows: [(table: String, rows: Int64)], local: (deliveries: Int64, submissions: Int64)) {
            print("rows:")
            for (table, n) in rows {
                print("  " + table.padding(toLength: 14, withPad: " ", startingAt: 0) + String(n).leftPad(12))
            }
            print("counted, not stored (local mail: docs/store.md):")
            print("  " + "deliveries".padding(toLength: 14, withPad: " ", startingAt: 0) + String(local.deliveries).leftPad(12))
            print("  " + "submissions".padding(toLength: 14, withPad: " ", startingAt: 0) + String(local.submissions).leftPad(12))
            print("")
        }

        /// A file: where its reading stands, and the days a prune took its rows of (`--reingest` leaves
        /// them out).
        private static func line(_ src: SourceRecord, pruned: PrunedSources) -> String {
            let size = src.size.map { " of \(human($0))" } ?? ""
            let cut = pruned.cutoffs[src.id].map { ", rows before \(CivilTime.isoDate($0)) pruned" } ?? ""
            return "  \(src.path)  [\(src.compression ?? "?")]  read \(human(src.offset))\(size), \(src.lines) lines, last \(src.lastIngest ?? "-")\(cut)"
        }

        static func human(_ bytes: Int64) -> String {
            let units = ["B", "KiB", "MiB", "GiB", "TiB"]
            var v = Double(bytes)
            var u = 0
            while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
            return u == 0 ? "\(bytes) B" : String(format: "%.1f %@", v, units[u])
        }
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
