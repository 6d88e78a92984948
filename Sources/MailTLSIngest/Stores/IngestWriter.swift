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
    /// Stores one linked record (or keeps it for the next flush).
    func write(_ r: LogRecord) throws
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
    /// Keys of rollup counts not yet added (all tables): the writer thread adds them to the rollup
    /// tables (or, re-ingesting, forgets them) once they pass `IngestOptions.rollupKeys`.
    var pendingRollupKeys: Int { get }
}

extension StoreWriter: IngestWriter {
    public var pendingRollupKeys: Int { rollups.keyCount }
}
extension PostgresWriter: IngestWriter {}
