/// A precomputed cumulative-weight table for weighted choice among `count` items.
struct WeightedTable {
    private var cumulative: [UInt64] = []
    private var items: [Int] = []
    private var total: UInt64 = 0

    /// `pairs` holds `(item, weight)`; weights are relative (any positive scale).
    init(_ pairs: [(Int, Double)]) {
        for (item, weight) in pairs where weight > 0 {
            total += UInt64((weight * 1000).rounded())
            cumulative.append(total)
            items.append(item)
        }
        precondition(total > 0, "empty weighted table")
    }

    @inline(__always)
    func pick(_ rng: inout SplitMix64) -> Int {
        let r = UInt64(truncatingIfNeeded: rng.below(Int(total)))
        var i = 0
        while cumulative[i] <= r { i += 1 }
        return items[i]
    }
}
