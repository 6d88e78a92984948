import ArgumentParser
import Foundation
import MailTLSStore

extension MailTLS {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the store holds: files read and how far, rows per table, size, last run.",
            discussion: """
                Example:
                  mailtls status --db /var/lib/mailtls/mailtls.db
                """
        )

        @OptionGroup var store: StoreOptions

        func run() throws {
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
            print("rows:")
            for (table, n) in try s.rowCounts() {
                print("  " + table.padding(toLength: 14, withPad: " ", startingAt: 0) + String(n).leftPad(12))
            }
            let local = try s.localMailCounts()
            print("counted, not stored (local mail: docs/store.md):")
            print("  " + "deliveries".padding(toLength: 14, withPad: " ", startingAt: 0) + String(local.deliveries).leftPad(12))
            print("  " + "submissions".padding(toLength: 14, withPad: " ", startingAt: 0) + String(local.submissions).leftPad(12))
            print("")
            let sources = try s.sources()
            print("files (\(sources.count)):")
            for src in sources {
                let size = src.size.map { " of \(Self.human($0))" } ?? ""
                print("  \(src.path)  [\(src.compression ?? "?")]  read \(Self.human(src.offset))\(size), \(src.lines) lines, last \(src.lastIngest ?? "-")")
            }
            print("")
            if let last = try s.lastIngestRun() {
                print("last run: \(last.started): \(last.summary)")
            } else {
                print("last run: none")
            }
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
