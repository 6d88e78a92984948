import MailTLSParser
import MailTLSStore

/// Adds a writer's rollup counts (`RollupAccumulator`, the SQLite writer's own) to the rollup tables of
/// the PostgreSQL store, in the transaction of the part they count.
///
/// The counts go by COPY into temporary tables shaped like the rollups (`stagingParts`: an ingest
/// stages them whenever they hold many keys, so they never take much memory), then at the commit one
/// upsert per rollup adds them, summed by key, in key order (`upsertStaged`): two writers adding to
/// the same day's rows lock them in the same order, so one waits for the other and neither deadlocks. Counting in memory as rows are written is what the
/// SQLite store does; computing the counts with SQL from the part's rows was measured first and took
/// two thirds of the load time (docs/fleet.md).
enum PostgresRollups {
    /// The rollups with the columns of their primary key (what the upsert orders and conflicts on).
    static let keys: [(table: String, key: [String], count: String)] = [
        ("rollup_sessions", ["day", "host", "role", "loopback", "version", "verify", "cipher", "cipher_bits"], "sessions"),
        ("rollup_peer_ciphers", ["role", "cipher", "peer", "loopback", "host", "cipher_bits"], "sessions"),
        ("rollup_traffic", ["day", "host", "direction", "loopback", "encrypted"], "n"),
        ("rollup_failures", ["day", "host", "role", "loopback", "kind"], "n"),
        ("rollup_auth", ["day", "host", "role", "loopback", "success", "mech", "over_tls"], "n"),
        ("rollup_peer_sessions", ["day", "host", "role", "loopback", "peer", "version", "verify", "cipher", "cipher_bits"],
         "sessions"),
    ]

    static func upsert(_ table: String, key: [String], count: String) -> String {
        let staged = "pg_temp.stage_\(table)"
        return """
            INSERT INTO \(table) SELECT * FROM \(staged) AS s ORDER BY \(key.map { "s." + $0 }.joined(separator: ", "))
            ON CONFLICT ON CONSTRAINT \(table)_pkey DO UPDATE SET \(count) = \(table).\(count) + excluded.\(count),
                first_ts = least(\(table).first_ts, excluded.first_ts), last_ts = greatest(\(table).last_ts, excluded.last_ts)
            """
    }

    /// The upsert of what was staged (`stagingParts`, maybe several times in the transaction), summed by key.
    static func upsertGrouped(_ table: String, key: [String], count: String) -> String {
        let keys = key.map { "s." + $0 }.joined(separator: ", ")
        return """
            INSERT INTO \(table) (\(key.joined(separator: ", ")), \(count), first_ts, last_ts)
            SELECT \(keys), sum(s.\(count)), min(s.first_ts), max(s.last_ts) FROM pg_temp.stage_\(table) AS s
            GROUP BY \(keys) ORDER BY \(keys)
            ON CONFLICT ON CONSTRAINT \(table)_pkey DO UPDATE SET \(count) = \(table).\(count) + excluded.\(count),
                first_ts = least(\(table).first_ts, excluded.first_ts), last_ts = greatest(\(table).last_ts, excluded.last_ts)
            """
    }

    /// Adds what was staged in this transaction into `tables` to the rollups, summed by key, in key
    /// order. The staging tables empty themselves at the commit (`ON COMMIT DELETE ROWS`).
    static func upsertStaged(_ tables: Set<String>, into connection: PostgresConnection) throws {
        for (table, key, count) in keys where tables.contains(table) {
            try connection.execute(upsertGrouped(table, key: key, count: count))
        }
    }

    /// Creates the staging tables (temporary, of this session, emptied at each commit) where missing
    /// and returns each rollup's columns. Created in a transaction that rolls back, they go with it: the
    /// writer then creates them again (`PostgresWriter.rollback`).
    static func createStagingTables(on connection: PostgresConnection) throws -> [String: [String]] {
        var columns: [String: [String]] = [:]
        for (table, _, _) in keys {
            let stage = "stage_\(table)"
            try connection.execute("CREATE TEMP TABLE IF NOT EXISTS \(stage) (LIKE \(table)) ON COMMIT DELETE ROWS")
            columns[table] = try connection.query("""
                SELECT attname FROM pg_attribute WHERE attrelid = 'pg_temp.\(stage)'::regclass AND attnum > 0
                AND NOT attisdropped ORDER BY attnum
                """).map { $0[0]! }
        }
        return columns
    }

