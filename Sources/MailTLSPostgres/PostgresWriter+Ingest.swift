import MailTLSStore

/// What an ingest asks of its writer (`IngestWriter` in MailTLSIngest), as `StoreWriter` has it.
extension PostgresWriter {
    /// Puts the counters back (after a rolled-back file), as `StoreWriter.restoreCounts` does.
    public func restoreCounts(_ saved: WriteCounts) { counts = saved }

    /// Forgets the rollup counts of the rows written since the last commit (a re-ingested file's are
    /// added by source instead, after its failure completions are restored).
    public func clearRollups() { rollups.clear() }

    /// Nothing to do: the rows waiting are dropped by the `rollback` that follows.
    public func discard() {}

    /// Keys of the rollup counts not yet added (`flushRollups`, `commit`), in the fullest counting table.
    public var pendingRollupKeys: Int { rollups.keyCount }
}
