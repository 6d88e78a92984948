import Foundation
import MailTLSParser
import MailTLSStore
#if canImport(Glibc)
import Glibc
#endif

/// Runs the store's inserts (SQLite or PostgreSQL) on a second thread while the first one reads, decompresses, parses and
/// links: the two halves of an ingest take similar time, so they overlap.
///
/// Rows are handed over in batches through a bounded queue (memory stays flat). `flush()` waits until
/// every batch is written and rethrows the first error; the caller flushes before it touches the
/// database itself (source rows, checkpoints, commit), so the connection is never used by two threads
/// at once.
final class WriterThread: @unchecked Sendable {
    private let writer: any IngestWriter
    private let queue = DispatchQueue(label: "mailtls.writer")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: Error?
    /// The rows being collected. Written batches come back (`spare`) to the reading thread, which
    /// empties them there: the records are freed by the thread that allocated them (glibc's
    /// per-thread caches reuse the memory at once instead of locking the other thread's arena), and
    /// the array buffers are reused.
    private final class Batch: @unchecked Sendable {   // owned by one thread at a time: handed over under the semaphore and lock
        var rows: [LogRecord] = []
        init() { rows.reserveCapacity(WriterThread.batchSize) }
    }
    private var batch = Batch()
    private var spare: [Batch] = []   // guarded by lock
    private var written = 0
    /// Rows queued since the start (on the reading thread): how big the part being read is.
    private(set) var queued = 0
    private let faultAfterRows: Int?
    static let batchSize = 1024
    /// A batch is also handed over at this many bytes of records (`LogRecord.approximateBytes`):
    /// real rows are a few hundred bytes, but a line of fields each cut to its limit makes a record of
    /// ~4 KiB, and five batches of 1,024 of those held 23 MB (docs/parsing-limits.md).
    static let batchBytes = 1 << 20
    private var bytes = 0
    /// The writer's rollup counts are moved out of memory (`IngestWriter.stageRollups`, in the part's
    /// transaction) once one of its counting tables holds this many keys (`IngestStore.rollupKeys`),
    /// checked after each batch: memory stays flat whatever the part holds.
    private let rollupKeyLimit: Int
    /// The file being read is re-ingested: its rollup counts are added by source at its end and the
    /// writer's are forgotten, so at the limit they are dropped instead of added. Set by the reading
    /// thread (`countRollupsBySource`) while the writer thread is idle.
    private var rollupsBySource = false

    init(writer: any IngestWriter, maxBatchesInFlight: Int = 4, faultAfterRows: Int?,
         rollupKeyLimit: Int) {
        self.writer = writer
        self.rollupKeyLimit = rollupKeyLimit
        self.slots = DispatchSemaphore(value: maxBatchesInFlight)
        self.faultAfterRows = faultAfterRows
    }

    /// The file being re-ingested (`reingesting(source:)`), on the reading thread: rows of other
    /// files that its re-read emits again are already in the store and are not queued, nor rows
    /// before `prunedBefore`.
    private var reingestedSource: Int64?
    private var prunedBefore = Int64.min

    /// Queues one row.
    func append(_ r: consuming LogRecord) {
        if let only = reingestedSource, r.event.addsRow, r.origin.source != only || r.time < prunedBefore { return }
        bytes += r.approximateBytes
        queued += 1
        batch.rows.append(r)
        if batch.rows.count >= Self.batchSize || bytes >= Self.batchBytes { submit() }
    }

    private func submit() {
        bytes = 0
        guard !batch.rows.isEmpty else { return }
        let full = batch
        slots.wait()
        lock.lock()
        let next = spare.popLast()
        lock.unlock()
        if let next {
            next.rows.removeAll(keepingCapacity: true)   // frees the written records on this thread
            batch = next
        } else {
            batch = Batch()
        }
        queue.async { [self] in
            defer {
                lock.lock()
                spare.append(full)
                lock.unlock()
                slots.signal()
            }
            lock.lock()
            let failed = failure != nil
            lock.unlock()
            if failed { return }
            do {
                // Read in place (`IngestWriter.write`): iterating the array, or passing `rows[i]` by value,
                // would copy each record (retaining its Strings).
                try full.rows.withUnsafeMutableBufferPointer { rows in
                    for i in rows.indices {
                        try writer.write(&rows[i])
                        guard let limit = faultAfterRows else { continue }
                        switch rows[i].event {
                        case .failureCompletion, .deliveryCompletion: continue   // updates, not rows
                        default: written += 1
                        }
                        if written >= limit {
                            kill(getpid(), SIGKILL)   // fault injection: die like kill -9, mid-transaction
                        }
                    }
                }
                if writer.pendingRollupKeys >= rollupKeyLimit {
                    if rollupsBySource {
                        writer.clearRollups()
                    } else {
                        try writer.stageRollups()
                    }
                }
            } catch {
                lock.lock()
                failure = error
                lock.unlock()
            }
        }
    }

    /// Names the file about to be read when it is re-ingested (nil otherwise). Its rollup counts are
    /// then added by source at its end, so the writer's are forgotten at the limit instead of added;
    /// and the rows its re-read emits for lines of other files are dropped: the re-read starts from
    /// the linker state saved at the file's first line, whose open connections may hold records of
    /// the file before, and those were written when this file was first read (their rows are not
    /// removed with this file's). Nor its rows before `prunedBefore` (the cutoff of the latest prune
    /// that deleted rows of the file): prune deleted them and the rollups, which it keeps, count them.
    func reingesting(source: Int64?, prunedBefore: Int64? = nil) {
        submit()
        reingestedSource = source
        self.prunedBefore = prunedBefore ?? Int64.min
        queue.sync { rollupsBySource = source != nil }
    }

    /// Waits until every queued row is written; throws the first write error (and clears it).
    func flush() throws {
        submit()
        queue.sync {
            lock.lock()
            let failed = failure != nil
            lock.unlock()
            if failed { return }
            do { try writer.flush() } catch {
                lock.lock()
                failure = error
                lock.unlock()
            }
        }
        lock.lock()
        let e = failure
        failure = nil
        lock.unlock()
        if let e { throw e }
    }

    /// Drops rows not yet written and the rollup counts not yet flushed (after a failure: the rows of
    /// the part being read).
    func discard() {
        batch.rows.removeAll(keepingCapacity: true)
        bytes = 0
        queue.sync {
            writer.discard()
            writer.clearRollups()
        }
        lock.lock()
        failure = nil
        lock.unlock()
    }
}
