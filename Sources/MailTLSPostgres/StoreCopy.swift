import Foundation
import MailTLSParser
import MailTLSStore

/// Moves a SQLite store into the PostgreSQL fleet store (`mailtls copy`), checkpoints included, so
/// that the next ingest on that host, now with `--db postgresql://…`, goes on where the SQLite store
/// stopped: nothing read twice, nothing lost, sessions open at the cut still linked.
///
/// What moves, as one ingesting host's share of the fleet store (`ingestHost`):
/// - every base table's rows, by `COPY`, with new ids: the SQLite ids are the linker's numbers, and a
///   block of them (`PostgresSchema.idBlock`) becomes a block the PostgreSQL sequence hands out, as
///   `RowIDBlocks` does for a writer. Links (`tls_session_id`) go through the same blocks, so they stay
///   links; the blocks of sessions, failures and deliveries are saved as the host's
///   `ingest_state 'ids'` (`PostgresWriter.IDState`) for the next writer to `restore`;
/// - the dictionary by value (`TextIDMap`); MTA codes as they are (they are fixed per MTA);
/// - `sources` (the checkpoints) under `ingestHost`, with new ids that every row, rollup and
///   `local_mail` count follows; `state 'linker'` as `ingest_state 'linker'` (its id counters moved past
///   the store's highest ids, as an ingest of the SQLite store would); `ingest_runs`;
/// - the rollups and `local_mail`, added to what the PostgreSQL store holds (other hosts' counts).
///
/// All of it in one PostgreSQL transaction (new dictionary values excepted: they go in on a
/// connection of their own, as every writer adds them, so no ingesting host waits for the copy), read
/// from one SQLite read transaction (a consistent snapshot, even while an ingest writes the file).
/// A host that already has checkpoints in the PostgreSQL store is refused unless `replace`, which
/// first takes that host's rows, counts, checkpoints, state and runs out. Memory stays flat: rows
/// stream from SQLite into COPY in 256 KiB pieces; only the dictionary map grows, by 8 bytes a value.
public final class StoreCopy {
    public let sqlite: Store
    public let postgres: PostgresStore
    public let ingestHost: String
    public let replace: Bool
    var connection: PostgresConnection { postgres.connection }
    private var block: Int64 { PostgresSchema.idBlock }

    /// Where a copy is: `step` (`texts`, a view's name, `rollups`, …), `done` of `total` rows.
    public struct Progress: Sendable {
        public let step: String
        public let done: Int64
        public let total: Int64
    }

    /// What a copy moved.
    public struct Summary: Sendable, Equatable {
        /// Rows per documented table (view name).
        public var rows: [String: Int64] = [:]
        public var sources = 0
        public var texts = 0
        /// Rows of the rollup tables and of `local_mail` copied (added to the PostgreSQL store's).
        public var rollupRows: Int64 = 0
        public var localMailRows: Int64 = 0
        public var runs: Int64 = 0
        /// Checkpoints of the host taken out first (`replace`).
        public var replacedSources = 0
        public init() {}
        public var totalRows: Int64 { rows.values.reduce(0, +) }
    }

    /// `sqlite`: open it read-only (the copy writes nothing there); `ingestHost`: the host whose
    /// checkpoints these are, the `--ingest-host` its next ingest will use.
    public init(from sqlite: Store, to postgres: PostgresStore, ingestHost: String, replace: Bool = false) {
        self.sqlite = sqlite
        self.postgres = postgres
        self.ingestHost = ingestHost
        self.replace = replace
    }

