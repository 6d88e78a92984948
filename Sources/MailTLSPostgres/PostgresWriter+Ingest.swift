import MailTLSStore

extension PostgresWriter {
    /// Puts the counters back (after a rolled-back file), as `StoreWriter.restoreCounts` does.
    public func restoreCounts(_ saved: WriteCounts) { counts = saved }
}

extension PostgresWriter {
    /// Forgets the rollup counts of the rows written since the last commit (a re-ingested file's are
    /// added by source instead, after its failure completions are restored).
    public func clearRollups() { rollups.clear() }
}
