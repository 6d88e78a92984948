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
final class TextIDs {
    /// 48 K values and 3 MiB of their bytes (4.5 MiB in all): a 200 MiB log has about 53 K distinct
    /// values, most of them rare (one-off senders, dynamic client names), so the common ones stay cached.
    static let slotCount = 1 << 16
    static let arenaLimit = 3 << 20
    private let find: Statement
    private let insert: Statement
    /// 0 marks an empty slot (stored hashes have their low bit set).
    private let hashes: UnsafeMutablePointer<UInt64>
    private let ids: UnsafeMutablePointer<Int64>
    private let offsets: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    private let arena: UnsafeMutablePointer<UInt8>
    private var arenaUsed = 0
    private var count = 0

    init(_ db: Database) throws {
        find = try db.prepare("SELECT id FROM texts WHERE value = ?")
        insert = try db.prepare("INSERT OR IGNORE INTO texts(value) VALUES (?)")
        hashes = .allocate(capacity: Self.slotCount)
        hashes.initialize(repeating: 0, count: Self.slotCount)
        ids = .allocate(capacity: Self.slotCount)
        offsets = .allocate(capacity: Self.slotCount)
        lengths = .allocate(capacity: Self.slotCount)
        arena = .allocate(capacity: Self.arenaLimit)
    }

    deinit {
        hashes.deallocate()
        ids.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        arena.deallocate()
    }

    /// The id of `text`, or nil for nil.
    @inline(__always)
    func id(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        return try ByteSpan.with(text) { try id(bytes: $0) }
    }

    /// The id of the UTF-8 text `bytes`, added to the dictionary when new.
    func id(bytes: ByteSpan) throws -> Int64 {
        let h = FastHash.of(bytes) | 1
        let mask = Self.slotCount - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while hashes[i] != 0 {
            if hashes[i] == h && lengths[i] == bytes.count
                && (bytes.count == 0 || memcmp(arena + offsets[i], bytes.base, bytes.count) == 0) {
                return ids[i]
            }
            i = (i + 1) & mask
        }
        let id = try lookUp(bytes)
        if count * 4 >= Self.slotCount * 3 || arenaUsed + bytes.count > Self.arenaLimit {
            clear()
            i = Int(truncatingIfNeeded: h) & mask
        }
        if bytes.count > 0 { (arena + arenaUsed).update(from: bytes.base, count: bytes.count) }
        hashes[i] = h
        ids[i] = id
        offsets[i] = arenaUsed
        lengths[i] = bytes.count
        arenaUsed += bytes.count
        count += 1
        return id
    }

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

    /// Forgets every cached id (after a rollback, or when the cache is full).
    func clear() {
        guard count > 0 else { return }
        hashes.update(repeating: 0, count: Self.slotCount)
        count = 0
        arenaUsed = 0
    }
}