    /// Copies everything; throws with nothing committed on any failure.
    public func run(progress: ((Progress) -> Void)? = nil) throws -> Summary {
        let report = progress ?? { _ in }
        var summary = Summary()
        // One read transaction: a snapshot, whatever an ingest writes meanwhile (BEGIN, not the
        // store's BEGIN IMMEDIATE: the file is open read-only).
        try sqlite.database.execute("BEGIN")
        defer { try? sqlite.database.execute("COMMIT") }
        try connection.transaction {
            try refuseOrLock()
            var linker = try savedLinker()
            let textConnection = try PostgresConnection(url: postgres.url)
            let texts = try TextIDMap(from: sqlite, into: PostgresTexts(connection: textConnection)) { done, total in
                report(Progress(step: "texts", done: Int64(done), total: Int64(total)))
            }
            summary.texts = texts.count
            if replace { summary.replacedSources = try removeHost() }
            let sources = try copySources()
            summary.sources = sources.count
            // Held records name their source by its SQLite id: the new ids, for when they are written.
            linker.renumberSources(sources)
            let ids = try allocateIDs()
            for t in CompactRows.tables {
                summary.rows[t.view] = try copyRows(t, ids: ids.byBase[t.base]!, sessions: ids.sessions, texts: texts,
                                                    sources: sources, report)
            }
            // Sessions and AUTH that live on message and delivery rows (`CompactRows.carried`) came with those rows.
            for c in CompactRows.carried {
                summary.rows[c.table.view] = try sqlite.database.scalarInt("SELECT count(*) FROM \(c.allRows)")
            }
            summary.rollupRows = try copyCounts(Rollups.tableNames, texts: texts, sources: sources, report)
            summary.localMailRows = try copyCounts(["local_mail"], texts: texts, sources: sources, report)
            summary.runs = try copyRuns(report)
            try saveState(linker, ids)
            try copyPruned(sources)
        }
        return summary
    }

    // MARK: Refusal and locks

    /// Refuses a host that has checkpoints here already (unless `replace`), and takes the host's ingest
    /// lock (`PostgresStore.lockHost`) for the transaction, so no ingest as that host runs meanwhile (one
    /// that starts waits, then finds the copied checkpoints and state).
    private func refuseOrLock() throws {
        let existing = try connection.scalarInt("SELECT count(*) FROM sources WHERE ingest_host = $1", [ingestHost]) ?? 0
        if existing > 0 && !replace {
            throw StoreCopyError.hostAlreadyThere(url: connection.url, ingestHost: ingestHost, sources: Int(existing))
        }
        let got = try connection.query("SELECT pg_try_advisory_xact_lock(\(PostgresStore.hostLockKey))", [ingestHost])
        guard got.first?.first == "t" else {
            throw StoreCopyError.ingestRunning(url: connection.url, ingestHost: ingestHost)
        }
    }

    /// Takes the host's rows, counts, checkpoints, state and runs out (`--replace`); returns how many
    /// checkpoints it had. The rollups lose exactly what its rows added (the SQLite deltas, in
    /// PostgreSQL's dialect), and rollup rows brought to zero go.
    private func removeHost() throws -> Int {
        let host = PostgresSchema.literal(ingestHost)
        let ofHost = "SELECT id FROM sources WHERE ingest_host = \(host)"
        let n = Int(try connection.scalarInt("SELECT count(*) FROM sources WHERE ingest_host = \(host)") ?? 0)
        guard n > 0 else { return 0 }
        try postgres.addToRollups(sources: ofHost, sign: -1)
        try postgres.deleteRows(sources: ofHost)
        try connection.execute("DELETE FROM sources WHERE ingest_host = \(host)")
        try connection.execute("DELETE FROM ingest_state WHERE ingest_host = \(host)")
        try connection.execute("DELETE FROM ingest_runs WHERE ingest_host = \(host)")
        return n
    }

    // MARK: Checkpoints

    static let sourceColumns = [
        "path", "device", "inode", "size", "mtime", "offset", "head_length", "head_hash", "tail_hash", "compression",
        "state_before", "lines", "first_ingest", "last_ingest",
    ]

    /// Each SQLite source under `ingestHost`; returns SQLite id -> PostgreSQL id.
    private func copySources() throws -> [Int64: Int64] {
        let s = try sqlite.database.prepare("SELECT id, \(Self.sourceColumns.joined(separator: ", ")) FROM sources ORDER BY id")
        var rows: [(Int64, [String?])] = []
        while try s.step() {
            rows.append((s.int64(0), (1...Int32(Self.sourceColumns.count)).map { s.isNull($0) ? nil : s.string($0) }))
        }
        let columns = Self.sourceColumns.map { $0 == "offset" ? "\"offset\"" : $0 }
        let placeholders = (1...columns.count + 1).map { "$\($0)" }.joined(separator: ", ")
        var map: [Int64: Int64] = [:]
        for (id, values) in rows {
            let r = try connection.query("""
                INSERT INTO sources(\(columns.joined(separator: ", ")), ingest_host) VALUES (\(placeholders)) RETURNING id
                """, values + [ingestHost])
            map[id] = Int64(r[0][0]!)!
        }
        // A source's `state_before` (the open sessions when its first line was read, for `--reingest`)
        // holds records under the SQLite ids too (rewritten only when an id changed: into an empty
        // store the ids stay, and so does the saved text).
        let stateColumn = Self.sourceColumns.firstIndex(of: "state_before")!
        for (id, values) in rows where map.contains(where: { $0.key != $0.value }) {
            guard let json = values[stateColumn], let new = map[id],
                  var state = try? JSONDecoder().decode(SessionLinker.self, from: Data(json.utf8)) else { continue }
            state.renumberSources(map)
            let text = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
            try connection.query("UPDATE sources SET state_before = $1 WHERE id = $2", [text, String(new)])
        }
        return map
    }

