import MailTLSStore

/// Rows of one base table waiting for `COPY … FROM STDIN`, and their encoding in COPY's text format.
///
/// Each cell is a kind byte and a 64-bit value in two flat arrays: an integer, a dictionary id, a
/// text kept in the row (its COPY-escaped bytes in `arena`, the value its offset and length), or a
/// dictionary value not yet cached (the value its index in `PostgresTexts`' new values, which get
/// their ids in one round trip at the flush). No cell holds a String: setting one costs no retain,
/// release or allocation, and the flush writes the rows into a `CopyBytes` without looking anything
/// up again. A row still waiting can be changed in place (`pendingRow(withID:)`): a certificate line
/// or the rest of a `[more]` list then costs no UPDATE, as in the SQLite writer's `BatchInsert`.
final class PostgresRowBuffer {
    enum Kind: UInt8 {
        case null = 0
        case int
        /// Kept in the row (queue ids, recipients, message ids, tokens): offset << 32 | length in `arena`.
        case text
        /// A dictionary value not cached when set: the index of its `PostgresTexts` new value.
        case newText
    }

    let table: CompactRows.Table
    /// The COPY's columns (`PostgresSchema.copyColumns`), in the order of the cells.
    let columns: [String]
    let width: Int
    private var kinds: UnsafeMutablePointer<UInt8>
    private var values: UnsafeMutablePointer<Int64>
    private var capacityRows: Int
    private(set) var rows = 0
    /// Bytes of text kept in the rows (what a row of long fields costs; bounds a flush's memory).
    var textBytes: Int { arena.count }
    /// COPY-escaped bytes of the text cells.
    private var arena: [UInt8] = []
    /// The id column when waiting rows are found by id (`pendingRow(withID:)`), else nil.
    private let idColumn: Int?
    private var pendingByID: [Int64: Int] = [:]

    let texts: PostgresTexts

    /// `findsPending`: whether later lines complete this table's waiting rows (sessions, deliveries,
    /// failures). Only then is each row's id noted: a dictionary insert per row that messages and
    /// AUTH rows, never completed, need not pay.
    init(_ table: CompactRows.Table, texts: PostgresTexts, findsPending: Bool = true) {
        self.table = table
        self.texts = texts
        columns = PostgresSchema.copyColumns(table)
        width = columns.count
        idColumn = findsPending ? columns.firstIndex(of: "id") : nil
        capacityRows = 1024
        kinds = .allocate(capacity: capacityRows * width)
        values = .allocate(capacity: capacityRows * width)
        values.initialize(repeating: 0, count: capacityRows * width)
        arena.reserveCapacity(64 << 10)
    }

    deinit {
        kinds.deallocate()
        values.deallocate()
    }

    /// The position of `name` among the columns (checked: a column renamed in `CompactRows` fails at
    /// the writer's start, not by writing into the wrong column).
    func column(_ name: String) -> Int {
        guard let i = columns.firstIndex(of: name) else {
            preconditionFailure("\(table.base) has no column \(name): PostgresWriter is out of step with CompactRows")
        }
        return i
    }

    /// Starts a row (all NULL); returns its index.
    func beginRow() -> Int {
        if rows == capacityRows { grow() }
        (kinds + rows * width).update(repeating: Kind.null.rawValue, count: width)
        rows += 1
        return rows - 1
    }

    private func grow() {
        let c = capacityRows * 2
        let k = UnsafeMutablePointer<UInt8>.allocate(capacity: c * width)
        k.update(from: kinds, count: rows * width)
        let v = UnsafeMutablePointer<Int64>.allocate(capacity: c * width)
        v.initialize(repeating: 0, count: c * width)
        v.update(from: values, count: rows * width)
        kinds.deallocate()
        values.deallocate()
        kinds = k
        values = v
        capacityRows = c
    }

    /// The index of the row begun last, if any waits.
    var lastRow: Int? { rows > 0 ? rows - 1 : nil }

