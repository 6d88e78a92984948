/// Small, fast, deterministic PRNG (SplitMix64, Steele/Lea/Flood 2014).
///
/// The generator must never touch `SystemRandomNumberGenerator`: the same seed has to
/// give byte-identical logs on every machine and every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform integer in `0 ..< n` (n > 0), by multiply-high (Lemire, without the rejection step).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform integer in `lo ... hi`.
    @inline(__always)
    mutating func range(_ lo: Int, _ hi: Int) -> Int {
        lo + below(hi - lo + 1)
    }

    /// Uniform double in `[0, 1)`.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    @inline(__always)
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// Skewed index in `0 ..< n`: small indices are much more likely (popular peers).
    @inline(__always)
    mutating func skewed(_ n: Int) -> Int {
        let u = unit()
        return min(n - 1, Int(Double(n) * u * u))
    }

    /// Derive an independent stream (used so that the peer population does not depend on
    /// how many random numbers the log loop consumed).
    mutating func fork() -> SplitMix64 {
        SplitMix64(seed: next() ^ 0xD1B5_4A32_D192_ED03)
    }
}
