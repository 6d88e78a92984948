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
    /// The writer adds its rollup counts to the rollup tables, in the part's transaction, once they hold
    /// this many keys (checked after each batch of rows). The per-peer keys are about one per TLS
    /// session, so a 64 MiB part made ~90,000 of them, and the counting tables, which keep their
    /// storage, grew to 131,072 slots of ~200 bytes (20 MB) for the rest of the run, more on larger
    /// parts (massif). At 8,192 they stay within 16,384 slots (about 6 MB for all six tables) whatever
    /// the part; a key seen again after a flush is upserted once more (docs/performance.md, "Peak
    /// memory of ingest").
    public static let defaultRollupKeys = 8_192

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
    /// Rollup keys counted before they are added to the tables (`defaultRollupKeys`; tests make it small).
    public var rollupKeys: Int

    public init(year: Int? = nil, timeZone: TimeZone = .current, sessionGap: Int64 = 30 * 60,
                malformedSamples: Int = 5, faultAfterRows: Int? = nil,
                partBytes: Int64 = IngestOptions.defaultPartBytes, partRecords: Int = IngestOptions.defaultPartRecords,
                rollupKeys: Int = IngestOptions.defaultRollupKeys) {
        self.year = year
        self.timeZone = timeZone
        self.sessionGap = sessionGap
        self.malformedSamples = malformedSamples
        self.faultAfterRows = faultAfterRows
        self.partBytes = max(1, partBytes)
        self.partRecords = max(1, partRecords)
        self.rollupKeys = max(1, rollupKeys)
    }
}
