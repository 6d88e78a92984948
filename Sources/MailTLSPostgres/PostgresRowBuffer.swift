import MailTLSStore

/// Rows of one base table waiting for `COPY … FROM STDIN`, and their encoding in COPY's text format.
///
/// A dictionary value already in the `PostgresTexts` cache becomes its id at once; a new one stays text
/// until the flush, when `PostgresTexts` resolves every new one in a single round trip; then each row
/// becomes one line (tab-separated, `\N` for NULL). A row still waiting can
/// be changed in place (`pendingRow(withID:)`): a certificate line or the rest of a `[more]` list
/// then costs no UPDATE, as in the SQLite writer's `BatchInsert`.
final class PostgresRowBuffer {
    enum Cell {
        case null
        case int(Int64)
        /// Kept in the row (queue ids, recipients, message ids, tokens).
        case text(String)
        /// A dictionary value not cached when set: becomes its id in `texts` at the flush.
        case dictionary(String)
    }

    let table: CompactRows.Table
    /// The COPY's columns (`PostgresSchema.copyColumns`), in the order of the cells.
    let columns: [String]
    let width: Int
    private(set) var cells: [Cell] = []
    private(set) var rows = 0
    private let idColumn: Int?
    private var pendingByID: [Int64: Int] = [:]

    let texts: PostgresTexts

    init(_ table: CompactRows.Table, texts: PostgresTexts) {
        self.table = table
        self.texts = texts
        columns = PostgresSchema.copyColumns(table)
        width = columns.count
        idColumn = columns.firstIndex(of: "id")
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
        cells.append(contentsOf: repeatElement(.null, count: width))
        rows += 1
        return rows - 1
    }

    /// Remembers the row's id for `pendingRow(withID:)` (call after setting the id column).
    func endRow(_ row: Int) {
        if let c = idColumn, case .int(let id) = cells[row * width + c] { pendingByID[id] = row }
    }

    @inline(__always) func set(_ row: Int, _ column: Int, _ v: Int64?) {
        cells[row * width + column] = v.map { .int($0) } ?? .null
    }
    @inline(__always) func set(_ row: Int, _ column: Int, _ v: Int?) {
        cells[row * width + column] = v.map { .int(Int64($0)) } ?? .null
    }
    @inline(__always) func set(_ row: Int, _ column: Int, _ v: Bool) {
        cells[row * width + column] = .int(v ? 1 : 0)
    }
    @inline(__always) func set(_ row: Int, _ column: Int, text v: String?) {
        cells[row * width + column] = v.map { .text($0) } ?? .null
    }
    @inline(__always) func set(_ row: Int, _ column: Int, dictionary v: String?) {
        guard let v else { cells[row * width + column] = .null; return }
        if let id = texts.cachedID(v) {
            cells[row * width + column] = .int(id)
        } else {
            cells[row * width + column] = .dictionary(v)
            texts.noteNew(v)
        }
    }

    func cell(_ row: Int, _ column: Int) -> Cell { cells[row * width + column] }

    /// The waiting row with this id, or nil when it was written already.
    func pendingRow(withID id: Int64) -> Int? { pendingByID[id] }

    /// The waiting rows as COPY text, dictionary values as their ids, handed to `send` about every
    /// `piece` bytes (and at the end).
    func encode(into out: inout [UInt8], piece: Int = 256 << 10,
                send: (inout [UInt8]) throws -> Void) rethrows {
        var i = 0
        for _ in 0..<rows {
            if out.count >= piece { try send(&out) }
            for c in 0..<width {
                if c > 0 { out.append(0x09) }
                switch cells[i] {
                case .null: out.append(0x5C); out.append(0x4E)   // \N
                case .int(let v): Self.appendDecimal(v, to: &out)
                case .text(let s): Self.appendEscaped(s, to: &out)
                case .dictionary(let s): Self.appendDecimal(texts.cachedID(s)!, to: &out)
                }
                i += 1
            }
            out.append(0x0A)
        }
        try send(&out)
    }

    /// Forgets the waiting rows (written, or rolled back).
    func removeAll() {
        cells.removeAll(keepingCapacity: true)
        rows = 0
        pendingByID.removeAll(keepingCapacity: true)
    }

    static func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
        if v == 0 { out.append(0x30); return }
        var n = v.magnitude
        var digits: (UInt64, UInt64) = (0, 0)   // room for 20 digits, written backwards
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 {
                d[count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            }
            if v < 0 { out.append(0x2D) }
            while count > 0 { count -= 1; out.append(d[count]) }
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
        for b in s.utf8 {
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
}