    /// Takes the row begun last out of the buffer (its text stays in the arena until the flush).
    func removeLastRow() {
        precondition(rows > 0, "no pending row to remove")
        rows -= 1
        if let c = idColumn, let id = int(rows, c), pendingByID[id] == rows { pendingByID[id] = nil }
    }

    /// Copies a cell of `other`'s row (both buffers share the texts: a new dictionary value stays one).
    func copy(_ row: Int, _ column: Int, from other: PostgresRowBuffer, _ otherRow: Int, _ otherColumn: Int) {
        let i = row * width + column, j = otherRow * other.width + otherColumn
        kinds[i] = other.kinds[j]
        values[i] = other.values[j]
    }

    /// Remembers the row's id for `pendingRow(withID:)` (call after setting the id column).
    func endRow(_ row: Int) {
        if let c = idColumn, let id = int(row, c) { pendingByID[id] = row }
    }

    @inline(__always) private func put(_ row: Int, _ column: Int, _ kind: Kind, _ v: Int64) {
        let i = row * width + column
        kinds[i] = kind.rawValue
        values[i] = v
    }
    @inline(__always) func setNull(_ row: Int, _ column: Int) { kinds[row * width + column] = Kind.null.rawValue }

    @inline(__always) func set(_ row: Int, _ column: Int, _ v: Int64?) {
        if let v { put(row, column, .int, v) } else { setNull(row, column) }
    }
    @inline(__always) func set(_ row: Int, _ column: Int, _ v: Int?) {
        if let v { put(row, column, .int, Int64(v)) } else { setNull(row, column) }
    }
    @inline(__always) func set(_ row: Int, _ column: Int, _ v: Bool) {
        put(row, column, .int, v ? 1 : 0)
    }
    @inline(__always) func set(_ row: Int, _ column: Int, text v: String?) {
        guard let v else { setNull(row, column); return }
        let start = arena.count
        Self.appendEscaped(v, to: &arena)
        put(row, column, .text, Int64(start) << 32 | Int64(arena.count - start))
    }
    /// Text from bytes (a templated text's token), escaped as `set(_:_:text:)` does.
    func set(_ row: Int, _ column: Int, text bytes: ArraySlice<UInt8>) {
        let start = arena.count
        for b in bytes { Self.appendEscaped(b, to: &arena) }
        put(row, column, .text, Int64(start) << 32 | Int64(arena.count - start))
    }
    @inline(__always) func set(_ row: Int, _ column: Int, dictionary v: String?) {
        guard let v else { setNull(row, column); return }
        if let id = texts.cachedID(v) {
            put(row, column, .int, id)
        } else {
            put(row, column, .newText, Int64(texts.noteNew(v)))
        }
    }

    func isNull(_ row: Int, _ column: Int) -> Bool { kinds[row * width + column] == Kind.null.rawValue }

    /// The cell's integer, nil unless it holds one.
    func int(_ row: Int, _ column: Int) -> Int64? {
        let i = row * width + column
        return kinds[i] == Kind.int.rawValue ? values[i] : nil
    }

    /// Appends `separator` and `suffix` to a text cell (nothing when the cell holds no text).
    func append(_ row: Int, _ column: Int, separator: UInt8, _ suffix: String) {
        let i = row * width + column
        guard kinds[i] == Kind.text.rawValue else { return }
        let start = Int(values[i] >> 32), length = Int(values[i] & 0xFFFF_FFFF)
        let old = Array(arena[start..<(start + length)])
        let newStart = arena.count
        arena.append(contentsOf: old)
        Self.appendEscaped(separator, to: &arena)
        Self.appendEscaped(suffix, to: &arena)
        values[i] = Int64(newStart) << 32 | Int64(arena.count - newStart)
    }

    /// The waiting row with this id, or nil when it was written already (or the buffer does not find
    /// its rows: `findsPending`).
    func pendingRow(withID id: Int64) -> Int? { pendingByID[id] }

