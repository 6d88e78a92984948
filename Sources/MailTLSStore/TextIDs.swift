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
/// recent values keyed by their bytes (open addressing on `FastHash`, keys compared in place, as in
/// `RollupTable`); a miss asks SQLite (`texts` has a unique index on `value`) and inserts the value
/// when it is new. The cache is bounded: when it is full it starts again empty, so memory stays flat
/// whatever the number of distinct peers. It must be cleared when a transaction rolls back (`clear`),
/// since the ids it then holds may no longer exist.
///
/// While the cache holds every value of `texts` (a new store, or one with few values: `load` reads
/// them all), a value it lacks is new for certain: it gets the id SQLite would give it (the largest
/// id + 1) at once and waits in a multi-row insert (`BatchInsert`) until `flush`, which the writer
/// calls before anything reads `texts`. That saves the single-row INSERT OR IGNORE each new value
/// cost (about 8,400 instructions, the price of two rows). Once the cache has been emptied, values
/// go in one by one as before.
///
/// In front of it sits a smaller cache keyed by the String itself (`id(_:)`): the parser hands the
/// writer the same String instance for a value it has seen before (its value cache), and a String of
/// at most 15 bytes holds its bytes inline, so the String's two words identify the text. Finding them
/// there costs a multiply and two compares instead of hashing and comparing the bytes (a fifth of
/// the writer's instructions went to the byte cache; callgrind). Each entry holds its String, so the
/// storage it names cannot be freed and reused for other text while the entry exists.
final class TextIDs {
    /// 48 K values and 3 MiB of their bytes (4.5 MiB in all): a 200 MiB log has about 53 K distinct
    /// values, most of them rare (one-off senders, dynamic client names), so the common ones stay cached.
    static let slotCount = 1 << 16
    static let arenaLimit = 3 << 20
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
    /// A value's hash, id and place in `arena`, side by side (one cache line per probe). A hash of 0
    /// marks an empty slot (stored hashes have their low bit set).
    private struct ByteSlot {
        var hash: UInt64 = 0
        var id: Int64 = 0
        var offset: Int32 = 0
        var length: Int32 = 0
    }
    private let slots: UnsafeMutablePointer<ByteSlot>
    private let arena: UnsafeMutablePointer<UInt8>
    private var arenaUsed = 0
    private var count = 0
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
        slots = .allocate(capacity: Self.slotCount)
        slots.initialize(repeating: ByteSlot(), count: Self.slotCount)
        arena = .allocate(capacity: Self.arenaLimit)
        identity = .allocate(capacity: Self.identitySlotCount)
        identity.initialize(repeating: IdentitySlot(), count: Self.identitySlotCount)
        identityStrings = .allocate(capacity: Self.identitySlotCount)
        identityStrings.initialize(repeating: nil, count: Self.identitySlotCount)
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
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
        let h = FastHash.of(bytes) | 1
        let mask = Self.slotCount - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].hash != 0 {
            if slots[i].hash == h && Int(slots[i].length) == bytes.count
                && (bytes.count == 0 || memcmp(arena + Int(slots[i].offset), bytes.base, bytes.count) == 0) {
                return slots[i].id
            }
            i = (i + 1) & mask
        }
        if case .unknown = state {
            try load()
            return try id(bytes: bytes)
        }
        if count * 4 >= Self.slotCount * 3 || arenaUsed + bytes.count > Self.arenaLimit {
            try clearBytes()
            i = Int(truncatingIfNeeded: h) & mask
        }
        let id: Int64
        if case .complete(let next) = state {
            id = next
            state = .complete(nextID: next + 1)
            let row = pending.beginRow()
            pending.set(row, 0, id)
            pending.set(row, 1, bytes: UnsafeRawBufferPointer(start: bytes.base, count: bytes.count))
            try pending.endRow()
        } else {
            id = try lookUp(bytes)
        }
        remember(bytes, hash: h, id: id, at: i)
        return id
    }

    /// Puts a value into the byte cache at its free slot `i`.
    private func remember(_ bytes: ByteSpan, hash h: UInt64, id: Int64, at i: Int) {
        if bytes.count > 0 { (arena + arenaUsed).update(from: bytes.base, count: bytes.count) }
        slots[i] = ByteSlot(hash: h, id: id, offset: Int32(arenaUsed), length: Int32(bytes.count))
        arenaUsed += bytes.count
        count += 1
    }

    /// Reads every value of `texts` into the byte cache when there are few enough (half the cache),
    /// so that the cache is complete; else leaves it empty and partial.
    private func load() throws {
        state = .partial
        guard let n = try db.scalarInt("SELECT count(*) FROM texts"), n <= Self.slotCount / 2 else { return }
        let all = try db.prepare("SELECT id, value FROM texts")
        var maxID: Int64 = 0
        while try all.step() {
            let id = all.int64(0)
            let n = Int(sqlite3_column_bytes(all.handle, 1))
            let bytes = ByteSpan(UnsafeBufferPointer(start: sqlite3_column_text(all.handle, 1), count: n))
            guard arenaUsed + n <= Self.arenaLimit / 2 else {
                try clearBytes()
                return
            }
            let h = FastHash.of(bytes) | 1
            var i = Int(truncatingIfNeeded: h) & (Self.slotCount - 1)
            while slots[i].hash != 0 { i = (i + 1) & (Self.slotCount - 1) }
            remember(bytes, hash: h, id: id, at: i)
            maxID = max(maxID, id)
        }
        state = .complete(nextID: maxID + 1)
    }

    /// Inserts the new values still waiting (before anything else reads `texts`).
    func flush() throws { try pending.flush() }

    /// Adds the value, or finds it when it is there. Values missing from the cache are almost always
    /// new (the cache holds the common ones), so the insert comes first: asking first cost a failed
    /// index search per new value, a quarter of the lookup (callgrind).
    private func lookUp(_ bytes: ByteSpan) throws -> Int64 {
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
        slots.update(repeating: ByteSlot(), count: Self.slotCount)
        count = 0
        arenaUsed = 0
        state = .unknown
        identity.update(repeating: IdentitySlot(), count: Self.identitySlotCount)
        identityStrings.update(repeating: nil, count: Self.identitySlotCount)
    }

    /// Empties the byte cache when it is full (its ids stay valid, so the identity cache keeps its
    /// own). The values waiting go in first: from now on a value the cache lacks is looked for in
    /// SQLite, where they must be.
    private func clearBytes() throws {
        try pending.flush()
        state = .partial
        guard count > 0 else { return }
        slots.update(repeating: ByteSlot(), count: Self.slotCount)
        count = 0
        arenaUsed = 0
    }
}
