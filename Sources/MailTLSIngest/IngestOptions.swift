import Foundation

/// Settings of one ingest run.
public struct IngestOptions: Sendable {
    /// Year of BSD timestamps (`--year`); nil infers it from each file's modification time.
    public var year: Int?
    /// Zone of timestamps without an offset (`--timezone`).
    public var timeZone: TimeZone
    /// Seconds of silence from a (host, pid) that end its session (`--session-gap`).
    public var sessionGap: Int64
    /// How many malformed lines to keep as samples for the summary.
    public var malformedSamples: Int
    /// Fault injection for tests: kill the process (SIGKILL) after this many rows were written.
    public var faultAfterRows: Int?

    public init(year: Int? = nil, timeZone: TimeZone = .current, sessionGap: Int64 = 30 * 60,
                malformedSamples: Int = 5, faultAfterRows: Int? = nil) {
        self.year = year
        self.timeZone = timeZone
        self.sessionGap = sessionGap
        self.malformedSamples = malformedSamples
        self.faultAfterRows = faultAfterRows
    }
}
