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
    static func stagingParts(_ acc: RollupAccumulator, texts: PostgresTexts,
                             columns: [String: [String]]) throws -> [(table: String, part: CopySender.Part)] {
        defer { acc.clear() }
        guard !acc.isEmpty else { return [] }
        var values: [String] = []
        acc.peerSessions.forEach { k, _ in
            values += [k.host, k.role, k.version, k.verify, k.cipher]
            if let p = k.peer { values.append(p) }
        }
        let found = try texts.resolve(values)
        func id(_ s: String?) -> Value { .int(s.flatMap { found[$0] } ?? 0) }
        var rows: [String: [UInt8]] = [:]
        func add(_ table: String, _ values: [Value]) {
            // In place: `var out = rows[table]` would copy the whole table's text for every row.
            rows[table, default: []].appendRow(values)
        }
        func day(_ d: Int64) -> Value { .text(CivilTime.isoDate(d * 86400)) }
        func time(_ t: Int64) -> Value { .text(CivilTime.iso8601(t)) }
        func flag(_ b: Bool) -> Value { .int(b ? 1 : 0) }
        acc.sessions.forEach { k, c in
            add("rollup_sessions", [day(k.day), .text(k.host), .text(k.role), flag(k.local), .text(k.version), .text(k.verify),
                                    .text(k.cipher), .int(Int64(k.bits)), .int(Int64(c.n)), time(c.first), time(c.last)])
        }
        acc.peerCiphers.forEach { k, c in
            add("rollup_peer_ciphers", [.text(k.role), .text(k.cipher), .text(k.peer), flag(k.local), .text(k.host),
                                        .int(Int64(k.bits)), .int(Int64(c.n)), time(c.first), time(c.last)])
        }
        acc.traffic.forEach { k, c in
            add("rollup_traffic", [day(k.day), .text(k.host), .text(k.inbound ? "inbound" : "outbound"), flag(k.local),
                                   flag(k.encrypted), .int(Int64(c.n)), time(c.first), time(c.last)])
        }
        acc.failures.forEach { k, c in
            add("rollup_failures", [day(k.day), .text(k.host), .text(k.role), flag(k.local), .text(k.kind), .int(Int64(c.n)),
                                    time(c.first), time(c.last)])
        }
        acc.auth.forEach { k, c in
            add("rollup_auth", [day(k.day), .text(k.host), .text(k.role), flag(k.local), flag(k.success), .text(k.mech),
                                flag(k.overTLS), .int(Int64(c.n)), time(c.first), time(c.last)])
        }
        acc.peerSessions.forEach { k, c in
            add("rollup_peer_sessions", [.int(k.day), id(k.host), id(k.role), flag(k.local), id(k.peer),
                                         id(k.version), id(k.verify), id(k.cipher), .int(Int64(k.bits)),
                                         .int(Int64(c.n)), .int(c.first), .int(c.last)])
        }
        var parts: [(table: String, part: CopySender.Part)] = []
        for (table, _, _) in keys {
            guard let data = rows[table], let names = columns[table] else { continue }
            let b = CopyBytes(capacity: data.count)
            data.withUnsafeBytes { d in
                b.reserve(d.count).update(from: d.bindMemory(to: UInt8.self).baseAddress!, count: d.count)
                b.commit(d.count)
            }
            parts.append((table, CopySender.Part(table: "pg_temp.stage_\(table)", columns: names, bytes: b, reuse: false)))
        }
        return parts
    }

    enum Value {
        case null
        case int(Int64)
        case text(String)
    }
}

extension [UInt8] {
    /// One row in COPY text format.
    mutating func appendRow(_ values: [PostgresRollups.Value]) {
        for (i, v) in values.enumerated() {
            if i > 0 { append(0x09) }
            switch v {
            case .null: append(0x5C); append(0x4E)
            case .int(let n): PostgresRowBuffer.appendDecimal(n, to: &self)
            case .text(let s): PostgresRowBuffer.appendEscaped(s, to: &self)
            }
        }
        append(0x0A)
    }
}
