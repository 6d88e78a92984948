import ArgumentParser
import MailTLSIngest
import MailTLSStore

extension MailTLS {
    struct RebuildRollups: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild-rollups",
            abstract: "Recompute the daily rollups from the raw rows.",
            discussion: """
                Ingest keeps the rollup_* tables (what a plain `mailtls report` reads) up to date by
                itself. Rebuild them after changing the raw tables by hand, or to drop the days that
                `prune` removed from the long-term counts.

                Example:
                  mailtls rebuild-rollups --db /var/lib/mailtls/mailtls.db
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("Seconds to wait for an ingest's lock (exit 75 after).", valueName: "seconds"))
        var wait: Double = 0

        func run() throws {
            do {
                let lock = try StoreLock(storePath: store.path, wait: wait)
                try Store(path: store.path).rebuildRollups()
                withExtendedLifetime(lock) {}
            } catch let e as IngestError {
                Console.error("mailtls: \(e)")
                if case .locked = e { throw ExitCode(75) }
                throw ExitCode(1)
            } catch {
                Console.error("mailtls: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
