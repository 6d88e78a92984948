import Foundation

/// Settings of one ingest run.
public struct IngestOptions: Sendable {
    /// A file commits a part once this many content bytes were read since its last commit.
    ///
    /// Bounds the WAL whatever the file's size: a transaction's pages all stay in the WAL until it
    /// commits. On a 200 MiB generated log the WAL peaked at 32.4 MiB with 32 MiB parts (17.5 MiB with
    /// 16 MiB parts, 186 MiB as one transaction). Each part costs a pause of the reading thread (the
    /// writer drains, the open sessions are encoded, the rollups and the commit are written): 32 MiB
    /// keeps those pauses to 7 per 200 MiB while the WAL stays well under 64 MiB (docs/ingest.md).
    public static let defaultPartBytes: Int64 = 32 << 20
    /// A file commits a part once this many rows were queued since its last commit: bounds the WAL
    /// for input whose lines make more rows per byte (160,000 rows are about 32 MiB of that log).
    public static let defaultPartRecords = 160_000

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
    /// Content bytes per committed part (`defaultPartBytes`; tests make it small).
    public var partBytes: Int64
    /// Rows per committed part (`defaultPartRecords`).
    public var partRecords: Int

    public init(year: Int? = nil, timeZone: TimeZone = .current, sessionGap: Int64 = 30 * 60,
                malformedSamples: Int = 5, faultAfterRows: Int? = nil,
                partBytes: Int64 = IngestOptions.defaultPartBytes, partRecords: Int = IngestOptions.defaultPartRecords) {
        self.year = year
        self.timeZone = timeZone
        self.sessionGap = sessionGap
        self.malformedSamples = malformedSamples
        self.faultAfterRows = faultAfterRows
        self.partBytes = max(1, partBytes)
        self.partRecords = max(1, partRecords)
    }
}
