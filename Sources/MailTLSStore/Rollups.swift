/// Daily counts kept beside the raw rows, so reports over millions of rows answer at once.
///
/// Maintained at ingest: the writer counts each row it inserts (`RollupAccumulator`) and adds the
/// counts to the rollups in the transaction of each committed part; `--reingest` subtracts a file's rows (with the
/// SQL below) before deleting them and adds them back after. `prune` keeps the rollups (the long-term trend survives). The
/// definitions (the `loopback` column, network mailer, encrypted) are the ones of Queries/rates.sql; a test
/// checks that reports read from the rollups equal reports read from the raw rows.
public enum Rollups {
    package static let schema = """
        -- Daily rollups (UTC days), maintained at ingest from the rows above; reports read them when
        -- their filters allow (no --peer, whole UTC days). `loopback` is 1 for loopback peers.
        CREATE TABLE rollup_sessions (
            day TEXT NOT NULL, host TEXT NOT NULL, role TEXT NOT NULL, loopback INTEGER NOT NULL,
            version TEXT NOT NULL, verify TEXT NOT NULL, cipher TEXT NOT NULL, cipher_bits INTEGER NOT NULL,
            sessions INTEGER NOT NULL, first_ts TEXT, last_ts TEXT,
            PRIMARY KEY (day, host, role, loopback, version, verify, cipher, cipher_bits)
        ) WITHOUT ROWID;
        -- Distinct peers per cipher, all time (peers per cipher without a time filter).
        CREATE TABLE rollup_peer_ciphers (
            role TEXT NOT NULL, cipher TEXT NOT NULL, peer TEXT NOT NULL, loopback INTEGER NOT NULL,
            host TEXT NOT NULL, cipher_bits INTEGER NOT NULL, sessions INTEGER NOT NULL, first_ts TEXT, last_ts TEXT,
            PRIMARY KEY (role, cipher, peer, loopback, host, cipher_bits)
        ) WITHOUT ROWID;
        -- Inbound messages and outbound deliveries as the encryption rates count them.
        CREATE TABLE rollup_traffic (
            day TEXT NOT NULL, host TEXT NOT NULL, direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
            loopback INTEGER NOT NULL, encrypted INTEGER NOT NULL, n INTEGER NOT NULL, first_ts TEXT, last_ts TEXT,
            PRIMARY KEY (day, host, direction, loopback, encrypted)
        ) WITHOUT ROWID;
        CREATE TABLE rollup_failures (
            day TEXT NOT NULL, host TEXT NOT NULL, role TEXT NOT NULL, loopback INTEGER NOT NULL, kind TEXT NOT NULL,
            n INTEGER NOT NULL, first_ts TEXT, last_ts TEXT,
            PRIMARY KEY (day, host, role, loopback, kind)
        ) WITHOUT ROWID;
        CREATE TABLE rollup_auth (
            day TEXT NOT NULL, host TEXT NOT NULL, role TEXT NOT NULL, loopback INTEGER NOT NULL, success INTEGER NOT NULL,
            mech TEXT NOT NULL, over_tls INTEGER NOT NULL, n INTEGER NOT NULL, first_ts TEXT, last_ts TEXT,
            PRIMARY KEY (day, host, role, loopback, success, mech, over_tls)
        ) WITHOUT ROWID;
        """