    // MARK: Row ids

    /// The id blocks of every base table (and of the sessions links point at).
    struct IDs {
        var byBase: [String: RowIDBlocks] = [:]
        var sessions: RowIDBlocks { byBase["session_rows"]! }
    }

    /// Takes, before any COPY (no other statement may run during one), a block of store ids for
    /// every block of SQLite ids in use: each table's own, then those its links point at (a link to
    /// a session pruned away keeps pointing at nothing). In block order, so that into an empty store
    /// a lone copy keeps the SQLite ids, as a lone writer keeps the linker's numbers.
    private func allocateIDs() throws -> IDs {
        var ids = IDs()
        for t in CompactRows.tables {
            let blocks = RowIDBlocks(sequence: "\(t.base)_ids", connection: connection)
            ids.byBase[t.base] = blocks
            try allocate(blocks, "SELECT DISTINCT (id - 1) / \(block) FROM \(t.base) WHERE id > 0 ORDER BY 1")
        }
        for t in CompactRows.tables where t.columns.contains(where: { $0.name == "tls_session_id" }) {
            try allocate(ids.sessions, """
                SELECT DISTINCT (tls_session_id - 1) / \(block) FROM \(t.base) WHERE tls_session_id > 0 ORDER BY 1
                """)
        }
        return ids
    }

    private func allocate(_ blocks: RowIDBlocks, _ sql: String) throws {
        let s = try sqlite.database.prepare(sql)
        var ks: [Int64] = []
        while try s.step() { ks.append(s.int64(0)) }
        for k in ks { _ = try blocks.global(k * block + 1) }
    }

    // MARK: Rows

    /// What becomes of a base column's value on the way.
    enum ColumnMap {
        case integer, text
        /// A `texts` id.
        case dictionary
        /// The row's own id, through its table's blocks.
        case id
        /// A `tls_session_rows` id, through the sessions' blocks.
        case session
        /// A `sources` id.
        case source
    }

    static func maps(_ t: CompactRows.Table) -> [ColumnMap] {
        t.columns.flatMap { c -> [ColumnMap] in
            switch c.storage {
            case .integer:
                switch c.name {
                case "id": return [.id]
                case "tls_session_id": return [.session]
                case "source_id": return [.source]
                default: return [.integer]
                }
            case .time, .mta: return [.integer]
            case .text: return [.text]
            case .dictionary, .dictionaryOr: return [.dictionary]
            case .templated: return [.dictionary, .text]
            }
        }
    }

    private func copyRows(_ t: CompactRows.Table, ids: RowIDBlocks, sessions: RowIDBlocks, texts: TextIDMap,
                          sources: [Int64: Int64], _ report: (Progress) -> Void) throws -> Int64 {
        let columns = PostgresSchema.copyColumns(t)
        let maps = Self.maps(t)
        precondition(maps.count == columns.count, "StoreCopy is out of step with PostgresSchema for \(t.base)")
        let total = try sqlite.database.scalarInt("SELECT count(*) FROM \(t.base)") ?? 0
        let s = try sqlite.database.prepare("SELECT \(columns.joined(separator: ", ")) FROM \(t.base) ORDER BY id")
        return try stream(s, into: t.base, columns: columns, step: t.view, total: total, report) { s, out in
            for (i, m) in maps.enumerated() {
                if i > 0 { out.append(0x09) }
                let c = Int32(i)
                if s.isNull(c) { Self.appendNull(&out); continue }
                switch m {
                case .integer: PostgresRowBuffer.appendDecimal(s.int64(c), to: &out)
                case .text: PostgresRowBuffer.appendEscaped(s.string(c) ?? "", to: &out)
                case .dictionary: Self.append(texts.id(s.int64(c)), &out)
                case .id:
                    guard let id = ids.knownGlobal(s.int64(c)) else {
                        throw PostgresError.statement(message: "\(sqlite.path): \(t.base) has row id \(s.int64(c)), which "
                                                      + "mailtls never writes", sqlState: nil, sql: "SELECT … FROM \(t.base)")
                    }
                    PostgresRowBuffer.appendDecimal(id, to: &out)
                case .session: Self.append(s.int64(c) > 0 ? sessions.knownGlobal(s.int64(c)) : nil, &out)
                case .source: Self.append(sources[s.int64(c)], &out)
                }
            }
        }
    }

