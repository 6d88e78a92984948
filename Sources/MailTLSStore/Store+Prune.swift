/// Removing old rows (`mailtls prune`).
extension Store {
    /// Deletes the rows of every data table whose time is before `cutoff` (UTC seconds), in one
    /// transaction, and returns how many went per table. The rollups and the checkpoints (`sources`)
    /// are kept: the long-term counts survive and pruned lines are not read again.
    public func prune(before cutoff: Int64) throws -> [(table: String, rows: Int)] {
        let ts = TimeText.iso(cutoff)
        return try database.transaction {
            try Self.dataTables.map { table in
                let s = try database.prepare("DELETE FROM \(table) WHERE ts < ?")
                s.bind(1, ts)
                try s.run()
                return (table, database.changes)
            }
        }
    }

    /// Rewrites the file without its free pages (`VACUUM`), e.g. after a large prune.
    public func vacuum() throws {
        try database.execute("VACUUM")
    }
}
