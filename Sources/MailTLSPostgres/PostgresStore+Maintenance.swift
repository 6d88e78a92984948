import MailTLSParser
import MailTLSStore

/// What `mailtls status`, `prune`, `rebuild-rollups` and `schema` do on the PostgreSQL store: the same as
/// on SQLite, in PostgreSQL's SQL.
extension PostgresStore {
    /// The database's size on disk (tables, indexes, everything).
    public func databaseSize() throws -> Int64 {
        try connection.scalarInt("SELECT pg_database_size(current_database())") ?? 0
    }

    /// The database's collation when it is not C's (`C`, `POSIX`, `C.UTF-8`): reports then order rows
    /// whose figures tie by PostgreSQL's rules for that language, not as a SQLite store does
    /// (docs/fleet.md asks for `--locale=C.UTF-8`). Nil for a C collation, or when the server does not say.
    public func nonCCollation() -> String? {
        let rows = (try? connection.query("""
            SELECT CASE WHEN datlocprovider = 'i' THEN 'icu:' || daticulocale ELSE datcollate END
            FROM pg_database WHERE datname = current_database()
            """)) ?? (try? connection.query("SELECT datcollate FROM pg_database WHERE datname = current_database()"))
        guard let value = rows?.first?.first ?? nil else { return nil }
        return ["C", "POSIX", "C.UTF-8", "C.utf8"].contains(value) ? nil : value
    }

    /// Local deliveries and submissions, counted instead of stored.
    public func localMailCounts() throws -> (deliveries: Int64, submissions: Int64) {
        let r = try connection.query("""
            SELECT coalesce(sum(n) FILTER (WHERE kind = 'delivery'), 0), coalesce(sum(n) FILTER (WHERE kind = 'submission'), 0)
            FROM local_mail
            """)
        return (r.first?[0].flatMap { Int64($0) } ?? 0, r.first?[1].flatMap { Int64($0) } ?? 0)
    }

    /// Every host's sources, by host and then oldest first.
    public func allSources() throws -> [(ingestHost: String, source: SourceRecord)] {
        let rows = try connection.query("SELECT ingest_host, \(Self.sourceColumns) FROM sources ORDER BY ingest_host, id")
        return zip(rows.map { $0[0] ?? "" }, sources(rows.map { Array($0.dropFirst()) })).map { ($0, $1) }
    }

    /// Deletes the rows of every data table (and the local-mail counts of the days) before `cutoff`
    /// (UTC seconds), in one transaction, as `Store.prune` does: rollups and checkpoints are kept.
    public func prune(before cutoff: Int64) throws -> [(table: String, rows: Int)] {
        try connection.transaction {
            // The sources whose rows this prune deletes (`PrunedSources`), as the deletes return them:
            // hosts go on ingesting meanwhile, and only what was deleted counts. Two prunes note one
            // after the other.
            try connection.execute("SELECT pg_advisory_xact_lock(\(Self.pruneNoteLock))")
            var pruned = PrunedSources(json: try state(ingestHost: "", Store.prunedBeforeKey))
            var removed: [(String, Int)] = []
            // Sessions and AUTH that live on message and delivery rows (`CompactRows.carried`) go with
            // those rows: counted before any row goes.
            var carriedCounts: [String: Int] = [:]
            for c in CompactRows.carried {
                carriedCounts[c.table.base] = Int(try connection.scalarInt("SELECT count(*) FROM \(c.allRows) WHERE ts < \(cutoff)") ?? 0)
            }
            for t in CompactRows.tables {
                let rows = try connection.query(
                    "WITH d AS (DELETE FROM \(t.base) WHERE ts < $1 RETURNING source_id) SELECT source_id, count(*) FROM d GROUP BY 1",
                    [String(cutoff)])
                var n = 0
                for r in rows {
                    if let id = r[0].flatMap({ Int64($0) }) { pruned.note(source: id, cutoff: cutoff) }
                    n += r[1].flatMap { Int($0) } ?? 0
                }
                removed.append((t.view, carriedCounts[t.base] ?? n))
            }
            for r in try connection.query("WITH d AS (DELETE FROM local_mail WHERE day < $1 RETURNING source_id) SELECT DISTINCT source_id FROM d",
                                          [CivilTime.isoDate(cutoff)]) {
                if let id = r[0].flatMap({ Int64($0) }) { pruned.note(source: id, cutoff: cutoff) }
            }
            try setState(ingestHost: "", Store.prunedBeforeKey, pruned.json)
            return removed
        }
    }

    /// `Store.prunedBefore(sourceID:)`: the sources' prune cutoffs are kept store-wide
    /// (`ingest_state` under the ingesting host '', which no host is), for every host's sources.
    public func prunedBefore(sourceID: Int64) throws -> Int64? {
        try prunedSources().cutoffs[sourceID]
    }

    /// The record of which sources each prune deleted rows of (`PrunedSources`).
    public func prunedSources() throws -> PrunedSources {
        PrunedSources(json: try state(ingestHost: "", Store.prunedBeforeKey))
    }

    /// The advisory lock two prunes take to note their sources one after the other.
    static let pruneNoteLock: Int64 = 0x6d61_696c_7072_756e   // "mailprun"

    /// Gives the freed space back to reuse (`VACUUM`; PostgreSQL's plain VACUUM, not FULL, so readers
    /// and writers are not locked out), for the tables prune deletes from: a bare `VACUUM` goes over
    /// the whole database, and for every system catalog the owner may not vacuum PostgreSQL prints a
    /// warning (about 50 lines in a cron mail).
    public func vacuum() throws {
        let tables = CompactRows.tables.map(\.base) + ["local_mail"]
        try connection.execute("VACUUM " + tables.joined(separator: ", "))
    }

    /// Recounts every rollup table from the rows, in one transaction, as `Store.rebuildRollups` does
    /// (the same delta definitions, in PostgreSQL's dialect). Ingests wait for it at their next commit.
    public func rebuildRollups() throws {
        try connection.transaction {
            // Ingests add their counts at commit: locked out until this one commits, their rows are
            // either visible to the recount (committed before the lock) or added after it.
            try connection.execute("LOCK TABLE \(Rollups.tableNames.joined(separator: ", ")) IN EXCLUSIVE MODE")
            for t in Rollups.tableNames { try connection.execute("DELETE FROM \(t)") }
            for sql in PostgresSchema.rollupDeltas(sign: 1, filter: { _ in "true" }) { try connection.execute(sql) }
        }
    }

    /// The schema as `mailtls schema` prints it: every migration's statements, with their comments.
    public static var documentation: String {
        PostgresSchema.migrations.map { m in
            "-- Migration \(m.version): \(m.name)\n\n" + m.statements.map { $0.trimmed + ";" }.joined(separator: "\n\n")
        }.joined(separator: "\n\n")
    }
}
