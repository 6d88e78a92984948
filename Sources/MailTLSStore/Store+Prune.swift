import MailTLSParser

/// Removing old rows (`mailtls prune`).
extension Store {
    /// Deletes the rows of every data table (and the local-mail counts of the days) before
    /// `cutoff` (UTC seconds), in one transaction, and returns how many rows went per table. The
    /// rollups and the checkpoints (`sources`) are kept: the long-term counts survive and pruned lines
    /// are not read again.
    public func prune(before cutoff: Int64) throws -> [(table: String, rows: Int)] {
        try database.transaction {
            if cutoff > (try prunedBefore() ?? Int64.min) { try setState(Self.prunedBeforeKey, String(cutoff)) }
            var removed: [(String, Int)] = []
            for t in CompactRows.tables {
                let s = try database.prepare("DELETE FROM \(t.base) WHERE ts < ?")
                s.bind(1, cutoff)
                try s.run()
                removed.append((t.view, database.changes))
            }
            let s = try database.prepare("DELETE FROM local_mail WHERE day < ?")
            s.bind(1, CivilTime.isoDate(cutoff))
            try s.run()
            return removed
        }
    }

    /// The `ingest_state` key of the latest cutoff `prune` used (Unix seconds, as text).
    public static let prunedBeforeKey = "pruned_before"

    /// The latest cutoff `prune` used, nil when the store was never pruned (or only by a version
    /// before 0.2.0, which did not record it). Its rollups still count the rows before it, so a
    /// `--reingest` must not bring those rows back.
    public func prunedBefore() throws -> Int64? {
        try state(Self.prunedBeforeKey).flatMap { Int64($0) }
    }

    /// Rewrites the file without its free pages (`VACUUM`), e.g. after a large prune.
    public func vacuum() throws {
        try database.execute("VACUUM")
    }
}
