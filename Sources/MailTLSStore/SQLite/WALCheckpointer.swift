import CSQLite3
import Dispatch

/// Copies an ingest's committed pages from the WAL into the database file on a thread of its own,
/// while the ingest reads on.
///
/// SQLite checkpoints automatically in the connection that commits, once the WAL holds 1,000 pages:
/// an ingest's part commit then copied the whole part (tens of MB) into the database file and synced
/// it before the reading thread could go on: 0.2-0.4 s per part here, more for logs that store more
/// rows per MiB (an Exim log's parts are the largest), and pages changed again in the next part were
/// copied again at its commit. The ingest's connection raises that threshold
/// (`StoreWriter.ingestAutocheckpointPages`, which only bounds the WAL) and asks this one, on its own
/// connection, for a PASSIVE checkpoint after each commit: it copies what is committed without
/// blocking the writer, which goes on appending to the WAL. What is left when the ingest ends goes in
/// when the store closes, as before.
final class WALCheckpointer: @unchecked Sendable {   // `db` is touched only on `queue`
    private let path: String
    private let queue = DispatchQueue(label: "mailtls.checkpoint")
    /// Opened on the queue at the first checkpoint.
    private var db: Database?

    init(path: String) {
        self.path = path
    }

    /// Queues a checkpoint of what is committed (one per part: a few per run).
    func request() {
        queue.async { [self] in checkpoint() }
    }

    /// Waits for the checkpoints asked for so far.
    func wait() {
        queue.sync {}
    }

    /// Waits for the checkpoints asked for so far and closes the connection.
    func finish() {
        queue.sync { db = nil }
    }

    private func checkpoint() {
        if db == nil {
            // A connection finds the WAL at its first read: until then it checkpoints nothing.
            db = try? Database(path: path, create: false)
            _ = try? db?.scalarInt("PRAGMA schema_version")
        }
        guard let db else { return }
        // PASSIVE: copies the frames no reader needs, never waits, never blocks the writer. A busy
        // or failed checkpoint changes nothing: the frames stay in the WAL for the next one.
        _ = sqlite3_wal_checkpoint_v2(db.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}
