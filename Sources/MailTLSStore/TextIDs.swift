import CSQLite3
import MailTLSParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ids of repeated text (hosts, peers, relays, versions, ciphers, mailers, reasons, …) in the
/// store's `texts` dictionary: rows hold a small integer instead of the text itself.
///
/// A busy server's logs repeat the same few thousand values millions of times; storing each once
/// roughly halves the rows and their pages (see docs/performance.md). Lookups go through a cache of
/// values keyed by their bytes (`TextIDTable`); a miss asks SQLite (`texts` has a unique index on
/// `value`) and inserts the value when it is new. The cache has two generations of fixed size, so
/// memory stays flat whatever the number of distinct peers: values go into the current one; when it
/// is full it becomes the previous one and a new current one starts empty, and a value found only
/// in the previous one moves into the current one. So what is forgotten is what was not used for a
/// whole generation, and the common values stay. It must be cleared when a transaction rolls back
/// (`clear`), since the ids it then holds may no longer exist.
///
/// While the cache holds every value of `texts` (a new store, or one with few values: `load` reads
/// them all), a value it lacks is new for certain: it gets the id SQLite would give it (the largest
/// id + 1) at once and waits in a multi-row insert (`BatchInsert`) until `flush`, which the writer
/// calls before anything reads `texts`. That saves the single-row INSERT OR IGNORE each new value
/// cost (about 8,400 instructions, the price of two rows). Once a generation has been dropped with
/// values in it, values go in one by one as before.
///
/// In front of it sits a smaller cache keyed by the String itself (`id(_:)`): the parser hands the
/// writer the same String instance for a value it has seen before (its value cache), and a String of
/// at most 15 bytes holds its bytes inline, so the String's two words identify the text. Finding them
/// there costs a multiply and two compares instead of hashing and comparing the bytes (a fifth of
/// the writer's instructions went to the byte cache; callgrind). Each entry holds its String, so the
/// storage it names cannot be freed and reused for other text while the entry exists.
final class TextIDs {
    /// Two generations of 48 K values and 1.5 MiB of their bytes each (6 MiB in all): a 200 MiB log
    /// has 60 K (sendmail) to 88 K (Exim) distinct values, most of them rare (one-off senders, dynamic
    /// client names), so the common ones stay cached.
    static let slotCount = 1 << 16
    static let arenaLimit = 3 << 19
    private let db: Database
    private let find: Statement
    private let insert: Statement
    /// New values with the ids given to them, waiting to go in (while `state` is `complete`).
    private let pending: BatchInsert
    /// Whether the cache holds every value of `texts`.
    private enum State {
        /// It does; the next new value gets this id.
        case complete(nextID: Int64)
        /// It may not: a value it lacks is looked for in SQLite.
        case partial
        /// Not known yet (after `clear`): `load` finds out at the next miss.
        case unknown
    }
    private var state = State.unknown
    /// Values looked for in SQLite (tests read it).
    private(set) var lookUps = 0
    /// The byte cache, in two generations (`TextIDTable`).
    private let table = TextIDTable(slotCount: TextIDs.slotCount, arenaLimit: TextIDs.arenaLimit)
    /// Direct-mapped, by the String's two words (`StringBits`); 0 in `high` marks an empty
    /// slot (no String has a zero second word: it holds the storage pointer or the inline flags).
    static let identitySlotCount = 1 << identityBits
    static let identityBits = 14
    static let identityShift = UInt64(64 - identityBits)
    /// Longer Strings go straight to the byte cache: an entry keeps its String alive, and this bounds
    /// what the entries can hold (16 K of at most 64 bytes: 1 MiB) whatever the log.
    static let identityMaxBytes = 64
    /// A slot's key and id side by side: a hit reads one cache line (three arrays cost three misses a
    /// lookup on a busy machine's shared cache; perf).
    private struct IdentitySlot {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var id: Int64 = 0
    }
    private let identity: UnsafeMutablePointer<IdentitySlot>
    /// The Strings the slots name, kept alive (read only on a miss).
    private let identityStrings: UnsafeMutablePointer<String?>

    init(_ db: Database) throws {
        self.db = db
        pending = try BatchInsert(db, table: "texts", columns: ["id", "value"])
        find = try db.prepare("SELECT id FROM texts WHERE value = ?")
        insert = try db.prepare("INSERT OR IGNORE INTO texts(value) VALUES (?)")
        identity = .allocate(capacity: Self.identitySlotCount)
        identity.initialize(repeating: IdentitySlot(), count: Self.identitySlotCount)
        identityStrings = .allocate(capacity: Self.identitySlotCount)
        identityStrings.initialize(repeating: nil, count: Self.identitySlotCount)
    }

    deinit {
        identity.deallocate()
        identityStrings.deinitialize(count: Self.identitySlotCount)
        identityStrings.deallocate()
    }

