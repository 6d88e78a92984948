import MailTLSParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text ids keyed by the texts' bytes, in fixed memory: a writer's cache of `texts` ids (`TextIDs`,
/// and the PostgreSQL writer's `TextIDCache`).
///
/// Two generations: values go into the current one; when it is full it becomes the previous one and
/// a new current one starts empty, and a value found only in the previous one moves into the current
/// one. So what is forgotten is what was not used for a whole generation, and the common values stay.
/// Starting again empty made a writer ask the database again for every common value once a log had
/// more distinct values than the cache held (a 200 MiB Exim log has 88 K: 48 K lookups of values
/// already in `texts`, a quarter of a second of SQLite work). `forgot` tells a writer that relies on
/// the cache holding every value it was given when that stopped being true.
package final class TextIDTable {
    private var current: Generation
    private var previous: Generation

    /// `slotCount` (a power of two, at most 3/4 of them used) and `arenaLimit` bytes per generation.
    package init(slotCount: Int, arenaLimit: Int) {
        current = Generation(slotCount: slotCount, arenaLimit: arenaLimit)
        previous = Generation(slotCount: slotCount, arenaLimit: arenaLimit)
    }

    /// The values one generation holds.
    package var capacity: Int { current.capacity }

    /// The values held (a value in both generations counts twice).
    package var count: Int { current.count + previous.count }

    /// True once a value given to `insert` may have been forgotten since the last `clear`: a
    /// generation with values in it was dropped, or a value was too long to keep.
    package private(set) var forgot = false

    /// The hash `find` and `insert` take (computed once per lookup, for both generations).
    @inline(__always) package static func hash(_ bytes: ByteSpan) -> UInt64 { FastHash.of(bytes) | 1 }

    /// The id of `bytes`, or nil; a value found in the previous generation moves into the current one.
    @inline(__always) package func find(_ bytes: ByteSpan, hash h: UInt64) -> Int64? {
        if let id = current.find(bytes, hash: h) { return id }
        guard let id = previous.find(bytes, hash: h) else { return nil }
        insert(bytes, hash: h, id: id)
        return id
    }

    /// Adds `bytes` (not in the current generation) with its id, starting a new generation when the
    /// current one is full. A value longer than a whole generation's arena is not kept.
    package func insert(_ bytes: ByteSpan, hash h: UInt64, id: Int64) {
        if !current.hasRoom(for: bytes.count) {
            guard bytes.count <= current.arenaLimit else {
                forgot = true
                return
            }
            if previous.count > 0 { forgot = true }
            swap(&current, &previous)
            current.clear()
        }
        current.insert(bytes, hash: h, id: id)
    }

    /// Forgets every value.
    package func clear() {
        current.clear()
        previous.clear()
        forgot = false
    }

    /// One generation: open addressing on `FastHash`, keys compared in place in a byte arena, a
    /// value's hash, id and place side by side (one cache line per probe).
    private final class Generation {
        /// A hash of 0 marks an empty slot (stored hashes have their low bit set: `hash(_:)`).
        private struct Slot {
            var hash: UInt64 = 0
            var id: Int64 = 0
            var offset: Int32 = 0
            var length: Int32 = 0
        }

        let slotCount: Int
        let arenaLimit: Int
        private let slots: UnsafeMutablePointer<Slot>
        private let arena: UnsafeMutablePointer<UInt8>
        private var arenaUsed = 0
        private(set) var count = 0

        init(slotCount: Int, arenaLimit: Int) {
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

        var capacity: Int { slotCount / 4 * 3 }

        @inline(__always) func find(_ bytes: ByteSpan, hash h: UInt64) -> Int64? {
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
        @inline(__always) func hasRoom(for length: Int) -> Bool {
            count < capacity && arenaUsed + length <= arenaLimit
        }

        /// Adds `bytes` (not in the table; `hasRoom` said it fits) with its id.
        func insert(_ bytes: ByteSpan, hash h: UInt64, id: Int64) {
            let mask = slotCount - 1
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i].hash != 0 { i = (i + 1) & mask }
            if bytes.count > 0 { (arena + arenaUsed).update(from: bytes.base, count: bytes.count) }
            slots[i] = Slot(hash: h, id: id, offset: Int32(arenaUsed), length: Int32(bytes.count))
            arenaUsed += bytes.count
            count += 1
        }

        func clear() {
            guard count > 0 else { return }
            slots.update(repeating: Slot(), count: slotCount)
            count = 0
            arenaUsed = 0
        }
    }
}
