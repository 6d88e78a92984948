import MailTLSParser
import MailTLSStore

/// Adds a writer's rollup counts (`RollupAccumulator`, the SQLite writer's own) to the rollup tables of
/// the PostgreSQL store, in the transaction of the part they count.
///
/// The counts go by COPY into temporary tables shaped like the rollups, then one upsert per rollup
/// adds them, in key order: two writers adding to the same day's rows lock them in the same order, so
/// one waits for the other and neither deadlocks. Counting in memory as rows are written is what the
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

    /// Stages the counts, upserts them, and clears the accumulator.
    /// `rollup_peer_sessions` holds `texts` ids (0 for none), as in SQLite: `texts` gives them, from
    /// its cache (the rows that hold the values were just written) or the server.
    static func flush(_ acc: RollupAccumulator, into connection: PostgresConnection, texts: PostgresTexts) throws {
        defer { acc.clear() }
        guard !acc.isEmpty else { return }
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
        for (table, key, count) in keys {
            guard let data = rows[table] else { continue }
            let staged = "stage_\(table)"
            try connection.execute("CREATE TEMP TABLE IF NOT EXISTS \(staged) (LIKE \(table)) ON COMMIT DELETE ROWS")
            let columns = try connection.query("""
                SELECT attname FROM pg_attribute WHERE attrelid = 'pg_temp.\(staged)'::regclass AND attnum > 0
                AND NOT attisdropped ORDER BY attnum
                """).map { $0[0]! }
            try data.withUnsafeBytes { try connection.copy(into: "pg_temp.\(staged)", columns: columns, data: $0) }
            // Emptied at once, not only at the commit: an ingest adds counts more than once per transaction
            // (every `IngestOptions.rollupKeys` keys), and a row staged twice would be upserted twice.
            try connection.execute(upsert(table, key: key, count: count) + "; TRUNCATE pg_temp.\(staged)")
        }
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