    /// The waiting rows as COPY text, dictionary values as their ids (`PostgresTexts.resolveNew` first).
    func encode(into out: CopyBytes) {
        var i = 0
        arena.withUnsafeBufferPointer { arena in
            for _ in 0..<rows {
                // Room for the row: 21 bytes per number (sign and 20 digits) and its separator, plus its texts.
                var room = width * 22 + 1
                for c in 0..<width where kinds[i + c] == Kind.text.rawValue { room += Int(values[i + c] & 0xFFFF_FFFF) }
                let start = out.reserve(room)
                var p = start
                for c in 0..<width {
                    if c > 0 { p.pointee = 0x09; p += 1 }
                    let v = values[i]
                    switch kinds[i] {
                    case Kind.int.rawValue: p = Self.writeDecimal(v, at: p)
                    case Kind.text.rawValue:
                        let length = Int(v & 0xFFFF_FFFF)
                        if length > 0 { p.update(from: arena.baseAddress! + Int(v >> 32), count: length) }
                        p += length
                    case Kind.newText.rawValue: p = Self.writeDecimal(texts.newID(Int(v)), at: p)
                    default: p[0] = 0x5C; p[1] = 0x4E; p += 2   // \N
                    }
                    i += 1
                }
                p.pointee = 0x0A
                p += 1
                out.commit(p - start)
            }
        }
    }

    /// Forgets the waiting rows (written, or rolled back).
    func removeAll() {
        rows = 0
        arena.removeAll(keepingCapacity: true)
        pendingByID.removeAll(keepingCapacity: true)
    }

    /// Writes `v` in decimal at `p`; returns the end. Two digits per step from a table of the pairs
    /// "00"..."99" (a tenth of the writer's instructions went to writing numbers a digit at a time).
    @inline(__always) static func writeDecimal(_ v: Int64, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = p
        if v < 0 { p.pointee = 0x2D; p += 1 }
        var n = v.magnitude
        var digits = 1
        var t = n
        while t >= 10_000 { t /= 10_000; digits += 4 }
        if t >= 100 { t /= 100; digits += 2 }
        if t >= 10 { digits += 1 }
        let pairs = digitPairs.utf8Start
        var q = p + digits
        while n >= 100 {
            let r = Int(n % 100)
            n /= 100
            q -= 2
            q[0] = pairs[2 * r]
            q[1] = pairs[2 * r + 1]
        }
        if n >= 10 {
            q[-2] = pairs[2 * Int(n)]
            q[-1] = pairs[2 * Int(n) + 1]
        } else {
            q[-1] = UInt8(48 + n)
        }
        return p + digits
    }

    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Appends `v` in decimal (`writeDecimal`) to `out`.
    static func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { b in
            let end = writeDecimal(v, at: b.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(start: b.baseAddress!, count: end - b.baseAddress!))
        }
    }

    /// Text in COPY's text format: backslash, tab, newline and carriage return escaped. NUL, which a
    /// PostgreSQL text cannot hold, is left out (a log line with one is malformed anyway). Text with
    /// none of them (almost all) is copied whole.
    static func appendEscaped(_ s: String, to out: inout [UInt8]) {
        var s = s
        let done: Bool = s.withUTF8 { u in
            for b in u where b == 0x5C || b < 0x0E && (b == 0x09 || b == 0x0A || b == 0x0D || b == 0x00) { return false }
            out.append(contentsOf: u)
            return true
        }
        if done { return }
        for b in s.utf8 { appendEscaped(b, to: &out) }
    }

    /// One byte as `appendEscaped(_:to:)` writes it.
    @inline(__always) static func appendEscaped(_ b: UInt8, to out: inout [UInt8]) {
        switch b {
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x09: out.append(0x5C); out.append(0x74)
        case 0x0A: out.append(0x5C); out.append(0x6E)
        case 0x0D: out.append(0x5C); out.append(0x72)
        case 0x00: break
        default: out.append(b)
        }
    }
}