    /// The counts as COPY text into the staging tables (`createStagingTables`), one part per rollup
    /// with counts, each in a buffer of its own (freed once sent); clears the accumulator. The parts go
    /// through the writer's `CopySender` like its rows; `upsertStaged` adds them to the rollups before
    /// the commit.
    /// `rollup_peer_sessions` holds `texts` ids (0 for none), as in SQLite: `texts` gives them, from
    /// its cache (the rows that hold the values were just written) or the server.
    ///
    /// Written field by field into one buffer per table: building an array of values per row and
    /// finding the table's buffer by name, with every text's id in a `Dictionary`, took 13 % of the
    /// writer thread (perf, 100 MiB log), as much as its text cache lookups for all rows.
    static func stagingParts(_ acc: RollupAccumulator, texts: PostgresTexts,
                             columns: [String: [String]]) throws -> [(table: String, part: CopySender.Part)] {
        defer { acc.clear() }
        guard !acc.isEmpty else { return [] }
        var t = CopyText()
        var parts: [(table: String, part: CopySender.Part)] = []
        func part(_ table: String, _ write: (inout CopyText) throws -> Void) rethrows {
            t.removeAll()
            try write(&t)
            guard !t.isEmpty, let names = columns[table] else { return }
            let b = CopyBytes(capacity: t.count)
            t.copy(into: b)
            parts.append((table, CopySender.Part(table: "pg_temp.stage_\(table)", columns: names, bytes: b, reuse: false)))
        }
        // In `keys` order, as before: the upserts go table by table in that order.
        part("rollup_sessions") { t in
            acc.sessions.forEach { k, c in
                t.day(k.day); t.text(k.host); t.text(k.role); t.flag(k.local); t.text(k.version); t.text(k.verify)
                t.text(k.cipher); t.int(Int64(k.bits)); t.int(Int64(c.n)); t.time(c.first); t.time(c.last); t.endRow()
            }
        }
        part("rollup_peer_ciphers") { t in
            acc.peerCiphers.forEach { k, c in
                t.text(k.role); t.text(k.cipher); t.text(k.peer); t.flag(k.local); t.text(k.host)
                t.int(Int64(k.bits)); t.int(Int64(c.n)); t.time(c.first); t.time(c.last); t.endRow()
            }
        }
        part("rollup_traffic") { t in
            acc.traffic.forEach { k, c in
                t.day(k.day); t.text(k.host); t.text(k.inbound ? "inbound" : "outbound"); t.flag(k.local)
                t.flag(k.encrypted); t.int(Int64(c.n)); t.time(c.first); t.time(c.last); t.endRow()
            }
        }
        part("rollup_failures") { t in
            acc.failures.forEach { k, c in
                t.day(k.day); t.text(k.host); t.text(k.role); t.flag(k.local); t.text(k.kind); t.int(Int64(c.n))
                t.time(c.first); t.time(c.last); t.endRow()
            }
        }
        part("rollup_auth") { t in
            acc.auth.forEach { k, c in
                t.day(k.day); t.text(k.host); t.text(k.role); t.flag(k.local); t.flag(k.success); t.text(k.mech)
                t.flag(k.overTLS); t.int(Int64(c.n)); t.time(c.first); t.time(c.last); t.endRow()
            }
        }
        // `texts` ids from the cache (the rows that hold the values were just written); when some are
        // not there, they are asked for at once and the table written again (a lookup of its own for
        // any the cache then lost, when it started again meanwhile).
        var missing = Set<String>()
        func cached(_ v: String?) -> Int64 {
            guard let v else { return 0 }
            if let id = texts.cachedID(v) { return id }
            missing.insert(v)
            return 0
        }
        func peerSessions(_ id: (String?) throws -> Int64) rethrows {
            try part("rollup_peer_sessions") { t in
                try acc.peerSessions.forEach { k, c in
                    t.int(k.day); t.int(try id(k.host)); t.int(try id(k.role)); t.flag(k.local); t.int(try id(k.peer))
                    t.int(try id(k.version)); t.int(try id(k.verify)); t.int(try id(k.cipher)); t.int(Int64(k.bits))
                    t.int(Int64(c.n)); t.int(c.first); t.int(c.last); t.endRow()
                }
            }
        }
        peerSessions(cached)
        if !missing.isEmpty {
            if parts.last?.table == "rollup_peer_sessions" { parts.removeLast() }
            try texts.resolve(missing)
            try peerSessions { v in
                guard let v else { return 0 }
                return try texts.cachedID(v) ?? texts.id(v) ?? 0
            }
        }
        return parts
    }

    /// Rows of one staging table in COPY text format, written a field at a time.
    struct CopyText {
        private var bytes: [UInt8] = []
        private var rowStarted = false

        var count: Int { bytes.count }
        var isEmpty: Bool { bytes.isEmpty }

        private mutating func field() {
            if rowStarted { bytes.append(0x09) }
            rowStarted = true
        }
        mutating func int(_ n: Int64) { field(); PostgresRowBuffer.appendDecimal(n, to: &bytes) }
        mutating func flag(_ b: Bool) { field(); bytes.append(b ? 0x31 : 0x30) }
        mutating func text(_ s: String) { field(); PostgresRowBuffer.appendEscaped(s, to: &bytes) }
        /// A day number as the rollups' `day` text (`YYYY-MM-DD`).
        mutating func day(_ d: Int64) { text(CivilTime.isoDate(d * 86400)) }
        /// Seconds since 1970 as the rollups' ISO 8601 text (`CivilTime.iso8601`), its digits written
        /// in place for years 1000-9999 (no String per value).
        mutating func time(_ t: Int64) {
            let days = Int(t >= 0 ? t / 86400 : (t - 86399) / 86400)
            let (y, m, d) = CivilTime.date(days: days)
            guard (1000...9999).contains(y) else { return text(CivilTime.iso8601(t)) }
            let s = Int(t - Int64(days) * 86400)
            field()
            func two(_ v: Int) { bytes.append(UInt8(48 + v / 10)); bytes.append(UInt8(48 + v % 10)) }
            two(y / 100); two(y % 100); bytes.append(0x2D); two(m); bytes.append(0x2D); two(d); bytes.append(0x54)
            two(s / 3600); bytes.append(0x3A); two(s / 60 % 60); bytes.append(0x3A); two(s % 60); bytes.append(0x5A)
        }
        mutating func endRow() {
            bytes.append(0x0A)
            rowStarted = false
        }
        mutating func removeAll() {
            bytes.removeAll(keepingCapacity: true)
            rowStarted = false
        }
        func copy(into b: CopyBytes) {
            bytes.withUnsafeBufferPointer { d in
                guard let base = d.baseAddress, d.count > 0 else { return }
                b.reserve(d.count).update(from: base, count: d.count)
                b.commit(d.count)
            }
        }
    }
}
