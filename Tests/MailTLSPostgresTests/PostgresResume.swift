import Foundation
import MailTLSIngest
import MailTLSParser
import MailTLSPostgres
import MailTLSStore

/// The next ingest on a host after `mailtls copy`: `mailtls ingest --db postgresql://…`'s own `Ingester`,
/// which takes up the host's `ingest_state` ('linker', 'ids') and checkpoints that the copy wrote, under
/// the host's lock, in parts of 4 KiB.
enum PostgresResume {
    static func ingestRest(of path: String, as host: String, into url: PostgresURL, timeZone: TimeZone) throws {
        let store = try PostgresStore(url: url)
        guard try store.lockHost(host, wait: 10) else {
            throw IngestError.hostLocked(store: url.redacted, host: host, waited: 10)
        }
        defer { try? store.unlockHost(host) }
        let options = IngestOptions(year: 2026, timeZone: timeZone, partBytes: 4096)
        let summary = try Ingester(target: PostgresIngestStore(store, ingestHost: host), options: options).ingest(paths: [path])
        if let failed = summary.failedFiles.first { throw failed }
    }
}
