import Foundation
import MailTLSParser

/// Removing old rows (`mailtls prune`).
extension Store {
    /// Deletes the rows of every data table (and the local-mail counts of the days) before
    /// `cutoff` (UTC seconds), in one transaction, and returns how many rows went per table. The
    /// rollups and the checkpoints (`sources`) are kept: the long-term counts survive and pruned lines
    /// are not read again.
    public func prune(before cutoff: Int64) throws -> [(table: String, rows: Int)] {
        try database.transaction {
            // The sources whose rows go (`PrunedSources`), found on the ts index before each delete.
            var pruned = PrunedSources(json: try state(Self.prunedBeforeKey))
            var removed: [(String, Int)] = []
            // Sessions and AUTH that live on message and delivery rows (`CompactRows.carried`) go with
            // those rows: counted before any row goes.
            var carriedCounts: [String: Int] = [:]
            for c in CompactRows.carried {
                let count = try database.prepare("SELECT count(*) FROM \(c.allRows) WHERE ts < ?")
                count.bind(1, cutoff)
                _ = try count.step()
                carriedCounts[c.table.base] = Int(count.int64(0))
            }
            for t in CompactRows.tables {
                let found = try database.prepare("SELECT DISTINCT source_id FROM \(t.base) WHERE ts < ?")
                found.bind(1, cutoff)
                while try found.step() { pruned.note(source: found.int64(0), cutoff: cutoff) }
                let s = try database.prepare("DELETE FROM \(t.base) WHERE ts < ?")
                s.bind(1, cutoff)
                try s.run()
                removed.append((t.view, carriedCounts[t.base] ?? database.changes))
            }
            let found = try database.prepare("SELECT DISTINCT source_id FROM local_mail WHERE day < ?")
            found.bind(1, CivilTime.isoDate(cutoff))
            while try found.step() { pruned.note(source: found.int64(0), cutoff: cutoff) }
            let s = try database.prepare("DELETE FROM local_mail WHERE day < ?")
            s.bind(1, CivilTime.isoDate(cutoff))
            try s.run()
            try setState(Self.prunedBeforeKey, pruned.json)
            return removed
        }
    }

    /// The `ingest_state` key of the sources' prune cutoffs (`PrunedSources`, JSON).
    public static let prunedBeforeKey = "pruned_before"

    /// The latest cutoff of a `prune` that deleted rows of `sourceID`, nil when none did (or only a
    /// version before 0.2.0, which did not record it): that prune deleted the source's rows before it
    /// and the rollups count them still, so a `--reingest` of the source must not bring them back.
    public func prunedBefore(sourceID: Int64) throws -> Int64? {
        try prunedSources().cutoffs[sourceID]
    }

    /// The record of which sources each prune deleted rows of (`PrunedSources`).
    public func prunedSources() throws -> PrunedSources {
        PrunedSources(json: try state(Self.prunedBeforeKey))
    }

    /// Rewrites the file without its free pages (`VACUUM`), e.g. after a large prune.
    public func vacuum() throws {
        try database.execute("VACUUM")
    }
}
