import CSQLite3
import MailTLSParser

/// Inserts rows into one table with multi-row `INSERT … VALUES (…), (…), …` statements.
///
/// Every `sqlite3_step` pays a fixed cost (starting the statement, opening and closing its cursors,
/// halting) about as large as the row's own insert. Rows therefore wait in a buffer until
/// `rowsPerStatement` of them are there, and go in with one step. A row still waiting can be changed
/// in place (`pendingRow(withID:)`), which saves the UPDATE a later line would otherwise cost.
///
/// The buffer holds plain values; text lives in a byte arena and is bound with `SQLITE_STATIC` at
/// flush time, so each text is copied once on its way into SQLite.
///
/// A full batch's statement names only the columns some of its rows set: a column that may be left out
/// (nullable, without a default, so leaving it out stores NULL) and is NULL in every row of the batch
/// is not in it. Each column costs SQLite's multi-row insert two opcodes per row (copying the parameter
/// into the row's registers, then into the record's), and a log leaves many columns empty in every row
/// (an Exim log's DANE, `alg_bits` and certificate-issuer columns, sendmail's logged-as-normalised
/// version and verify): the statement for each such set of columns is prepared when first needed
/// (`leanStatements`, a few per table at most).
///
/// The statements are `INSERT OR FAIL`. With the default conflict action (ABORT), a statement that
/// writes several rows must be able to undo its own earlier rows, so SQLite copied every page it was
/// about to change into a statement journal, a temporary file: five 16 KiB pages per statement, five
/// times the store's own writes (seen with strace). FAIL keeps a failed statement's earlier rows;
/// that changes nothing here, since any failure rolls the whole transaction (the file's part) back.
final class BatchInsert {
    enum Value {
        case null
        case int(Int64)
        /// Offset and length in the arena.
        case text(Int, Int)
    }

    /// Rows per statement: beyond 64 the gain is lost in the noise (measured with callgrind: 32 -> 64
    /// saved 1.5 % of the writer's instructions).
    static let defaultRowsPerStatement = 64

    /// A multi-row statement for a full batch, the columns it names, and what each of its parameters
    /// holds now: SQLite keeps bindings across steps, so a NULL or integer already in place (the empty
    /// DANE and certificate columns, source ids, flags) is not bound again. Text is always bound again
    /// (its bytes are the arena's, rewritten per batch).
    private final class BatchStatement {
        let statement: Statement
        let columns: [Int]
        let bound: UnsafeMutablePointer<Value>

        init(_ statement: Statement, columns: [Int], rows: Int) {
            self.statement = statement
            self.columns = columns
            bound = .allocate(capacity: columns.count * rows)
            bound.initialize(repeating: .null, count: columns.count * rows)   // parameters start as NULL
        }

        deinit { bound.deallocate() }
    }

    let width: Int
    let rowsPerStatement: Int
    private let table: String
    private let columnNames: [String]
    private let database: Database
    /// Every column.
    private let batch: BatchStatement
    private let single: Statement
    /// The columns that may be left out of a batch's statement (nullable, no default), at most 64.
    private let omittable: [Int]
    /// The statements without some of `omittable`, by the set left out (a bit per `omittable` index).
    private var leanStatements: [UInt64: BatchStatement] = [:]
    /// How many such statements were prepared (tests).
    var leanStatementCount: Int { leanStatements.count }
    /// Statements prepared per table beyond the full one: each holds a compiled program of some tens of
    /// KB; a batch whose empty columns make yet another set uses the full statement.
    static let maxLeanStatements = 3
    // Raw storage: arrays held in a class would pay a dynamic exclusivity check on every access.
    private let values: UnsafeMutablePointer<Value>
    /// What each parameter of `single` holds now (see `BatchStatement`).
    private let boundInSingle: UnsafeMutablePointer<Value>
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity = 64 * 1024
    private var arenaUsed = 0
    /// Rows waiting in the buffer.
    private(set) var pending = 0
    /// The column holding the row id that `pendingRow(withID:)` searches, if any.
    private let idColumn: Int?

