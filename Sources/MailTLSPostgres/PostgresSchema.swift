import MailTLSParser
import MailTLSStore

/// The store's schema on PostgreSQL, generated from the definitions the SQLite store is made from.
///
/// The base tables and views come from `CompactRows.tables` (the single definition of the documented
/// tables), the rollups and `local_mail` from their SQLite DDL with the types PostgreSQL wants; so the
/// views have the same names and columns in the same order on both, and a column added there appears
/// here. PostgreSQL gets what SQLite lacks for many writers: `sources` keyed by (ingesting host, path),
/// and id sequences that hand out blocks (`idBlock`), so each writer numbers its own rows.
/// Versions are those of `Schema.version` (`schema_migrations` records each one applied).
enum PostgresSchema {
    /// Ids a writer takes at once from a base table's sequence (`<base>_ids`, INCREMENT BY this): one
    /// round trip per 65,536 rows, and a lone writer numbers rows 1, 2, 3, … as SQLite does.
    static let idBlock: Int64 = 65_536

    /// A named step, applied once in one transaction, recorded in `schema_migrations`.
    struct Migration {
        let version: Int
        let name: String
        let statements: [String]
    }

    /// Forward migrations, oldest first. A PostgreSQL store starts at the SQLite store's version 4
    /// (the first one with the fleet store), so both count the same versions from there on.
    static let migrations: [Migration] = [
        Migration(version: 4, name: "v4: compact base tables behind views, rollups, sources per ingesting host",
                  statements: v4),
        Migration(version: 5, name: "v5: BRIN indexes on the base tables' ts", statements: v5),
        PostgresReportFunctions.migration,
        PostgresReportFunctions.plannedOnce,
        Migration(version: 8, name: "v8: a TLS session logged on a message's or delivery's line (Exim) lives on that row; all_session_rows (SQLite v6)",
                  statements: v8),
    ]

    static var version: Int { migrations.last!.version }

