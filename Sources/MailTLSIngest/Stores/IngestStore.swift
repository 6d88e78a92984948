import MailTLSStore

/// What an ingest needs of a store besides the rows: its checkpoints (`sources`), the linker's saved
/// state, the row ids already used, and the history of runs. The SQLite store (`SQLiteIngestStore`)
/// and the PostgreSQL fleet store (`PostgresIngestStore`, one ingesting host's part of it) provide it.
///
/// Every method runs on the ingest's thread, between the writer's `begin` and `commit`, after the
/// writer thread was flushed: the connection is never used by two threads at once.
public protocol IngestStore: AnyObject {
    /// The store as error messages name it: the SQLite file's path, or the URL without its password.
    var name: String { get }
    /// The writer of this store's rows (one per ingest).
    func makeWriter() throws -> any IngestWriter
    /// How many keys a counting table of the writer's rollups may hold before the writer thread moves
    /// them out of memory (`IngestWriter.stageRollups`), in the part's transaction
    /// (`IngestOptions.rollupKeys` overrides it).
    ///
    /// The per-peer keys are about one per TLS session, and the counting tables (`RollupTable`), which
    /// keep their storage, grew with the part: 8.6 MB of slots for a 50 MiB part, up to 131,072 slots
    /// of ~200 bytes (20 MB) on larger ones, for the rest of the run (massif). A table of 2^k slots
    /// grows past 3/4 full, and a batch adds at most `WriterThread.batchSize` (1,024) keys, so a limit
    /// of 3/4 of the slots less 1,024 keeps the tables at that size whatever the part. A key seen again
    /// after a flush is upserted once more: a lower limit costs CPU (docs/performance.md, "Peak memory
    /// of ingest").
    var rollupKeys: Int { get }
    /// The first linker numbers free for new sessions, failures and deliveries. `savedState`: the
    /// linker's saved state was read, whose counters are past every number its runs handed out, so the
    /// numbers may leave out what only a scan would find (sessions that live on message and delivery rows).
    func nextLinkerNumbers(savedState: Bool) throws -> (session: Int64, failure: Int64, delivery: Int64)
    /// The linker's open sessions as saved at the last commit (JSON), nil when none were saved.
    func linkerState() throws -> String?
    /// Saves the linker's open sessions (JSON) with what the writer needs to place later rows.
    func saveLinkerState(_ json: String, writer: any IngestWriter) throws
    /// Takes up what `saveLinkerState` saved for the writer, before it writes anything.
    func restoreWriterState(_ writer: any IngestWriter) throws

    /// The source read to its end last time from exactly this file (same device, inode, size, mtime).
    func source(device: Int64, inode: Int64, size: Int64, mtime: Int64) throws -> SourceRecord?
    /// The head fingerprint lengths in use.
    func headLengths() throws -> [Int]
    /// Sources whose first `headLength` content bytes hash to `headHash`.
    func sources(headHash: String, headLength: Int) throws -> [SourceRecord]
    /// Adds a source and returns its id.
    func insertSource(_ r: SourceRecord) throws -> Int64
    /// Saves a source's checkpoint.
    func updateSource(_ r: SourceRecord) throws
    func stateBefore(sourceID: Int64) throws -> String?
    /// The latest cutoff of a `prune` that deleted rows of the source (`Store.prunedBefore(sourceID:)`):
    /// its re-read's rows before it stay out.
    func prunedBefore(sourceID: Int64) throws -> Int64?
    func setStateBefore(sourceID: Int64, _ json: String) throws
    /// Appends a run to the history (`mailtls status`).
    func recordIngestRun(_ r: IngestRunRecord) throws

    /// The rows of a source, about to be re-read: their ids (linker numbers) are returned for reuse,
    /// what lines of other files completed in them (`Store.saveCompletions`) and the rows of
    /// `Store.keptTables` are kept aside, and the rows and their rollup counts are removed.
    func removeForReingest(sourceID: Int64) throws -> (sessions: [Int64], failures: [Int64], deliveries: [Int64])
    /// After the re-read: puts back the removed rows of `table` (one of `Store.keptTables`) read from
    /// the lines at `offsets`, and returns the offsets put back: the records the re-read's linker
    /// still holds at the file's end, whose rows were written while a later file was read.
    func restoreKeptRows(table: String, offsets: [Int64]) throws -> Set<Int64>
    /// After the re-read: the kept completions go back and the source's rows are counted
    /// into the rollups.
    func finishReingest(sourceID: Int64) throws
}
