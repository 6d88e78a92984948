import Foundation

extension ReportFilter {
    /// `downgrades`: the recent window when `--recent` is not given (7 days; the SQL's default too).
    public static let defaultRecent: TimeInterval = 7 * 86400
    /// `policy`: the fewest sessions when `--min` is not given (3; the SQL's default too).
    public static let defaultMinSessions = 3
    /// `downgrades` and `check`: the fewest earlier sessions (messages, deliveries) a peer needs before
    /// a downgrade is reported when `--min-sessions` is not given, so a peer seen twice raises no alarm.
    public static let defaultMinHistory = 3

    /// The downgrade rows of `table` (`Queries/downgrades.sql`) whose earlier history counts at least
    /// `minHistory ?? defaultMinHistory` (its `earlier` column).
    public func keepingHistory(_ table: ResultTable) -> ResultTable {
        guard let i = table.columns.firstIndex(of: "earlier") else { return table }
        let least = Int64(minHistory ?? Self.defaultMinHistory)
        return ResultTable(columns: table.columns, rows: table.rows.filter { ($0[i].int ?? 0) >= least })
    }
}
