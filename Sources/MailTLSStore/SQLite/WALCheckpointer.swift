import CSQLite3
import Dispatch

/// Copies an ingest's committed pages from the WAL into the database file on a thread of its own,
/// while the ingest reads on.
///
/// SQLite checkpoints automatically in the connection that commits, once the WAL holds 1,000 pages:
/// an ingest's part commit then copied the whole part (tens of MB) into the database file and synced
/// it before the reading thread could go on: 0.2-0.4 s per part here, more for logs that store more
/// rows per MiB (an Exim log's parts are the largest), and pages changed again in the next part were
/// copied again at its commit. The ingest's
/// connection turns that off (`PRAGMA wal_autocheckpoint=0`) and asks this one, on its own
/// connection, for a PASSIVE checkpoint after each commit: it copies what is committed without
/// blocking the writer, which goes on appending to the WAL. What is left when the ingest ends goes
/// in when the store closes, as before.
final class WALCheckpointer: @unchecked Sendable {   // `queued` under `lock`, `db` on `queue`
    private let path: String
    private let queue = DispatchQueue(label: "mailtls.checkpoint")
    /// Opened on the queue at the first checkpoint; used only there.
    private var db: Database?
    /// A checkpoint is queued and has not started: another request adds nothing.
    private var queued = false   // guarded by lock
    private let lock = DispatchSemaphore(value: 1)

    init(path: String) {
        self.path = path
    }

    /// Starts a checkpoint of what is committed, unless one is already waiting to start.
    func request() {
        lock.wait()
        let start = !queued
        queued = true
        lock.signal()
        guard start else { return }
        queue.async { [self] in
            lock.wait()
            queued = false
            lock.signal()
            checkpoint()
        }
    }

    /// Waits for the checkpoint under way or queued, if any.
    func wait() {
        queue.sync {}
    }

    /// Waits for the checkpoint under way, if any, and closes the connection.
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

    deinit { finish() }
}
