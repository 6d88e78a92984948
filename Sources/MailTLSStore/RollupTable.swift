/// Counts by key for `RollupAccumulator`: open addressing on a hash the caller computes from the
/// row's own values.
///
/// A row that adds to a count already there is compared with the stored key in place and makes no
/// key of its own. A Dictionary lookup needs a key value first, a retain and release of each of its
/// Strings (which the parsing thread shares), and then hashes it again; that was half of counting a
/// TLS session. Raw storage, like `BatchInsert`'s: arrays held in a class pay a dynamic exclusivity
/// check on every access.
package final class RollupTable<Key> {
    package typealias Count = RollupAccumulator.Count

    private var capacity: Int
    /// 0 marks an empty slot (stored hashes have their low bit set).
    private var hashes: UnsafeMutablePointer<UInt64>
    /// Initialised where the hash is not 0.
    private var keys: UnsafeMutablePointer<Key>
    private var counts: UnsafeMutablePointer<Count>
    private(set) var count = 0

    init(capacity: Int = 256) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "capacity must be a power of two")
        self.capacity = capacity
        hashes = .allocate(capacity: capacity)
        hashes.initialize(repeating: 0, count: capacity)
        keys = .allocate(capacity: capacity)
        counts = .allocate(capacity: capacity)
    }

    deinit {
        removeAll()
        hashes.deallocate()
        keys.deallocate()
        counts.deallocate()
    }

    package var isEmpty: Bool { count == 0 }

    /// Counts `t` for the key with hash `hash` for which `matches` holds, made with `make` when it is
    /// not there yet.
    @inline(__always)
    func add(_ t: Int64, hash: UInt64, matches: (Key) -> Bool, make: () -> Key) {
        let h = hash | 1
        var i = Int(truncatingIfNeeded: h) & (capacity - 1)
        while hashes[i] != 0 {
            if hashes[i] == h && matches(keys[i]) {
                counts[i].add(t)
                return
            }
            i = (i + 1) & (capacity - 1)
        }
        (keys + i).initialize(to: make())
        hashes[i] = h
        counts[i] = Count()
        counts[i].add(t)
        count += 1
        if count * 4 > capacity * 3 { grow() }
    }

    /// Every key with its count.
    package func forEach(_ body: (Key, Count) throws -> Void) rethrows {
        for i in 0..<capacity where hashes[i] != 0 { try body(keys[i], counts[i]) }
    }

    /// Forgets every count (the storage is kept).
    func removeAll() {
        guard count > 0 else { return }
        for i in 0..<capacity where hashes[i] != 0 {
            (keys + i).deinitialize(count: 1)
            hashes[i] = 0
        }
        count = 0
    }

    private func grow() {
        let (oldCapacity, oldHashes, oldKeys, oldCounts) = (capacity, hashes, keys, counts)
        capacity *= 2
        hashes = .allocate(capacity: capacity)
        hashes.initialize(repeating: 0, count: capacity)
        keys = .allocate(capacity: capacity)
        counts = .allocate(capacity: capacity)
        for j in 0..<oldCapacity where oldHashes[j] != 0 {
            var i = Int(truncatingIfNeeded: oldHashes[j]) & (capacity - 1)
            while hashes[i] != 0 { i = (i + 1) & (capacity - 1) }
            hashes[i] = oldHashes[j]
            (keys + i).moveInitialize(from: oldKeys + j, count: 1)
            counts[i] = oldCounts[j]
        }
        oldHashes.deallocate()
        oldKeys.deallocate()
        oldCounts.deallocate()
    }
}
