import MailTLSStore

extension PostgresWriter {
    /// Puts the counters back (after a rolled-back file), as `StoreWriter.restoreCounts` does.
    public func restoreCounts(_ saved: WriteCounts) { counts = saved }
}
