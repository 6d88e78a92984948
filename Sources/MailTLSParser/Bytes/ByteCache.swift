#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Values recently made from short byte strings, found again by their bytes.
///
/// Log fields repeat all the time (cipher and version names, mailers, the relays of busy peers). Making
/// a `String` or a `Relay` allocates and validates; finding the one made last time costs a hash and a
/// `memcmp`, and the copies share one storage. Direct-mapped: a new value replaces whatever was in its
/// slot, so memory stays fixed and nothing ever needs evicting.
///
/// The slots are allocated at the first lookup, so the caches of an MTA parser that never sees a line
/// of its own cost no memory.
struct ByteCache<Value> {
    static var maxKeyLength: Int { 96 }
    /// A power of two.
    private let slotCount: Int
    private var keys: [UInt8] = []
    private var lengths: [Int] = []
    private var values: [Value?] = []

    /// `slots` values at most (a power of two); 1024 serve the values of a field that repeats from a
    /// few hundred (versions, ciphers, mailers, hosts).
    init(slots: Int = 1024) {
        precondition(slots > 0 && slots & (slots - 1) == 0, "ByteCache slots must be a power of two")
        slotCount = slots
    }

    /// The value for `key`: the cached one when the same bytes were seen, else `make(key)` (cached).
    @inline(__always)
    mutating func value(for key: ByteSpan, make: (ByteSpan) -> Value) -> Value {
        let n = key.count
        guard n <= Self.maxKeyLength else { return make(key) }
        if lengths.isEmpty {
            keys = Array(repeating: 0, count: slotCount * Self.maxKeyLength)
            lengths = Array(repeating: -1, count: slotCount)
            values = Array(repeating: nil, count: slotCount)
        }
        let slot = Int(truncatingIfNeeded: FastHash.of(key)) & (slotCount - 1)
        let offset = slot * Self.maxKeyLength
        if lengths[slot] == n {
            let same = n == 0 || keys.withUnsafeBufferPointer { memcmp($0.baseAddress! + offset, key.base, n) == 0 }
            if same, let v = values[slot] { return v }
        }
        let v = make(key)
        keys.withUnsafeMutableBufferPointer { k in
            if n > 0 { (k.baseAddress! + offset).update(from: key.base, count: n) }
        }
        lengths[slot] = n
        values[slot] = v
        return v
    }
}

extension ByteCache: Sendable where Value: Sendable {}

/// The Strings of repeated field values.
typealias StringCache = ByteCache<String>
