import MailTLSParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `texts` ids a PostgreSQL writer has seen, keyed by the values' bytes: open addressing on
/// `FastHash`, keys compared in place (as the SQLite store's `TextIDs` caches them).
///
/// A writer looks up about ten values per row (7 million for a 200 MiB log) and nearly all are
/// cached; `Dictionary<String, Int64>` spent a tenth of the writer's time hashing them (SipHash,
/// perf in docs/fleet.md). Bounded: when it is full it starts again empty (ids stay valid: texts are
/// never deleted while writers run).
final class TextIDCache {
    /// Up to 96 K values (3/4 of the slots) and 8 MiB of their bytes: a 200 MiB log has ~53 K distinct values.
    static let slotCount = 1 << 17
    static let arenaLimit = 8 << 20
    /// 0 marks an empty slot (stored hashes have their low bit set).
    private let hashes: UnsafeMutablePointer<UInt64>
    private let ids: UnsafeMutablePointer<Int64>
    private let offsets: UnsafeMutablePointer<Int32>
    private let lengths: UnsafeMutablePointer<Int32>
    private let arena: UnsafeMutablePointer<UInt8>
    private var arenaUsed = 0
    private(set) var count = 0

    init() {
        hashes = .allocate(capacity: Self.slotCount)
        hashes.initialize(repeating: 0, count: Self.slotCount)
        ids = .allocate(capacity: Self.slotCount)
        ids.initialize(repeating: 0, count: Self.slotCount)
        offsets = .allocate(capacity: Self.slotCount)
        offsets.initialize(repeating: 0, count: Self.slotCount)
        lengths = .allocate(capacity: Self.slotCount)
        lengths.initialize(repeating: 0, count: Self.slotCount)
        arena = .allocate(capacity: Self.arenaLimit)
    }

    deinit {
        hashes.deallocate()
        ids.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        arena.deallocate()
    }

    /// The slot holding `bytes`, or the empty slot where it would go.
    @inline(__always) private func slot(_ bytes: ByteSpan, _ h: UInt64) -> (Int, found: Bool) {
        let mask = Self.slotCount - 1
        // The high half picks the slot: the low bit of every stored hash is 1.
        var i = Int(truncatingIfNeeded: h >> 32) & mask
        while hashes[i] != 0 {
            if hashes[i] == h && Int(lengths[i]) == bytes.count
                && (bytes.count == 0 || memcmp(arena + Int(offsets[i]), bytes.base, bytes.count) == 0) {
                return (i, true)
            }
            i = (i + 1) & mask
        }
        return (i, false)
    }

    @inline(__always) func id(_ s: String) -> Int64? {
        ByteSpan.with(s) { bytes in
            let (i, found) = slot(bytes, FastHash.of(bytes) | 1)
            return found ? ids[i] : nil
        }
    }

    /// Remembers `s`'s id (a value longer than the whole arena is not cached).
    func insert(_ s: String, id: Int64) {
        ByteSpan.with(s) { bytes in
            guard bytes.count <= Self.arenaLimit else { return }
            let h = FastHash.of(bytes) | 1
            var (i, found) = slot(bytes, h)
            if found { ids[i] = id; return }
            if count * 4 >= Self.slotCount * 3 || arenaUsed + bytes.count > Self.arenaLimit {
                clear()
                i = slot(bytes, h).0
            }
            if bytes.count > 0 { (arena + arenaUsed).update(from: bytes.base, count: bytes.count) }
            hashes[i] = h
            ids[i] = id
            offsets[i] = Int32(arenaUsed)
            lengths[i] = Int32(bytes.count)
            arenaUsed += bytes.count
            count += 1
        }
    }

    /// Forgets every value.
    func clear() {
        guard count > 0 else { return }
        hashes.update(repeating: 0, count: Self.slotCount)
        count = 0
        arenaUsed = 0
    }
}
