import MailTLSParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text ids keyed by the texts' bytes, in fixed memory: open addressing on `FastHash`, keys compared
/// in place in a byte arena, a value's hash, id and place side by side (one cache line per probe).
///
/// One generation of a writer's text cache (`TextIDs`, and the PostgreSQL writer's `TextIDCache`):
/// the cache keeps two, so that when one is full the values used since it filled are kept and only
/// the others are forgotten. Starting again empty made a writer ask the database again for every
/// common value once a log had more distinct values than the cache held (a 200 MiB Exim log has
/// 88 K: 48 K lookups of values already in `texts`, a quarter of a second of SQLite work).
package final class TextIDTable {
    /// A hash of 0 marks an empty slot (stored hashes have their low bit set: `hash(_:)`).
    private struct Slot {
        var hash: UInt64 = 0
        var id: Int64 = 0
        var offset: Int32 = 0
        var length: Int32 = 0
    }

    package let slotCount: Int
    package let arenaLimit: Int
    private let slots: UnsafeMutablePointer<Slot>
    private let arena: UnsafeMutablePointer<UInt8>
    private var arenaUsed = 0
    package private(set) var count = 0

    /// `slotCount` a power of two; at most 3/4 of the slots are used.
    package init(slotCount: Int, arenaLimit: Int) {
        precondition(slotCount > 0 && slotCount & (slotCount - 1) == 0, "slotCount must be a power of two")
        self.slotCount = slotCount
        self.arenaLimit = arenaLimit
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: Slot(), count: slotCount)
        arena = .allocate(capacity: arenaLimit)
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
    }

    /// The values it holds when full.
    @inline(__always) package var capacity: Int { slotCount / 4 * 3 }

    /// The hash `find` and `insert` take (computed once per lookup, for both generations).
    @inline(__always) package static func hash(_ bytes: ByteSpan) -> UInt64 { FastHash.of(bytes) | 1 }

    /// The id of `bytes`, or nil.
    @inline(__always) package func find(_ bytes: ByteSpan, hash h: UInt64) -> Int64? {
        let mask = slotCount - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].hash != 0 {
            if slots[i].hash == h && Int(slots[i].length) == bytes.count
                && (bytes.count == 0 || memcmp(arena + Int(slots[i].offset), bytes.base, bytes.count) == 0) {
                return slots[i].id
            }
            i = (i + 1) & mask
        }
        return nil
    }

    /// True when a value of `length` bytes fits (in the slots and in the arena).
    @inline(__always) package func hasRoom(for length: Int) -> Bool {
        count < capacity && arenaUsed + length <= arenaLimit
    }

    /// Adds `bytes` (not in the table; `hasRoom` said it fits) with its id.
    package func insert(_ bytes: ByteSpan, hash h: UInt64, id: Int64) {
        let mask = slotCount - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].hash != 0 { i = (i + 1) & mask }
        if bytes.count > 0 { (arena + arenaUsed).update(from: bytes.base, count: bytes.count) }
        slots[i] = Slot(hash: h, id: id, offset: Int32(arenaUsed), length: Int32(bytes.count))
        arenaUsed += bytes.count
        count += 1
    }

    /// Forgets every value.
    package func clear() {
        guard count > 0 else { return }
        slots.update(repeating: Slot(), count: slotCount)
        count = 0
        arenaUsed = 0
    }
}