    /// Schema v3: sessions per UTC day and peer, as ids (the per-peer sections read it instead of every
    /// session row). Keys are integers: text ids into `texts` (0 where the row has NULL), the day
    /// number (Unix seconds / 86400), cipher bits (-1 for NULL); so it is exact for every value.
    package static let peerSessionsSchema = """
        -- Sessions per UTC day and peer (v3), as text ids (texts.id; 0 where the row has none): what the
        -- per-peer reports read when their filters allow (no --since/--until, or whole UTC days).
        CREATE TABLE rollup_peer_sessions (
            day INTEGER NOT NULL,               -- Unix seconds / 86400 (UTC)
            host INTEGER NOT NULL, role INTEGER NOT NULL, loopback INTEGER NOT NULL, peer INTEGER NOT NULL,
            version INTEGER NOT NULL, verify INTEGER NOT NULL, cipher INTEGER NOT NULL,
            cipher_bits INTEGER NOT NULL,       -- -1 for none
            sessions INTEGER NOT NULL, first_ts INTEGER, last_ts INTEGER,   -- Unix seconds
            PRIMARY KEY (day, host, role, loopback, peer, version, verify, cipher, cipher_bits)
        ) WITHOUT ROWID
        """

    /// The v3 rollup: adds `sign` times the session rows selected by `filter` (a condition on alias `r`
    /// of `sessions`: `all_session_rows`, every session in base-table form; the v3 migration, before
    /// that view, reads `session_rows`).
    static func peerSessionsDelta(filter: String, sign: Int, sessions: String = CompactRows.allSessionRows) -> String {
        """
        INSERT INTO rollup_peer_sessions
        SELECT r.ts / 86400 - (r.ts % 86400 < 0), r.host, r.role, r.loopback, ifnull(r.peer, 0), ifnull(r.version, 0),
               ifnull(r.verify, 0), ifnull(r.cipher, 0), ifnull(r.cipher_bits, -1), \(sign) * count(*), min(r.ts), max(r.ts)
        FROM \(sessions) AS r WHERE \(filter) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions,
            first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)
        """
    }

    /// Migration steps appended to v3 (after the base tables exist): the per-peer rollup, filled.
    static var v3Steps: [String] {
        [peerSessionsSchema, peerSessionsDelta(filter: "1", sign: 1, sessions: "session_rows")]
    }

    /// Every rollup table.
    package static let tableNames = ["rollup_sessions", "rollup_peer_ciphers", "rollup_traffic", "rollup_failures", "rollup_auth",
                             "rollup_peer_sessions"]

    /// Statements that add `sign` times the rows selected by `filter` (a condition on alias `r`), to
    /// every rollup.
    package static func delta(filter: String, sign: Int) -> [String] {
        v2Delta(filter: filter, sign: sign) + [peerSessionsDelta(filter: filter, sign: sign)]
    }

