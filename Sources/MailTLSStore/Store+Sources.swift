import MailTLSParser

/// Checkpoints and per-source row management.
extension Store {
    static let sourceColumns = """
        id, path, device, inode, size, mtime, offset, head_length, head_hash, tail_hash, compression, lines, last_ingest
        """

    private func readSources(_ s: Statement) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        while try s.step() {
            out.append(SourceRecord(
                id: s.int64(0), path: s.string(1) ?? "", device: s.value(2).int, inode: s.value(3).int,
                size: s.value(4).int, mtime: s.value(5).int, offset: s.int64(6), headLength: s.value(7).int.map(Int.init),
                headHash: s.string(8), tailHash: s.string(9), compression: s.string(10), lines: s.int64(11),
                lastIngest: s.string(12)))
        }
        return out
    }

    /// Every source, oldest first.
    public func sources() throws -> [SourceRecord] {
        try readSources(try database.prepare("SELECT \(Self.sourceColumns) FROM sources ORDER BY id"))
    }

    /// The source last read from exactly this file (same device, inode, size and mtime): nothing new.
    public func source(device: Int64, inode: Int64, size: Int64, mtime: Int64) throws -> SourceRecord? {
        let s = try database.prepare("""
            SELECT \(Self.sourceColumns) FROM sources
            WHERE device = ? AND inode = ? AND size = ? AND mtime = ? ORDER BY id DESC LIMIT 1
            """)
        s.bind(1, device)
        s.bind(2, inode)
        s.bind(3, size)
        s.bind(4, mtime)
        return try readSources(s).first
    }

    /// Sources whose first `headLength` content bytes hash to `headHash`.
    public func sources(headHash: String, headLength: Int) throws -> [SourceRecord] {
        let s = try database.prepare("""
            SELECT \(Self.sourceColumns) FROM sources WHERE head_hash = ? AND head_length = ? ORDER BY id DESC
            """)
        s.bind(1, headHash)
        s.bind(2, headLength)
        return try readSources(s)
    }

    /// The head lengths in use (files shorter than the fingerprint window have their own).
    public func headLengths() throws -> [Int] {
        let s = try database.prepare("SELECT DISTINCT head_length FROM sources WHERE head_length IS NOT NULL ORDER BY 1 DESC")
        var out: [Int] = []
        while try s.step() { out.append(Int(s.int64(0))) }
        return out
    }

    /// Inserts a new source and returns its id.
    public func insertSource(_ r: SourceRecord) throws -> Int64 {
        let s = try database.prepare("""
            INSERT INTO sources(path, device, inode, size, mtime, offset, head_length, head_hash, tail_hash, compression,
                lines, first_ingest, last_ingest)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        bindSource(s, r)
        s.bind(12, ISO8601.now())
        s.bind(13, ISO8601.now())
        try s.run()
        return database.lastInsertRowID
    }

    /// Saves a source's new checkpoint.
    public func updateSource(_ r: SourceRecord) throws {
        let s = try database.prepare("""
            UPDATE sources SET path = ?, device = ?, inode = ?, size = ?, mtime = ?, offset = ?, head_length = ?,
                head_hash = ?, tail_hash = ?, compression = ?, lines = ?, last_ingest = ?
            WHERE id = ?
            """)
        bindSource(s, r)
        s.bind(12, ISO8601.now())
        s.bind(13, r.id)
        try s.run()
    }

    private func bindSource(_ s: Statement, _ r: SourceRecord) {
        s.bind(1, r.path)
        s.bind(2, r.device)
        s.bind(3, r.inode)
        s.bind(4, r.size)
        s.bind(5, r.mtime)
        s.bind(6, r.offset)
        s.bind(7, r.headLength)
        s.bind(8, r.headHash)
        s.bind(9, r.tailHash)
        s.bind(10, r.compression)
        s.bind(11, r.lines)
    }

    /// The open-session state saved when the source's first line was read.
    public func stateBefore(sourceID: Int64) throws -> String? {
        let s = try database.prepare("SELECT state_before FROM sources WHERE id = ?")
        s.bind(1, sourceID)
        return try s.step() ? s.string(0) : nil
    }

    public func setStateBefore(sourceID: Int64, _ json: String) throws {
        let s = try database.prepare("UPDATE sources SET state_before = ? WHERE id = ?")
        s.bind(1, json)
        s.bind(2, sourceID)
        try s.run()
    }

    /// The ids of the TLS sessions read from a source, in order.
    public func sessionIDs(sourceID: Int64) throws -> [Int64] {
        let s = try database.prepare("SELECT id FROM \(CompactRows.allSessionRows) WHERE source_id = ? ORDER BY id")
        s.bind(1, sourceID)
        var out: [Int64] = []
        while try s.step() { out.append(s.int64(0)) }
        return out
    }

    /// The ids of the deliveries read from a source, in order.
    public func deliveryIDs(sourceID: Int64) throws -> [Int64] {
        let s = try database.prepare("SELECT id FROM delivery_rows WHERE source_id = ? ORDER BY id")
        s.bind(1, sourceID)
        var out: [Int64] = []
        while try s.step() { out.append(s.int64(0)) }
        return out
    }

    /// The ids of the TLS failures read from a source, in order.
    public func failureIDs(sourceID: Int64) throws -> [Int64] {
        let s = try database.prepare("SELECT id FROM failure_rows WHERE source_id = ? ORDER BY id")
        s.bind(1, sourceID)
        var out: [Int64] = []
        while try s.step() { out.append(s.int64(0)) }
        return out
    }

    /// Keeps what later lines (of other files) added to a source's rows, before they are deleted for
    /// `--reingest`; `restoreCompletions` puts it back on the re-read rows, which get the same ids.
    /// Three kinds: a TLS failure's peer and ruleset (the lines after a sendmail handshake failure),
    /// a session's certificate (sendmail's `cert-subject=` line after its `STARTTLS=` line), and the
    /// rest of a delivery's recipients (sendmail's `to=… [more]` continued): when such a line is in
    /// the next file of a rotation, the re-read of this file alone does not see it.
    public func saveCompletions(sourceID: Int64) throws {
        for (table, select) in Self.savedCompletions(sourceID: sourceID) {
            try database.execute("DROP TABLE IF EXISTS temp.\(table); CREATE TEMP TABLE \(table) AS \(select)")
        }
    }

    /// The temporary tables `saveCompletions` makes (on either store) and what each holds.
    package static func savedCompletions(sourceID: Int64) -> [(table: String, select: String)] {
        [("saved_completions", "SELECT id, loopback, peer, peer_ip, relay, ruleset, ruleset_arg, reject FROM failure_rows "
            + "WHERE source_id = \(sourceID)"),
         ("saved_certificates", "SELECT id, cert_subject, cert_issuer, verifymsg FROM session_rows WHERE source_id = \(sourceID) "
            + "AND (cert_subject IS NOT NULL OR cert_issuer IS NOT NULL OR verifymsg IS NOT NULL)"),
         ("saved_recipients", "SELECT id, recipients, nrcpts FROM delivery_rows WHERE source_id = \(sourceID) AND id IS NOT NULL")]
    }

    public func restoreCompletions() throws {
        try database.execute("""
            UPDATE failure_rows SET
                loopback = CASE WHEN peer IS NULL AND peer_ip IS NULL
                    THEN coalesce((SELECT s.loopback FROM saved_completions s WHERE s.id = failure_rows.id), loopback)
                    ELSE loopback END,
                peer = coalesce(peer, (SELECT s.peer FROM saved_completions s WHERE s.id = failure_rows.id)),
                peer_ip = coalesce(peer_ip, (SELECT s.peer_ip FROM saved_completions s WHERE s.id = failure_rows.id)),
                relay = coalesce(relay, (SELECT s.relay FROM saved_completions s WHERE s.id = failure_rows.id)),
                ruleset = coalesce(ruleset, (SELECT s.ruleset FROM saved_completions s WHERE s.id = failure_rows.id)),
                ruleset_arg = coalesce(ruleset_arg, (SELECT s.ruleset_arg FROM saved_completions s WHERE s.id = failure_rows.id)),
                reject = coalesce(reject, (SELECT s.reject FROM saved_completions s WHERE s.id = failure_rows.id))
            WHERE id IN (SELECT id FROM saved_completions);
            UPDATE session_rows SET
                cert_subject = coalesce(session_rows.cert_subject, s.cert_subject),
                cert_issuer = coalesce(session_rows.cert_issuer, s.cert_issuer),
                verifymsg = coalesce(session_rows.verifymsg, s.verifymsg)
            FROM saved_certificates AS s WHERE s.id = session_rows.id;
            UPDATE delivery_rows SET recipients = s.recipients, nrcpts = s.nrcpts
            FROM saved_recipients AS s WHERE s.id = delivery_rows.id AND s.nrcpts > delivery_rows.nrcpts;
            DROP TABLE temp.saved_completions;
            DROP TABLE temp.saved_certificates;
            DROP TABLE temp.saved_recipients;
            """)
    }

    /// The base tables of the records a linker may still hold when a file ends (Postfix holds a
    /// connection's messages, AUTH and handshake failure until the connection ends, maybe in the next
    /// file), with whether a row keeps its id when put back (`restoreKeptRows`): a failure's id is the
    /// linker's and other rows point at it; a message's or AUTH row's is only the row's.
    public static let keptTables: [(table: String, keepsID: Bool)] = [
        ("message_rows", false), ("auth_rows", false), ("failure_rows", true),
    ]

    /// Copies a source's rows of `keptTables` aside (temporary tables of this connection, in the
    /// re-ingest's transaction) before `deleteRows` removes them. The re-read of a file cannot make
    /// again the rows of records its linker still holds at the file's end: those were written while a
    /// later file was read, completed by its lines. `restoreKeptRows` puts them back.
    public func keepRowsForReingest(sourceID: Int64) throws {
        for (t, _) in Self.keptTables {
            try database.execute("""
                DROP TABLE IF EXISTS temp.kept_\(t);
                CREATE TEMP TABLE kept_\(t) AS SELECT * FROM \(t) WHERE source_id = \(sourceID);
                """)
        }
    }

    /// Puts back the kept rows of `table` read from the lines at `offsets` (`keepRowsForReingest`)
    /// and returns the offsets put back. A failure row whose id is taken again stays out. For
    /// `auth_rows`, the offsets of AUTH kept on their message rows count as put back (with those rows).
    public func restoreKeptRows(table: String, offsets: [Int64]) throws -> Set<Int64> {
        guard let keepsID = Self.keptTables.first(where: { $0.table == table })?.keepsID, !offsets.isEmpty else { return [] }
        var columns: [String] = []
        let info = try database.prepare("SELECT name FROM pragma_table_info('\(table)') ORDER BY cid")
        while try info.step() { columns.append(info.string(0) ?? "") }
        if !keepsID { columns.removeAll { $0 == "id" } }
        let list = columns.joined(separator: ", ")
        let s = try database.prepare("""
            INSERT OR IGNORE INTO \(table) (\(list)) SELECT \(list) FROM temp.kept_\(table)
            WHERE source_offset IN (\(offsets.map(String.init).joined(separator: ","))) ORDER BY source_offset
            RETURNING source_offset
            """)
        var restored = Set<Int64>()
        while try s.step() { restored.insert(s.int64(0)) }
        if table == "auth_rows" {
            // An AUTH that lives on its message row (schema v6) comes back with that row.
            let onMessages = try database.prepare("""
                SELECT source_offset FROM temp.kept_message_rows WHERE auth_role IS NOT NULL
                AND source_offset IN (\(offsets.map(String.init).joined(separator: ",")))
                """)
            while try onMessages.step() { restored.insert(onMessages.int64(0)) }
        }
        return restored
    }

    /// Drops the copies `keepRowsForReingest` made (at the end of the re-ingest).
    public func dropKeptRows() throws {
        for (t, _) in Self.keptTables { try database.execute("DROP TABLE IF EXISTS temp.kept_\(t)") }
    }

    /// Removes every row (and local-mail count) read from a source (for `--reingest`).
    public func deleteRows(sourceID: Int64) throws {
        for t in CompactRows.tables {
            let s = try database.prepare("DELETE FROM \(t.base) WHERE source_id = ?")
            s.bind(1, sourceID)
            try s.run()
        }
        let s = try database.prepare("DELETE FROM local_mail WHERE source_id = ?")
        s.bind(1, sourceID)
        try s.run()
    }

    /// Internal state saved between runs (JSON text).
    public func state(_ key: String) throws -> String? {
        let s = try database.prepare("SELECT value FROM ingest_state WHERE key = ?")
        s.bind(1, key)
        return try s.step() ? s.string(0) : nil
    }

    public func setState(_ key: String, _ value: String) throws {
        let s = try database.prepare(
            "INSERT INTO ingest_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        s.bind(1, key)
        s.bind(2, value)
        try s.run()
    }
}