    /// Streams the rows of `s` (SQLite) into `COPY table (columns)`: `row` writes one line's values,
    /// tab-separated, without the newline. Sent in 256 KiB pieces, so memory stays flat and the
    /// server inserts one piece while the next is read.
    private func stream(_ s: Statement, into table: String, columns: [String], step: String, total: Int64,
                        _ report: (Progress) -> Void, row: (Statement, inout [UInt8]) throws -> Void) throws -> Int64 {
        var n: Int64 = 0
        var data: [UInt8] = []
        data.reserveCapacity(300 << 10)
        report(Progress(step: step, done: 0, total: total))
        try connection.copy(into: table, columns: columns) { send in
            while try s.step() {
                try row(s, &data)
                data.append(0x0A)
                n += 1
                if data.count >= 256 << 10 {
                    try data.withUnsafeBytes { try send($0) }
                    data.removeAll(keepingCapacity: true)
                }
                if n & 0xFFFF == 0 { report(Progress(step: step, done: n, total: total)) }
            }
            if !data.isEmpty { try data.withUnsafeBytes { try send($0) } }
        }
        report(Progress(step: step, done: n, total: total))
        return n
    }

    static func appendNull(_ out: inout [UInt8]) {
        out.append(0x5C)
        out.append(0x4E)
    }

    static func append(_ v: Int64?, _ out: inout [UInt8]) {
        if let v { PostgresRowBuffer.appendDecimal(v, to: &out) } else { appendNull(&out) }
    }

    // MARK: Counts

    /// The primary key and count column of each counted table (what the upsert adds on).
    static let countKeys: [String: (key: [String], count: String)] = {
        var k: [String: (key: [String], count: String)] = [:]
        for (table, key, count) in PostgresRollups.keys { k[table] = (key, count) }
        k["local_mail"] = (["day", "host", "kind", "mailer", "status", "source_id"], "n")
        return k
    }()

    /// Columns of `rollup_peer_sessions` that hold `texts` ids (0 for none).
    static let peerSessionTexts: Set<String> = ["host", "role", "peer", "version", "verify", "cipher"]

    /// Adds the SQLite store's rows of `tables` (rollups, `local_mail`) to the PostgreSQL store's: COPY
    /// into a temporary table, then one upsert in key order, as a writer's commit does.
    private func copyCounts(_ tables: [String], texts: TextIDMap, sources: [Int64: Int64],
                            _ report: (Progress) -> Void) throws -> Int64 {
        var copied: Int64 = 0
        for table in tables {
            guard let keys = Self.countKeys[table] else { preconditionFailure("no key for \(table)") }
            let names = try sqlite.database.prepare("SELECT name FROM pragma_table_info('\(table)') ORDER BY cid")
            var columns: [String] = []
            while try names.step() { columns.append(names.string(0) ?? "") }
            let maps: [(Statement, Int32, inout [UInt8]) -> Void] = columns.map { name in
                if table == "rollup_peer_sessions" && Self.peerSessionTexts.contains(name) {
                    return { s, c, out in
                        let id = s.int64(c)
                        PostgresRowBuffer.appendDecimal(id == 0 ? 0 : texts.id(id) ?? 0, to: &out)
                    }
                }
                if table == "local_mail" && name == "source_id" {
                    // Counts of a source the SQLite store no longer lists: kept, under no source.
                    return { s, c, out in PostgresRowBuffer.appendDecimal(sources[s.int64(c)] ?? 0, to: &out) }
                }
                return { s, c, out in PostgresRowBuffer.appendEscaped(s.string(c) ?? "", to: &out) }
            }
            let staged = "stage_\(table)"
            try connection.execute("CREATE TEMP TABLE IF NOT EXISTS \(staged) (LIKE \(table)) ON COMMIT DELETE ROWS")
            try connection.execute("TRUNCATE pg_temp.\(staged)")
            let total = try sqlite.database.scalarInt("SELECT count(*) FROM \(table)") ?? 0
            let s = try sqlite.database.prepare("SELECT \(columns.joined(separator: ", ")) FROM \(table)")
            copied += try stream(s, into: "pg_temp.\(staged)", columns: columns, step: table, total: total, report) { s, out in
                for (i, map) in maps.enumerated() {
                    if i > 0 { out.append(0x09) }
                    if s.isNull(Int32(i)) { Self.appendNull(&out) } else { map(s, Int32(i), &out) }
                }
            }
            try connection.execute(PostgresRollups.upsert(table, key: keys.key, count: keys.count))
            try connection.execute("TRUNCATE pg_temp.\(staged)")
        }
        return copied
    }

