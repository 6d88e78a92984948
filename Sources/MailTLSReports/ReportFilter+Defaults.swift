import Foundation

extension ReportFilter {
    /// `downgrades`: the recent window when `--recent` is not given (7 days; the SQL's default too).
    public static let defaultRecent: TimeInterval = 7 * 86400
    /// `policy`: the fewest sessions when `--min` is not given (3; the SQL's default too).
    public static let defaultMinSessions = 3
}