    /// `delta` on the base tables (filter on alias `r` of `all_session_rows`, `message_rows`, …): rows are
    /// grouped by their integer times and text ids first, and the few groups looked up in `texts`
    /// after, where the views look up every text of every row. The same rollups as `delta` (a test
    /// builds both); three times faster, which `--reingest` (a file's rows subtracted, then added) and
    /// `rebuild-rollups` go by. `delta` stays what PostgreSQL's rollup SQL is translated from.
    package static func baseDelta(filter: String, sign: Int) -> [String] {
        let day = "r.ts / 86400 - (r.ts % 86400 < 0)"
        let iso = { (c: String) in "strftime('%Y-%m-%dT%H:%M:%SZ', \(c), 'unixepoch')" }
        let dayText = "date(g.day * 86400, 'unixepoch')"
        let span = "\(iso("g.first")), \(iso("g.last"))"
        let upd = "first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)"
        /// Text ids of the grouped keys turned into their values.
        func texts(_ columns: [String]) -> String {
            columns.map { "LEFT JOIN texts AS t_\($0) ON t_\($0).id = g.\($0)" }.joined(separator: " ")
        }
        /// Inbound messages or outbound deliveries (`rows` filtered by `condition`) as the rates count them.
        func traffic(_ direction: String, from rows: String, where condition: String) -> String {
            """
            INSERT INTO rollup_traffic
            SELECT \(dayText), t_host.value, '\(direction)', g.loopback, g.encrypted, \(sign) * g.n,
                   \(span)
            FROM (SELECT \(day) AS day, r.host, r.loopback, r.encrypted, count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
                  FROM \(rows) AS r WHERE \(condition) AND \(filter) GROUP BY 1, 2, 3, 4) AS g
            \(texts(["host"]))
            WHERE true
            ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """
        }
        return [
            """
            INSERT INTO rollup_sessions
            SELECT \(dayText), t_host.value, t_role.value, g.loopback, ifnull(t_version.value, 'unknown'),
                   ifnull(t_verify.value, ''), ifnull(t_cipher.value, 'unknown'), g.bits, \(sign) * g.n, \(span)
            FROM (SELECT \(day) AS day, r.host, r.role, r.loopback, r.version, r.verify, r.cipher, ifnull(r.cipher_bits, -1) AS bits,
                         count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
                  FROM \(CompactRows.allSessionRows) AS r WHERE \(filter) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) AS g
            \(texts(["host", "role", "version", "verify", "cipher"]))
            WHERE true
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions, \(upd)
            """,
            """
            INSERT INTO rollup_peer_ciphers
            SELECT t_role.value, ifnull(t_cipher.value, 'unknown'), ifnull(t_peer.value, ''), g.loopback, t_host.value, g.bits,
                   \(sign) * g.n, \(span)
            FROM (SELECT r.role, r.cipher, r.peer, r.loopback, r.host, ifnull(r.cipher_bits, -1) AS bits,
                         count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
                  FROM \(CompactRows.allSessionRows) AS r WHERE \(filter) GROUP BY 1, 2, 3, 4, 5, 6) AS g
            \(texts(["role", "cipher", "peer", "host"]))
            WHERE true
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions, \(upd)
            """,
            traffic("inbound", from: "message_rows", where: "r.proto IS NOT NULL"),
            traffic("outbound", from: "delivery_rows",
                    where: "r.status = (SELECT id FROM texts WHERE value = 'sent') AND r.network_mailer"),
            """
            INSERT INTO rollup_failures
            SELECT \(dayText), t_host.value, ifnull(t_role.value, ''), g.loopback, t_kind.value, \(sign) * g.n,
                   \(span)
            FROM (SELECT \(day) AS day, r.host, r.role, r.loopback, r.kind, count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
                  FROM failure_rows AS r WHERE \(filter) GROUP BY 1, 2, 3, 4, 5) AS g
            \(texts(["host", "role", "kind"]))
            WHERE true
            ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """,
            // Mechanisms that differ only in case are one key: their groups meet in the upsert.
            """
            INSERT INTO rollup_auth
            SELECT \(dayText), t_host.value, t_role.value, g.loopback, g.success, upper(ifnull(t_mech.value, '')),
                   g.encrypted, \(sign) * g.n, \(span)
            FROM (SELECT \(day) AS day, r.host, r.role, r.loopback, r.success, r.mech, r.encrypted,
                         count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
                  FROM \(CompactRows.allAuthRows) AS r WHERE \(filter) GROUP BY 1, 2, 3, 4, 5, 6, 7) AS g
            \(texts(["host", "role", "mech"]))
            WHERE true
            ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """,
            peerSessionsDelta(filter: filter, sign: sign),
        ]
    }

