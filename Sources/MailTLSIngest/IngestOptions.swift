import Foundation

/// Settings of one ingest run.
public struct IngestOptions: Sendable {
    /// A file commits a part once this many content bytes were read since its last commit.
    ///
    /// Bounds the WAL whatever the file's size: a transaction's pages all stay in the WAL until it
    /// commits. Each part costs a pause of the reading thread (the writer drains, the open sessions
    /// are encoded, the rollups and the commit are written). With the compact rows of store v3 (about
    /// 0.4 bytes of store per byte of log), 64 MiB parts keep the WAL near 30 MiB, well under 64 MiB,
    /// with 4 pauses per 200 MiB (the v2 rows needed 32 MiB parts for 32.4 MiB of WAL; docs/ingest.md).
    public static let defaultPartBytes: Int64 = 64 << 20
    /// A file commits a part once this many rows were queued since its last commit: bounds the WAL
    /// for input whose lines make more rows per byte (320,000 rows are about 64 MiB of that log).
    public static let defaultPartRecords = 320_000

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
    /// Rollup keys counted before they are added to the tables; nil: the store's own limit
    /// (`IngestStore.rollupKeys`). Tests make it small.
    public var rollupKeys: Int?
    /// The host of lines that name none (Exim's main log, written without syslog): the command line
    /// gives the ingesting machine's name (`--ingest-host`); empty by default.
    public var hostOfHostlessLines: String
    /// No later run will read on (`report --no-store`, whose store is thrown away): at the end of the
    /// run the sessions and connections still open are over, and what the linkers hold for them is
    /// written (`SessionLinker.finish`). Off for a store that later runs continue.
    public var endOfInput = false

    public init(year: Int? = nil, timeZone: TimeZone = .current, sessionGap: Int64 = 30 * 60,
                malformedSamples: Int = 5, faultAfterRows: Int? = nil,
                partBytes: Int64 = IngestOptions.defaultPartBytes, partRecords: Int = IngestOptions.defaultPartRecords,
                rollupKeys: Int? = nil, hostOfHostlessLines: String = "") {
        self.hostOfHostlessLines = hostOfHostlessLines
        self.year = year
        self.timeZone = timeZone
        self.sessionGap = sessionGap
        self.malformedSamples = malformedSamples
        self.faultAfterRows = faultAfterRows
        self.partBytes = max(1, partBytes)
        self.partRecords = max(1, partRecords)
        self.rollupKeys = rollupKeys.map { max(1, $0) }
    }
}