    /// `columns` in order; the statement binds them as `?` parameters.
    init(_ db: Database, table: String, columns: [String], idColumn: String? = nil, rowsPerStatement: Int = BatchInsert.defaultRowsPerStatement) throws {
        width = columns.count
        self.rowsPerStatement = rowsPerStatement
        self.table = table
        columnNames = columns
        database = db
        self.idColumn = idColumn.flatMap { columns.firstIndex(of: $0) }
        single = try db.prepare(Self.insert(into: table, columns, rows: 1))
        batch = BatchStatement(try db.prepare(Self.insert(into: table, columns, rows: rowsPerStatement)),
                               columns: Array(0..<width), rows: rowsPerStatement)
        let info = try db.prepare("SELECT name FROM pragma_table_info(?) WHERE \"notnull\" = 0 AND dflt_value IS NULL AND pk = 0")
        info.bind(1, table)
        var nullable = Set<String>()
        while try info.step() { nullable.insert(info.string(0) ?? "") }
        omittable = Array(columns.indices.filter { nullable.contains(columns[$0]) }.prefix(64))
        values = .allocate(capacity: width * rowsPerStatement)
        values.initialize(repeating: .null, count: width * rowsPerStatement)
        boundInSingle = .allocate(capacity: width)
        boundInSingle.initialize(repeating: .null, count: width)
        arena = .allocate(capacity: arenaCapacity)
    }

    /// `INSERT OR FAIL INTO table(columns) VALUES (?, …), …` for `rows` rows.
    private static func insert(into table: String, _ columns: [String], rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        return "INSERT OR FAIL INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ",")
    }

    deinit {
        values.deallocate()
        boundInSingle.deallocate()
        arena.deallocate()
    }

    /// Starts a new row (all NULL) and returns its index for `set`, after writing the batch if it is
    /// full. Call `endRow()` when it is filled.
    ///
    /// A full batch waits until the next row begins (or `flush`), so the row ended last can still be
    /// taken back (`removeLastRow`) whatever its place in the batch.
    func beginRow() throws -> Int {
        if pending == rowsPerStatement { try flush() }
        let base = values + pending * width
        for i in 0..<width { base[i] = .null }
        return pending
    }

    /// Adds the row begun last to the batch.
    func endRow() {
        pending += 1
    }

    /// The index of the row ended last, if it still waits.
    var lastRow: Int? { pending > 0 ? pending - 1 : nil }

    /// Takes the row ended last out of the batch (its text stays in the arena until the batch is written).
    func removeLastRow() {
        precondition(pending > 0, "no pending row to remove")
        pending -= 1
    }

    @inline(__always) func set(_ row: Int, _ column: Int, _ v: Int64?) {
        values[row * width + column] = v.map { .int($0) } ?? .null
    }

    @inline(__always) func set(_ row: Int, _ column: Int, _ v: Int?) {
        values[row * width + column] = v.map { .int(Int64($0)) } ?? .null
    }

    @inline(__always) func set(_ row: Int, _ column: Int, _ v: Bool) {
        values[row * width + column] = .int(v ? 1 : 0)
    }

    func set(_ row: Int, _ column: Int, _ v: String?) {
        guard let v else { values[row * width + column] = .null; return }
        // Copied straight into the arena (a memcpy for native and small strings).
        let n = v.utf8.count
        if arenaUsed + n > arenaCapacity { grow(to: arenaUsed + n) }
        let (_, copied) = v.utf8._copyContents(initializing: UnsafeMutableBufferPointer(start: arena + arenaUsed, count: n))
        values[row * width + column] = .text(arenaUsed, copied)
        arenaUsed += copied
    }

    /// Sets bytes (already UTF-8) as text.
    func set(_ row: Int, _ column: Int, bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        if arenaUsed + n > arenaCapacity { grow(to: arenaUsed + n) }
        if let src = bytes.baseAddress { (arena + arenaUsed).update(from: src.assumingMemoryBound(to: UInt8.self), count: n) }
        values[row * width + column] = .text(arenaUsed, n)
        arenaUsed += n
    }