    /// The rollups of schema v2, from the documented tables (views since v3).
    /// `encrypted`: how a delivery or AUTH row says it went over TLS (the `encrypted` column since v4;
    /// a linked session before).
    static func v2Delta(filter: String, sign: Int, encrypted: String = "r.encrypted") -> [String] {
        let upd = "first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)"
        return [
            """
            INSERT INTO rollup_sessions
            SELECT substr(r.ts, 1, 10), r.host, r.role, r.loopback, ifnull(r.version, 'unknown'),
                   ifnull(r.verify, ''), ifnull(r.cipher, 'unknown'), ifnull(r.cipher_bits, -1), \(sign) * count(*),
                   min(r.ts), max(r.ts)
            FROM tls_sessions AS r WHERE \(filter) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions, \(upd)
            """,
            """
            INSERT INTO rollup_peer_ciphers
            SELECT r.role, ifnull(r.cipher, 'unknown'), ifnull(r.peer, ''), r.loopback, r.host, ifnull(r.cipher_bits, -1),
                   \(sign) * count(*), min(r.ts), max(r.ts)
            FROM tls_sessions AS r WHERE \(filter) GROUP BY 1, 2, 3, 4, 5, 6
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions, \(upd)
            """,
            """
            INSERT INTO rollup_traffic
            SELECT substr(r.ts, 1, 10), r.host, 'inbound', r.loopback,
                   r.encrypted, \(sign) * count(*), min(r.ts), max(r.ts)
            FROM messages AS r WHERE r.proto IS NOT NULL AND \(filter) GROUP BY 1, 2, 3, 4, 5
            ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """,
            """
            INSERT INTO rollup_traffic
            SELECT substr(r.ts, 1, 10), r.host, 'outbound', r.loopback, \(encrypted),
                   \(sign) * count(*), min(r.ts), max(r.ts)
            FROM deliveries AS r
            WHERE r.status = 'sent' AND r.network_mailer
              AND \(filter) GROUP BY 1, 2, 3, 4, 5
            ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """,
            """
            INSERT INTO rollup_failures
            SELECT substr(r.ts, 1, 10), r.host, ifnull(r.role, ''), r.loopback, r.kind, \(sign) * count(*), min(r.ts), max(r.ts)
            FROM tls_failures AS r WHERE \(filter) GROUP BY 1, 2, 3, 4, 5
            ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """,
            """
            INSERT INTO rollup_auth
            SELECT substr(r.ts, 1, 10), r.host, r.role, r.loopback, r.success, upper(ifnull(r.mech, '')),
                   \(encrypted), \(sign) * count(*), min(r.ts), max(r.ts)
            FROM auth_events AS r WHERE \(filter) GROUP BY 1, 2, 3, 4, 5, 6, 7
            ON CONFLICT DO UPDATE SET n = n + excluded.n, \(upd)
            """,
        ]
    }

    /// Drops rollup rows that subtraction brought to zero.
    static let cleanup = """
        DELETE FROM rollup_sessions WHERE sessions = 0;
        DELETE FROM rollup_peer_ciphers WHERE sessions = 0;
        DELETE FROM rollup_traffic WHERE n = 0;
        DELETE FROM rollup_failures WHERE n = 0;
        DELETE FROM rollup_auth WHERE n = 0;
        DELETE FROM rollup_peer_sessions WHERE sessions = 0;
        """

    /// Migration v1 -> v2: create the v2 rollups and fill them from the rows already stored.
    static var migration: String {
        schema + "\n" + v2Delta(filter: "1", sign: 1, encrypted: "r.tls_session_id IS NOT NULL").joined(separator: ";\n") + ";\n"
    }
}

extension Store {
    /// Rebuilds every rollup from the raw rows (as the migration does). Rows removed by `prune`
    /// are then gone from the rollups too.
    public func rebuildRollups() throws {
        try database.transaction {
            for t in Rollups.tableNames {
                try database.execute("DELETE FROM \(t)")
            }
            for sql in Rollups.baseDelta(filter: "1", sign: 1) { try database.execute(sql) }
        }
    }

    /// Subtracts a source's rows from the rollups (before they are deleted for `--reingest`).
    public func removeFromRollups(sourceID: Int64) throws {
        for sql in Rollups.baseDelta(filter: "r.source_id = \(sourceID)", sign: -1) {
            try database.execute(sql)
        }
        try database.execute(Rollups.cleanup)
    }

    /// Adds a source's rows to the rollups (after `--reingest` read it again).
    public func addToRollups(sourceID: Int64) throws {
        for sql in Rollups.baseDelta(filter: "r.source_id = \(sourceID)", sign: 1) {
            try database.execute(sql)
        }
    }
}
