import MailTLSStore

/// `mailtls ingest --reingest FILE` on PostgreSQL: the SQLite store's steps (`Store+Sources`,
/// `Store.removeFromRollups`) in PostgreSQL's SQL, all in the re-ingest's one transaction. Deleting
/// needs a role that may delete (the owner; `mailtls_ingest` may not, by design).
extension PostgresStore {
    /// The ids of `table`'s rows read from a source, in order.
    public func ids(of table: String, sourceID: Int64) throws -> [Int64] {
        try connection.query("SELECT id FROM \(table) WHERE source_id = $1 ORDER BY id", [String(sourceID)])
            .compactMap { $0[0].flatMap { Int64($0) } }
    }

    /// `Store.saveCompletions`: what later lines (of other files) added to a source's rows (a failure's
    /// peer and ruleset, a session's certificate, the rest of a delivery's recipients), kept before they
    /// are deleted; `restoreCompletions` puts it back on the re-read rows (which get the same ids).
    public func saveCompletions(sourceID: Int64) throws {
        for (table, select) in Store.savedCompletions(sourceID: sourceID) {
            try connection.execute("DROP TABLE IF EXISTS pg_temp.\(table); CREATE TEMP TABLE \(table) AS \(select)")
        }
    }

    public func restoreCompletions() throws {
        try connection.execute("""
            UPDATE failure_rows f SET
                loopback = CASE WHEN f.peer IS NULL AND f.peer_ip IS NULL THEN coalesce(s.loopback, f.loopback) ELSE f.loopback END,
                peer = coalesce(f.peer, s.peer), peer_ip = coalesce(f.peer_ip, s.peer_ip), relay = coalesce(f.relay, s.relay),
                ruleset = coalesce(f.ruleset, s.ruleset), ruleset_arg = coalesce(f.ruleset_arg, s.ruleset_arg),
                reject = coalesce(f.reject, s.reject)
            FROM saved_completions s WHERE s.id = f.id;
            UPDATE session_rows r SET
                cert_subject = coalesce(r.cert_subject, s.cert_subject), cert_issuer = coalesce(r.cert_issuer, s.cert_issuer),
                verifymsg = coalesce(r.verifymsg, s.verifymsg)
            FROM saved_certificates s WHERE s.id = r.id;
            UPDATE delivery_rows d SET recipients = s.recipients, nrcpts = s.nrcpts
            FROM saved_recipients s WHERE s.id = d.id AND s.nrcpts > d.nrcpts;
            DROP TABLE saved_completions;
            DROP TABLE saved_certificates;
            DROP TABLE saved_recipients;
            """)
    }

    /// `Store.keepRowsForReingest`: a source's rows of `Store.keptTables` copied aside (temporary
    /// tables dropped at the commit) before `deleteRows` removes them.
    public func keepRowsForReingest(sourceID: Int64) throws {
        for (t, _) in Store.keptTables {
            try connection.execute("""
                DROP TABLE IF EXISTS pg_temp.kept_\(t);
                CREATE TEMP TABLE kept_\(t) ON COMMIT DROP AS SELECT * FROM \(t) WHERE source_id = \(sourceID);
                """)
        }
    }

    /// `Store.restoreKeptRows`: puts back the kept rows of `table` read from the lines at `offsets`,
    /// with their ids (each writer's ids come from blocks no other row has), and returns the offsets
    /// put back; a row whose id is taken again stays out.
    public func restoreKeptRows(table: String, offsets: [Int64]) throws -> Set<Int64> {
        guard Store.keptTables.contains(where: { $0.table == table }), !offsets.isEmpty else { return [] }
        let rows = try connection.query("""
            INSERT INTO \(table) SELECT * FROM pg_temp.kept_\(table)
            WHERE source_offset IN (\(offsets.map(String.init).joined(separator: ","))) ORDER BY source_offset
            ON CONFLICT DO NOTHING RETURNING source_offset
            """)
        var restored = Set(rows.compactMap { $0[0].flatMap { Int64($0) } })
        if table == "auth_rows" {
            // An AUTH that lives on its message row (schema v6) comes back with that row.
            let onMessages = try connection.query("""
                SELECT source_offset FROM pg_temp.kept_message_rows WHERE auth_role IS NOT NULL
                AND source_offset IN (\(offsets.map(String.init).joined(separator: ",")))
                """)
            restored.formUnion(onMessages.compactMap { $0[0].flatMap { Int64($0) } })
        }
        return restored
    }

    /// Adds (`sign` 1) or subtracts (-1) a source's rows to or from the rollups; rollup rows brought to
    /// zero are dropped.
    public func addToRollups(sourceID: Int64, sign: Int) throws {
        try addToRollups(sources: String(sourceID), sign: sign)
    }

    /// `addToRollups(sourceID:sign:)` for the sources `sources` names (an id list or a subquery).
    func addToRollups(sources: String, sign: Int) throws {
        for sql in PostgresSchema.rollupDeltas(sign: sign, filter: { _ in "r.source_id IN (\(sources))" }) {
            try connection.execute(sql)
        }
        guard sign < 0 else { return }
        for (table, _, count) in PostgresRollups.keys { try connection.execute("DELETE FROM \(table) WHERE \(count) = 0") }
    }

    /// Removes every row (and local-mail count) read from a source.
    public func deleteRows(sourceID: Int64) throws {
        try deleteRows(sources: String(sourceID))
    }

    /// `deleteRows(sourceID:)` for the sources `sources` names (an id list or a subquery).
    func deleteRows(sources: String) throws {
        for t in CompactRows.tables { try connection.execute("DELETE FROM \(t.base) WHERE source_id IN (\(sources))") }
        try connection.execute("DELETE FROM local_mail WHERE source_id IN (\(sources))")
    }
}

extension PostgresWriter.IDState {
    /// The linker numbers of store ids `ids`, through the blocks of `starts` (the inverse of
    /// `RowIDBlocks.global`); ids in no block of this map (written by another host) are left out.
    public static func numbers(of ids: [Int64], starts: [Int64: Int64]) -> [Int64] {
        let block = PostgresSchema.idBlock
        let sorted = starts.map { (k: $0.key, start: $0.value) }.sorted { $0.start < $1.start }
        return ids.compactMap { id in
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid].start <= id { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0, id < sorted[lo - 1].start + block else { return nil }
            return sorted[lo - 1].k * block + (id - sorted[lo - 1].start) + 1
        }
    }
}