    // MARK: Runs and state

    static let runColumns = [
        "started", "finished", "files", "files_failed", "bytes", "lines", "sessions", "messages", "deliveries", "auth",
        "failures", "skipped", "malformed", "summary",
    ]

    private func copyRuns(_ report: (Progress) -> Void) throws -> Int64 {
        let total = try sqlite.database.scalarInt("SELECT count(*) FROM ingest_runs") ?? 0
        let s = try sqlite.database.prepare("SELECT \(Self.runColumns.joined(separator: ", ")) FROM ingest_runs ORDER BY id")
        var host: [UInt8] = []
        PostgresRowBuffer.appendEscaped(ingestHost, to: &host)
        return try stream(s, into: "ingest_runs", columns: ["ingest_host"] + Self.runColumns, step: "ingest_runs",
                          total: total, report) { s, out in
            out.append(contentsOf: host)
            for i in 0..<Int32(Self.runColumns.count) {
                out.append(0x09)
                if s.isNull(i) { Self.appendNull(&out) } else { PostgresRowBuffer.appendEscaped(s.string(i) ?? "", to: &out) }
            }
        }
    }

    /// The SQLite store's open-session state, read before anything is written (refused when this
    /// build cannot read it), with its counters past the store's highest ids, as an ingest of the
    /// SQLite store moves them when it starts.
    private func savedLinker() throws -> SessionLinker {
        var linker: SessionLinker
        if let json = try sqlite.state(Self.linkerKey) {  // the SQLite store keeps it under the same key
            do {
                linker = try JSONDecoder().decode(SessionLinker.self, from: Data(json.utf8))
            } catch {
                throw StoreCopyError.unreadableLinkerState(path: sqlite.path, message: "\(error)")
            }
        } else {
            linker = SessionLinker()
        }
        linker.reserveSessionIDs(from: try sqlite.nextSessionID())
        linker.reserveFailureIDs(from: try sqlite.nextFailureID())
        linker.reserveDeliveryIDs(from: try sqlite.nextDeliveryID())
        return linker
    }

    /// The linker's state and where its numbers' blocks went, as the host's `ingest_state`.
    private func saveState(_ linker: SessionLinker, _ ids: IDs) throws {
        var state = PostgresWriter.IDState()
        state.sessions = ids.sessions.blockStarts
        state.failures = ids.byBase["failure_rows"]!.blockStarts
        state.deliveries = ids.byBase["delivery_rows"]!.blockStarts
        let encoder = JSONEncoder()
        for (key, value) in [(Self.linkerKey, try encoder.encode(linker)), (Self.idsKey, try encoder.encode(state))] {
            try connection.query("""
                INSERT INTO ingest_state(ingest_host, key, value) VALUES ($1, $2, $3)
                ON CONFLICT (ingest_host, key) DO UPDATE SET value = excluded.value
                """, [ingestHost, key, String(decoding: value, as: UTF8.self)])
        }
    }

    /// The SQLite store's prune cutoffs under the sources' new ids, added to the fleet store's record,
    /// so that a later `--reingest` keeps out the lines that prune deleted there.
    private func copyPruned(_ sources: [Int64: Int64]) throws {
        let mine = PrunedSources(json: try sqlite.state(Store.prunedBeforeKey)).renumbered(sources)
        guard !mine.cutoffs.isEmpty else { return }
        try connection.execute("SELECT pg_advisory_xact_lock(\(PostgresStore.pruneNoteLock))")
        var all = try postgres.prunedSources()
        all.merge(mine)
        try postgres.setState(ingestHost: "", Store.prunedBeforeKey, all.json)
    }

    /// `ingest_state` keys, per ingesting host: the SessionLinker's JSON and the writer's `IDState`.
    public static let linkerKey = "linker"
    public static let idsKey = "ids"
}
