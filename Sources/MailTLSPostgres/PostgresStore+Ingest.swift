import MailTLSParser
import MailTLSStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `mailtls ingest --db postgresql://…` keeps per ingesting host besides the rows: the linker's open
/// sessions (`ingest_state`), the state before each source's first line, the history of runs, and the
/// host's advisory lock.
extension PostgresStore {
    /// Ingest state `key` of `ingestHost` (JSON text), nil when none was saved.
    public func state(ingestHost: String, _ key: String) throws -> String? {
        try connection.query("SELECT value FROM ingest_state WHERE ingest_host = $1 AND key = $2", [ingestHost, key])
            .first?.first ?? nil
    }

    /// Saves ingest state `key` of `ingestHost` (in the caller's transaction).
    public func setState(ingestHost: String, _ key: String, _ value: String) throws {
        try connection.query("""
            INSERT INTO ingest_state(ingest_host, key, value) VALUES ($1, $2, $3)
            ON CONFLICT (ingest_host, key) DO UPDATE SET value = excluded.value
            """, [ingestHost, key, value])
    }

    /// The open-session state saved when the source's first line was read.
    public func stateBefore(sourceID: Int64) throws -> String? {
        try connection.query("SELECT state_before FROM sources WHERE id = $1", [String(sourceID)]).first?.first ?? nil
    }

    public func setStateBefore(sourceID: Int64, _ json: String) throws {
        try connection.query("UPDATE sources SET state_before = $1 WHERE id = $2", [json, String(sourceID)])
    }

    /// The head fingerprint lengths among `ingestHost`'s sources (most are 4096; short files less).
    public func headLengths(ingestHost: String) throws -> [Int] {
        try connection.query("""
            SELECT DISTINCT head_length FROM sources WHERE ingest_host = $1 AND head_length IS NOT NULL
            ORDER BY head_length DESC
            """, [ingestHost]).compactMap { $0[0].flatMap { Int($0) } }
    }

    /// Appends a run of `ingestHost` to `ingest_runs`.
    public func recordIngestRun(ingestHost: String, _ r: IngestRunRecord) throws {
        try connection.query("""
            INSERT INTO ingest_runs(ingest_host, started, finished, files, files_failed, bytes, lines, sessions, messages,
                deliveries, auth, failures, skipped, malformed, summary)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """, [ingestHost, CivilTime.iso8601(r.started), CivilTime.iso8601(r.finished), String(r.files), String(r.filesFailed),
                  String(r.bytes), String(r.lines), String(r.rows.sessions), String(r.rows.messages),
                  String(r.rows.deliveries), String(r.rows.auth), String(r.rows.failures), String(r.skipped),
                  String(r.malformed), r.summary])
    }

    /// The last run (of any host): when it started, the host and its summary line; nil before the first.
    public func lastIngestRun() throws -> (started: String, ingestHost: String, summary: String)? {
        guard let r = try connection.query(
            "SELECT started, ingest_host, summary FROM ingest_runs ORDER BY started DESC, id DESC LIMIT 1").first
        else { return nil }
        return (r[0] ?? "?", r[1] ?? "?", r[2] ?? "")
    }

    /// Key of the advisory locks of ingesting hosts (single-key form: a key space apart from the
    /// two-key source locks). "mtlshost" in ASCII, plus the host's hash.
    static let hostLockKey = "(\(0x6D74_6C73) :: bigint << 32) | (hashtext($1) :: bigint & 4294967295)"

    /// Takes `ingestHost`'s advisory lock for this connection's session, trying until `wait` seconds have
    /// passed; false when another ingest of the same host still holds it. One ingest per host at a time
    /// (the host's linker state is one value); other hosts are not held up.
    public func lockHost(_ ingestHost: String, wait: Double) throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(max(0, wait) * 1000))
        while true {
            let got = try connection.query("SELECT pg_try_advisory_lock(\(Self.hostLockKey))", [ingestHost])
            if got.first?.first == "t" { return true }
            if ContinuousClock.now >= deadline { return false }
            usleep(100_000)
        }
    }

    public func unlockHost(_ ingestHost: String) throws {
        try connection.query("SELECT pg_advisory_unlock(\(Self.hostLockKey))", [ingestHost])
    }
}
