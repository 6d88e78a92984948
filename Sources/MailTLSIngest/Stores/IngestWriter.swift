import MailTLSParser
import MailTLSPostgres
import MailTLSStore

/// The row writer an ingest drives on its writer thread: SQLite's `StoreWriter` or PostgreSQL's
/// `PostgresWriter`, each with its own connection and transaction.
///
/// The ingest owns the transaction: `begin` before a part, `commit` after its checkpoint and linker
/// state are saved (in the same transaction), `rollback` when the file fails.
public protocol IngestWriter: AnyObject {
    /// Rows written since the writer was made (what the run summary shows).
    var counts: WriteCounts { get }
    /// Puts the counters back (after a rolled-back file).
    func restoreCounts(_ saved: WriteCounts)
    func begin() throws
    /// Sends what is waiting and commits the transaction.
    func commit() throws
    /// Forgets what is waiting and rolls the transaction back.
    func rollback()
    /// Stores one linked record (or keeps it for the next flush). The writer does not change it: it is
    /// `inout` so that it is read where it lies, in the batch the reading thread filled. A record
    /// passed by value from there was copied first (every String and payload retained, on the writer
    /// thread, in memory the reading thread owns: 5 % of an Exim ingest's writer thread; perf).
    func write(_ r: inout LogRecord) throws
    /// Sends the rows still waiting (before anything else reads or writes the store).
    func flush() throws
    /// Forgets the rows still waiting (the part is being rolled back).
    func discard()
    /// Adds the rollup counts of the rows written since the last call to the rollup tables, in the
    /// current transaction.
    func flushRollups() throws
    /// Forgets the rollup counts not yet added (a rolled-back part, or a re-ingested file's, which are
    /// added by source instead).
    func clearRollups()
    /// Keys of rollup counts not yet added (in the fullest counting table): the writer thread adds them
    /// to the rollup tables (or, re-ingesting, forgets them) once they pass `IngestStore.rollupKeys`.
    var pendingRollupKeys: Int { get }
    /// Moves the rollup counts not yet added out of memory, in the current transaction, while the part
    /// goes on (the writer thread calls it when they hold many keys): SQLite adds them to the rollup
    /// tables; PostgreSQL stages them on the server, where the commit adds them.
    func stageRollups() throws
}

extension StoreWriter: IngestWriter {
    public var pendingRollupKeys: Int { rollups.keyCount }
    public func stageRollups() throws {
        try flush()   // the rows first, as at a commit: the counts name their texts
        try flushRollups()
    }
}
extension PostgresWriter: IngestWriter {}
