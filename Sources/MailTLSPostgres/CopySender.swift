import Dispatch

/// Sends a writer's encoded rows (`COPY … FROM STDIN`, one per table) on a thread of its own, so the
/// server inserts one flush's rows while the writer builds and encodes the next.
///
/// The connection is the writer's (its transaction): while a flush is on its way, only this thread
/// uses it, and UPDATEs of rows already handed over go the same way (`query`), in order. `drain` waits
/// until everything handed over is done and rethrows the first error; the writer drains before it uses
/// the connection itself (the rollups, the commit), and so must the caller (`PostgresWriter.flush`
/// drains). At most `depth` flushes are in flight, so memory
/// stays bounded whatever the server's speed.
final class CopySender: @unchecked Sendable {   // state guarded by `queue` (failure, spare) and the semaphore
    /// One table's rows of a flush.
    struct Part {
        let table: String
        let columns: [String]
        let bytes: CopyBytes
        /// Whether the buffer goes back to the spare ones once sent: a writer's row buffers do; one-off
        /// buffers (staged rollup counts) are freed, so the spare ones do not multiply.
        var reuse = true
    }

    private let connection: PostgresConnection
    private let queue = DispatchQueue(label: "mailtls.postgres.copy")
    private let slots: DispatchSemaphore
    private var failure: Error?
    /// Byte buffers sent and ready for reuse (handed back by the queue, taken by the writer in `spareBytes`).
    private var spare: [CopyBytes] = []
    private let spareLock = DispatchSemaphore(value: 1)

    init(connection: PostgresConnection, depth: Int = 2) {
        self.connection = connection
        slots = DispatchSemaphore(value: depth)
    }

    /// An empty buffer to encode into (a sent one when there is one).
    func spareBytes() -> CopyBytes {
        spareLock.wait()
        defer { spareLock.signal() }
        if let b = spare.popLast() {
            b.removeAll()
            return b
        }
        return CopyBytes()
    }

    /// Hands one flush's parts to the sending thread (waits while `depth` flushes are in flight).
    func send(_ parts: [Part]) {
        slots.wait()
        queue.async { [self] in
            defer {
                spareLock.wait()
                spare += parts.filter(\.reuse).map(\.bytes)
                spareLock.signal()
                slots.signal()
            }
            guard failure == nil else { return }
            do {
                for p in parts where p.bytes.count > 0 {
                    try connection.copy(into: p.table, columns: p.columns, data: p.bytes.bytes)
                }
            } catch {
                failure = error
            }
        }
    }

    /// Runs a statement after everything handed over so far (an UPDATE of a row already sent), on the
    /// sending thread: the writer goes on without waiting for the COPYs before it.
    func query(_ sql: String, _ parameters: [String?]) {
        queue.async { [self] in
            guard failure == nil else { return }
            do { try connection.query(sql, parameters) } catch { failure = error }
        }
    }

    /// Waits until every flush handed over is sent; throws the first error (and forgets it).
    func drain() throws {
        let e: Error? = queue.sync {
            defer { failure = nil }
            return failure
        }
        if let e { throw e }
    }
}
