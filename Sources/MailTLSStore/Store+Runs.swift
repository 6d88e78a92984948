/// One ingest run, as `ingest_runs` keeps it (the history `mailtls status` shows).
public struct IngestRunRecord: Sendable, Equatable {
    /// UTC seconds.
    public var started: Int64
    public var finished: Int64
    public var files: Int
    public var filesFailed: Int
    /// Content bytes read.
    public var bytes: Int64
    public var lines: Int64
    public var rows: WriteCounts
    public var skipped: Int64
    public var malformed: Int64
    /// The one-line summary printed on stderr.
    public var summary: String

    public init(started: Int64, finished: Int64, files: Int, filesFailed: Int, bytes: Int64, lines: Int64,
                rows: WriteCounts, skipped: Int64, malformed: Int64, summary: String) {
        self.started = started
        self.finished = finished
        self.files = files
        self.filesFailed = filesFailed
        self.bytes = bytes
        self.lines = lines
        self.rows = rows
        self.skipped = skipped
        self.malformed = malformed
        self.summary = summary
    }
}

/// The history of ingest runs.
extension Store {
    /// Appends a run to `ingest_runs`.
    public func recordIngestRun(_ r: IngestRunRecord) throws {
        let s = try database.prepare("""
            INSERT INTO ingest_runs(started, finished, files, files_failed, bytes, lines, sessions, messages, deliveries,
                auth, failures, skipped, malformed, summary) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        s.bind(1, TimeText.iso(r.started))
        s.bind(2, TimeText.iso(r.finished))
        s.bind(3, r.files)
        s.bind(4, r.filesFailed)
        s.bind(5, r.bytes)
        s.bind(6, r.lines)
        s.bind(7, r.rows.sessions)
        s.bind(8, r.rows.messages)
        s.bind(9, r.rows.deliveries)
        s.bind(10, r.rows.auth)
        s.bind(11, r.rows.failures)
        s.bind(12, r.skipped)
        s.bind(13, r.malformed)
        s.bind(14, r.summary)
        try s.run()
    }

    /// The last run: when it started (UTC, ISO 8601) and its summary line; nil before the first.
    public func lastIngestRun() throws -> (started: String, summary: String)? {
        let s = try database.prepare("SELECT started, summary FROM ingest_runs ORDER BY id DESC LIMIT 1")
        guard try s.step() else { return nil }
        return (s.string(0) ?? "?", s.string(1) ?? "")
    }
}
