/// Store-wide row ids for one writer, taken in blocks from a base table's sequence.
///
/// The linker numbers a run's TLS sessions, failures and deliveries 1, 2, 3, … (`RowIDs`) and later
/// lines point at them by those numbers. Many hosts write into one PostgreSQL store at once, so the
/// writer turns each local number into a store-wide id: local block k (`idBlock` numbers) gets the
/// block that `nextval` hands out when the writer first meets it, and a number keeps its place within
/// its block. Blocks are the writer's alone, so ids never clash and no writer waits for another; a
/// lone writer gets blocks 1, 65537, … in order, so its ids are the linker's numbers, as in SQLite.
/// Rows without a linker number (messages, AUTH) take the next id of a block of their own (`fresh`).
final class RowIDBlocks {
    let sequence: String
    private let connection: PostgresConnection
    private let block = PostgresSchema.idBlock
    private var blocks: [Int64: Int64] = [:]
    private var nextFresh: Int64 = 0
    private var freshEnd: Int64 = 0

    init(sequence: String, connection: PostgresConnection) {
        self.sequence = sequence
        self.connection = connection
    }

    private func take() throws -> Int64 {
        guard let start = try connection.scalarInt("SELECT nextval('\(sequence)')") else {
            throw PostgresError.statement(message: "nextval returned no value", sqlState: nil,
                                          sql: "SELECT nextval('\(sequence)')")
        }
        return start
    }

    /// The store-wide id of the linker's number `local` (1-based).
    func global(_ local: Int64) throws -> Int64 {
        let k = (local - 1) / block
        if let start = blocks[k] { return start + (local - 1) % block }
        let start = try take()
        blocks[k] = start
        return start + (local - 1) % block
    }

    /// The store-wide id of a linker number already seen, without taking a block (nil when unseen:
    /// a number from an earlier run, which this writer cannot place).
    func knownGlobal(_ local: Int64) -> Int64? {
        blocks[(local - 1) / block].map { $0 + (local - 1) % block }
    }

    /// Which block each local block k got: saved with the linker's state between runs (the linker's
    /// numbers go on from where they were, and lines of the next run point at sessions of this one).
    var blockStarts: [Int64: Int64] {
        get { blocks }
        set { blocks = newValue }
    }

    /// A new id for a row the linker did not number.
    func fresh() throws -> Int64 {
        if nextFresh == freshEnd {
            nextFresh = try take()
            freshEnd = nextFresh + block
        }
        defer { nextFresh += 1 }
        return nextFresh
    }
}
