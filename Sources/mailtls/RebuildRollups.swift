import ArgumentParser
import MailTLSStore

extension MailTLS {
    struct RebuildRollups: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild-rollups",
            abstract: "Recompute the daily rollups from the raw rows.",
            discussion: """
                Ingest keeps the rollup_* tables (what a plain `mailtls report` reads) up to date by \
                itself. Rebuild them after changing the raw tables by hand, or to drop the days that \
                `prune` removed from the long-term counts.

                Example:
                  mailtls rebuild-rollups --db /var/lib/mailtls/mailtls.db

                On a PostgreSQL store the ingests of every host wait for it at their next commit.
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("Seconds to wait for an ingest's lock (exit 75 after).", valueName: "seconds"))
        var wait: Double = 0

        func run() throws {
            if let url = store.postgres {
                do { try FleetStore.open(url).rebuildRollups() } catch let e as ExitCode { throw e } catch {
                    Console.error("mailtls: \(error)")
                    throw ExitCode(1)
                }
                return
            }
            try WritableStore.requireExisting(store.path)
            try withStoreLock(store, wait: wait) {
                try WritableStore.open(store.path).rebuildRollups()
            }
        }
    }
}