    private func grow(to needed: Int) {
        var c = arenaCapacity * 2
        while c < needed { c *= 2 }
        let a = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        a.update(from: arena, count: arenaUsed)
        arena.deallocate()
        arena = a
        arenaCapacity = c
    }

    /// The current text of a pending row's column, or nil.
    func text(_ row: Int, _ column: Int) -> String? {
        guard case .text(let o, let n) = values[row * width + column] else { return nil }
        return String(decoding: UnsafeBufferPointer(start: arena + o, count: n), as: UTF8.self)
    }

    func int(_ row: Int, _ column: Int) -> Int64? {
        guard case .int(let v) = values[row * width + column] else { return nil }
        return v
    }

    /// The pending row whose id column equals `id` (newest first), or nil when it was written.
    func pendingRow(withID id: Int64) -> Int? {
        guard let c = idColumn else { return nil }
        var r = pending - 1
        while r >= 0 {
            if case .int(let v) = values[r * width + c], v == id { return r }
            r -= 1
        }
        return nil
    }

    /// Writes the pending rows.
    func flush() throws {
        guard pending > 0 else { return }
        defer { discard() }
        if pending == rowsPerStatement {
            let s = try statementForBatch()
            bind(s.statement, rows: 0..<pending, columns: s.columns, bound: s.bound)
            try s.statement.run()
        } else {
            for r in 0..<pending {
                bind(single, rows: r..<(r + 1), columns: batch.columns, bound: boundInSingle)
                try single.run()
            }
        }
    }

    /// The statement for the full batch waiting: without the omittable columns that are NULL in all
    /// its rows.
    private func statementForBatch() throws -> BatchStatement {
        var leftOut: UInt64 = 0
        omittable.withUnsafeBufferPointer { columns in
            for bit in columns.indices {
                var v = values + columns[bit]
                var r = 0
                while r < pending {
                    guard case .null = v.pointee else { break }
                    v += width
                    r += 1
                }
                if r == pending { leftOut |= 1 << UInt64(bit) }
            }
        }
        if leftOut == 0 { return batch }
        if let s = leanStatements[leftOut] { return s }
        guard leanStatements.count < Self.maxLeanStatements else { return batch }
        let kept = (0..<width).filter { c in
            guard let bit = omittable.firstIndex(of: c) else { return true }
            return leftOut & (1 << UInt64(bit)) == 0
        }
        let s = BatchStatement(try database.prepare(Self.insert(into: table, kept.map { columnNames[$0] },
                                                                rows: rowsPerStatement)),
                               columns: kept, rows: rowsPerStatement)
        leanStatements[leftOut] = s
        return s
    }

    /// Forgets the pending rows (after a failure; the transaction is rolled back).
    func discard() {
        pending = 0
        arenaUsed = 0
        if arenaCapacity > 8 << 20 {
            arena.deallocate()
            arenaCapacity = 64 * 1024
            arena = .allocate(capacity: arenaCapacity)
        }
    }

    /// Binds `columns` of `rows` in order (parameter 1 is the first row's first column).
    private func bind(_ s: Statement, rows: Range<Int>, columns: [Int], bound: UnsafeMutablePointer<Value>) {
        let h = s.handle
        var p: Int32 = 1
        var b = bound
        for r in rows { for c in columns {
            let i = r * width + c
            switch values[i] {
            case .null:
                if case .null = b.pointee { break }
                sqlite3_bind_null(h, p)
                b.pointee = .null
            case .int(let v):
                if case .int(let w) = b.pointee, w == v { break }
                sqlite3_bind_int64(h, p, v)
                b.pointee = .int(v)
            case .text(let o, let n):
                // SQLITE_STATIC (nil): the arena is not touched until the step is over.
                sqlite3_bind_text(h, p, UnsafeRawPointer(arena + o).assumingMemoryBound(to: CChar.self), Int32(n), nil)
                b.pointee = .text(o, n)
            }
            p += 1
            b += 1
        } }
    }
}
