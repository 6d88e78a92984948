/// A fast hash of short byte strings: 8 bytes at a time, multiply and fold.
///
/// For in-memory tables keyed by log fields (the parser's value cache, the rollup counters), where
/// Swift's SipHash over every String of a key costs more than the rest of the lookup. Keys still
/// compare in full, so a collision only costs a probe; the seed differs per process, so crafted log
/// lines cannot aim at one bucket.
public enum FastHash {
    static let seed: UInt64 = {
        var g = SystemRandomNumberGenerator()
        return g.next() | 1
    }()

    @inline(__always)
    public static func of(_ s: ByteSpan, _ h0: UInt64 = 0) -> UInt64 {
        var h: UInt64 = (h0 ^ seed) &+ UInt64(truncatingIfNeeded: s.count) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        let raw = UnsafeRawPointer(s.base)
        while i + 8 <= s.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < s.count {
            tail |= UInt64(s.base[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    /// The hash of a String's UTF-8 bytes, chained from `h0`.
    @inline(__always)
    public static func of(_ s: String, _ h0: UInt64 = 0) -> UInt64 {
        ByteSpan.with(s) { of($0, h0) }
    }

    /// An integer chained into a hash.
    @inline(__always)
    public static func of(_ v: Int64, _ h0: UInt64) -> UInt64 {
        let h = (h0 ^ UInt64(bitPattern: v)) &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 32)
    }
}