    /// The id of `text`, or nil for nil: by the String's identity when it was seen lately, else by its
    /// bytes.
    @inline(__always)
    func id(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        return try id(text)
    }

    /// The id of `text` (see `id(_:)` for an optional).
    @inline(__always)
    func id(_ text: String) throws -> Int64 {
        let bits = unsafeBitCast(text, to: StringBits.self)
        let mixed = ((bits.low &* 0x9E37_79B9_7F4A_7C15) ^ bits.high) &* 0xFF51_AFD7_ED55_8CCD
        let slot = Int(truncatingIfNeeded: mixed >> Self.identityShift)
        let entry = identity[slot]
        if entry.high == bits.high && entry.low == bits.low { return entry.id }
        return try identityMiss(text, bits, slot)
    }

    /// A String's two words (its inline bytes, or its count and flags and its storage).
    private struct StringBits {
        var low: UInt64
        var high: UInt64
    }

    private func identityMiss(_ text: String, _ bits: StringBits, _ slot: Int) throws -> Int64 {
        let id: Int64 = try ByteSpan.with(text) { try self.id(bytes: $0) }
        if text.utf8.count <= Self.identityMaxBytes {
            identityStrings[slot] = text
            identity[slot] = IdentitySlot(low: bits.low, high: bits.high, id: id)
        }
        return id
    }

    /// The id of the UTF-8 text `bytes`, added to the dictionary when new.
    func id(bytes: ByteSpan) throws -> Int64 {
        let h = TextIDTable.hash(bytes)
        if let id = table.find(bytes, hash: h) {
            if table.forgot { try cacheIsPartial() }   // finding it in the older generation moved it
            return id
        }
        if case .unknown = state {
            try load()
            return try id(bytes: bytes)
        }
        let id: Int64
        if case .complete(let next) = state {
            id = next
            state = .complete(nextID: next + 1)
            let row = try pending.beginRow()
            pending.set(row, 0, id)
            pending.set(row, 1, bytes: UnsafeRawBufferPointer(start: bytes.base, count: bytes.count))
            pending.endRow()
        } else {
            id = try lookUp(bytes)
        }
        table.insert(bytes, hash: h, id: id)
        if table.forgot { try cacheIsPartial() }
        return id
    }

    /// The cache has forgotten values (a generation with values in it was dropped, or a value was too
    /// long to keep): a value it lacks may be in `texts` now. The values waiting go in first, and from
    /// now on such values are looked for in SQLite (else a forgotten value would get a second id).
    private func cacheIsPartial() throws {
        guard case .complete = state else { return }
        try pending.flush()
        state = .partial
    }

    /// Reads every value of `texts` into the cache when there are few enough (a generation's worth,
    /// so that as many new values fit before any is forgotten), so that the cache is complete; else
    /// leaves it empty and partial.
    private func load() throws {
        state = .partial
        guard let n = try db.scalarInt("SELECT count(*) FROM texts"), n <= table.capacity else { return }
        let all = try db.prepare("SELECT id, value FROM texts")
        var maxID: Int64 = 0
        while try all.step() {
            let id = all.int64(0)
            let bytes = ByteSpan(UnsafeBufferPointer(start: sqlite3_column_text(all.handle, 1),
                                                     count: Int(sqlite3_column_bytes(all.handle, 1))))
            table.insert(bytes, hash: TextIDTable.hash(bytes), id: id)
            maxID = max(maxID, id)
        }
        if table.forgot {   // long values: they do not fit in one generation after all
            table.clear()
            return
        }
        state = .complete(nextID: maxID + 1)
    }

    /// Inserts the new values still waiting (before anything else reads `texts`).
    func flush() throws { try pending.flush() }

    /// Adds the value, or finds it when it is there. Values missing from the cache are almost always
    /// new (the cache holds the common ones), so the insert comes first: asking first cost a failed
    /// index search per new value, a quarter of the lookup (callgrind).
    private func lookUp(_ bytes: ByteSpan) throws -> Int64 {
        lookUps += 1
        let raw = UnsafeRawBufferPointer(start: bytes.base, count: bytes.count)
        insert.bind(1, bytes: raw)
        try insert.run()
        if insert.database.changes > 0 { return insert.database.lastInsertRowID }
        find.bind(1, bytes: raw)
        defer { find.reset() }
        guard try find.step() else { throw StoreError.sqlite(code: 0, message: "text not found after insert", sql: nil) }
        return find.int64(0)
    }

    /// Forgets every cached id and the new values not yet inserted (after a rollback: the ids may no
    /// longer exist).
    func clear() {
        pending.discard()
        table.clear()
        state = .unknown
        identity.update(repeating: IdentitySlot(), count: Self.identitySlotCount)
        identityStrings.update(repeating: nil, count: Self.identitySlotCount)
    }
}