    static let migrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version  integer PRIMARY KEY,
            name     text NOT NULL,
            applied  timestamptz NOT NULL DEFAULT now()
        )
        """

    static var v4: [String] {
        var s = [texts, CompactRows.mtas.replacingOccurrences(of: "INTEGER", with: "bigint")]
        s += MTARegistry.all.map { "INSERT INTO mtas(id, name) VALUES (\($0.code), '\($0.name)') ON CONFLICT DO NOTHING" }
        for t in CompactRows.tables {
            s.append(createBase(t))
            s += comments(t)
            s.append("CREATE SEQUENCE \(t.base)_ids INCREMENT BY \(idBlock) START 1")
            s.append(createView(t, source: t.base))
            s.append("CREATE INDEX \(t.base)_ts ON \(t.base)(ts)")
            // BRIN: a source's rows go in together, so block ranges find them (for --reingest), and
            // keeping it costs next to nothing; a B-tree on this one-value-per-file column made the
            // server's COPY about a third slower (docs/fleet.md).
            s.append("CREATE INDEX \(t.base)_source ON \(t.base) USING brin (source_id)")
        }
        s += rollups
        s.append(sources)
        s.append("CREATE INDEX sources_host_file ON sources(ingest_host, device, inode)")
        s.append("CREATE INDEX sources_head ON sources(head_hash, head_length)")
        s.append(ingestState)
        s.append(ingestRuns)
        return s
    }

    /// SQLite's v6 (`CompactRows.v6Steps`): the carrier columns (already in the base tables of a store
    /// made since, which `createBase` makes with every column), the views of the rows that live on
    /// carriers, and `tls_sessions` and `auth_events` over their unions. Both writers decide which rows
    /// live on carriers alike (`LineSession`, `LineAuth`), so both stores hold the same rows.
    static var v8: [String] {
        var s: [String] = []
        for t in CompactRows.tables {
            for c in t.columns where c.added == 6 {
                s += baseColumns(c).map { "ALTER TABLE \(t.base) ADD COLUMN IF NOT EXISTS \($0.definition)" }
            }
        }
        let carried = Set(CompactRows.carried.map(\.table.base))
        s += CompactRows.carried.map { "DROP VIEW \($0.table.view)" }
        // IF EXISTS: a store whose record of v8 was lost.
        s += CompactRows.carriedViewNames.map { "DROP VIEW IF EXISTS \($0)" }
        s += CompactRows.createCarriedViews
        for t in CompactRows.tables where t.columns.contains(where: { $0.added == 6 }) || carried.contains(t.base) {
            if !carried.contains(t.base) { s.append("DROP VIEW \(t.view)") }
            s.append(createView(t, source: CompactRows.allRows(t)))
        }
        return s
    }

    /// The base tables' ts indexes become BRIN. Rows go in in time order (each source's lines are),
    /// so block ranges find a time window as a B-tree does for the reports' `since <= ts < until`;
    /// keeping a B-tree current was a quarter of the server's work in a bulk load (docs/fleet.md:
    /// `psql \copy` of a 200 MiB log's rows, server CPU 2.3-2.6 s with it, 1.7-1.8 s without).
    static var v5: [String] {
        CompactRows.tables.flatMap { t in
            ["DROP INDEX \(t.base)_ts", "CREATE INDEX \(t.base)_ts ON \(t.base) USING brin (ts)"]
        }
    }

    static let texts = """
        -- Repeated text, stored once: the base tables' dictionary columns hold texts.id. Writers add values
        -- in short transactions of their own (INSERT … ON CONFLICT DO NOTHING), so no writer waits for
        -- another's part to commit.
        CREATE TABLE texts (
            id     bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            value  text NOT NULL UNIQUE
        )
        """

    /// The PostgreSQL type of a base column.
    static func baseColumns(_ c: CompactRows.Column) -> [(name: String, definition: String)] {
        let constraint = c.constraint.isEmpty ? "" : " " + c.constraint
        switch c.storage {
        case .integer, .time, .dictionary, .dictionaryOr, .mta: return [(c.name, "\(c.name) bigint\(constraint)")]
        case .text: return [(c.name, "\(c.name) text\(constraint)")]
        case .templated: return [(c.name, "\(c.name) bigint\(constraint)"), (c.name + "_token", "\(c.name)_token text")]
        }
    }

    /// The base table, all columns in the order of the view (a new PostgreSQL store has no history).
    static func createBase(_ t: CompactRows.Table) -> String {
        "CREATE TABLE \(t.base) (\n    " + t.columns.flatMap(baseColumns).map(\.definition).joined(separator: ",\n    ") + "\n)"
    }

    /// `COMMENT ON` the view and the base columns: what `\d+` shows in psql.
    static func comments(_ t: CompactRows.Table) -> [String] {
        t.columns.filter { !$0.comment.isEmpty }.map {
            "COMMENT ON COLUMN \(t.base).\($0.name) IS \(literal($0.comment))"
        }
    }

    /// The columns a COPY into `t`'s base table lists, in the order `PostgresRowBuffer` holds them.
    static func copyColumns(_ t: CompactRows.Table) -> [String] {
        t.columns.flatMap(baseColumns).map(\.name)
    }

    /// Unix seconds as the views show them: `YYYY-MM-DDTHH:MM:SSZ`, UTC, as SQLite's strftime does.
    static func isoTime(_ column: String) -> String {
        "to_char(to_timestamp(\(column)) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    }

    /// The view of `t`, reading `source` (its base table until v8).
    static func createView(_ t: CompactRows.Table, source: String) -> String {
        let lines = t.columns.map { c -> String in
            switch c.storage {
            case .integer, .text: return "r.\(c.name)"
            case .time: return isoTime("r.\(c.name)") + " AS \(c.name)"
            case .dictionary: return "(SELECT value FROM texts WHERE id = r.\(c.name)) AS \(c.name)"
            case .dictionaryOr(let other):
                return "(SELECT value FROM texts WHERE id = coalesce(r.\(c.name), r.\(other))) AS \(c.name)"
            case .mta: return "(SELECT name FROM mtas WHERE id = r.\(c.name)) AS \(c.name)"
            case .templated:
                let template = "(SELECT value FROM texts WHERE id = r.\(c.name))"
                return "CASE WHEN r.\(c.name)_token IS NULL THEN \(template) "
                    + "ELSE replace(\(template), chr(1), r.\(c.name)_token) END AS \(c.name)"
            }
        }
        return "CREATE VIEW \(t.view) AS  -- \(t.comment)\nSELECT\n    " + lines.joined(separator: ",\n    ")
            + "\nFROM \(source) AS r"
    }

    /// The rollup tables and `local_mail`, from their SQLite definitions: 64-bit integers, and no
    /// `WITHOUT ROWID` (a PostgreSQL table is a heap with its primary key as an index).
    static var rollups: [String] {
        [Rollups.schema, Rollups.peerSessionsSchema, LocalMailCounts.schema]
            .map { $0.replacingOccurrences(of: "INTEGER", with: "bigint").replacingOccurrences(of: "WITHOUT ROWID", with: "") }
    }

    static let sources = """
        -- Input files read into the store, per ingesting host: each host keeps its own checkpoints, so
        -- hosts ingest at the same time without a store-wide lock (an advisory lock per (ingest_host,
        -- path) keeps two ingests of the same file apart).
        CREATE TABLE sources (
            id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            ingest_host   text NOT NULL,          -- the host that ran `mailtls ingest` (its hostname)
            path          text NOT NULL,          -- where it was last seen on that host ('-' for standard input)
            device        bigint,                 -- st_dev, st_ino, st_size, st_mtime when last read
            inode         bigint,
            size          bigint,
            mtime         bigint,                 -- (NULL while a file is only partly read)
            "offset"      bigint NOT NULL DEFAULT 0,  -- content bytes read: after the last complete line
            head_length   bigint,                 -- content bytes covered by head_hash (up to 4096)
            head_hash     text,                   -- fingerprint of the first content bytes
            tail_hash     text,                   -- fingerprint of the 4096 content bytes before offset
            compression   text,                   -- 'none', 'gzip', 'bzip2', 'xz'
            state_before  text,                   -- open SMTP sessions when its first line was read (JSON)
            lines         bigint NOT NULL DEFAULT 0,
            first_ingest  text,
            last_ingest   text
        )
        """

    static let ingestState = """
        -- Ingest state kept between runs, per ingesting host (the open SMTP sessions of its logs).
        CREATE TABLE ingest_state (
            ingest_host  text NOT NULL,
            key          text NOT NULL,
            value        text NOT NULL,
            PRIMARY KEY (ingest_host, key)
        )
        """

    static let ingestRuns = """
        -- One row per `mailtls ingest` run, on any host.
        CREATE TABLE ingest_runs (
            id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            ingest_host  text NOT NULL,
            started      text NOT NULL,
            finished     text,
            files bigint, files_failed bigint, bytes bigint, lines bigint,
            sessions bigint, messages bigint, deliveries bigint, auth bigint, failures bigint,
            skipped bigint, malformed bigint,
            summary      text
        )
        """

    /// `s` as an SQL string literal.
    static func literal(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The SQLite rollup deltas (`Rollups.delta`) in PostgreSQL's dialect, each with the table it reads
    /// (a view or base table name): the same definitions, so the rollups mean the same on both stores.
    /// `filter` is put in place of the SQLite filter per statement, by the table read. For rebuilding
    /// rollups and for `--reingest` (subtracting a source's rows), not for ingest: the writer counts
    /// rows in memory (`PostgresRollups`), which measured far faster than these over a part's rows.
    static func rollupDeltas(sign: Int, filter: (_ table: String) -> String) -> [String] {
        let marker = "§FILTER§"
        return Rollups.delta(filter: marker, sign: sign).map { sql in
            let table = word(after: "FROM ", in: sql)
            let target = word(after: "INSERT INTO ", in: sql)
            return sql
                .replacingOccurrences(of: marker, with: "(" + filter(table) + ")")
                .replacingOccurrences(of: "ifnull(", with: "coalesce(")
                .replacingOccurrences(of: "first_ts = min(first_ts, excluded.first_ts)",
                                      with: "first_ts = least(\(target).first_ts, excluded.first_ts)")
                .replacingOccurrences(of: "last_ts = max(last_ts, excluded.last_ts)",
                                      with: "last_ts = greatest(\(target).last_ts, excluded.last_ts)")
                .replacingOccurrences(of: "sessions = sessions + excluded.sessions",
                                      with: "sessions = \(target).sessions + excluded.sessions")
                .replacingOccurrences(of: "n = n + excluded.n", with: "n = \(target).n + excluded.n")
                .replacingOccurrences(of: "(r.ts % 86400 < 0)", with: "(r.ts % 86400 < 0)::int")
                .replacingOccurrences(of: "AND r.network_mailer\n", with: "AND r.network_mailer <> 0\n")
                .replacingOccurrences(of: "ON CONFLICT DO UPDATE", with: "ON CONFLICT ON CONSTRAINT \(target)_pkey DO UPDATE")
                .orderedLikeGrouped
        }
    }

    /// The identifier after the first `prefix` in `sql`.
    static func word(after prefix: String, in sql: String) -> String {
        guard let r = sql.range(of: prefix) else { return "" }
        return String(sql[r.upperBound...].prefix { $0.isLetter || $0 == "_" || $0.isNumber })
    }
}

extension String {
    /// `… GROUP BY 1, 2, 3 …` with `ORDER BY 1, 2, 3` after it: writers that upsert the same rollup rows
    /// then lock them in the same order, so two of them wait for each other instead of deadlocking.
    var orderedLikeGrouped: String {
        guard let r = range(of: "GROUP BY ") else { return self }
        let keys = self[r.upperBound...].prefix { $0.isNumber || $0 == "," || $0 == " " }
        let list = keys.trimmed
        let end = index(r.upperBound, offsetBy: keys.count)
        return String(self[..<end]) + (keys.hasSuffix(" ") ? "" : " ") + "ORDER BY \(list) " + String(self[end...])
    }
}
