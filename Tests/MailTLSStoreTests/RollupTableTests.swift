import Testing
@testable import MailTLSStore

/// The open-addressing table behind the rollup counts: a key is found by its hash and a comparison,
/// whatever the hashes collide on, and survives growing and clearing.
@Suite struct RollupTableTests {
    /// Counts `keys` (with times 1, 2, 3, …) and returns each key's count, first and last time.
    func counted(_ keys: [String], hash: (String) -> UInt64, table: RollupTable<String> = RollupTable(capacity: 4))
        -> [String: [Int64]]
    {
        for (i, k) in keys.enumerated() {
            table.add(Int64(i + 1), hash: hash(k)) { $0 == k } make: { k }
        }
        var out: [String: [Int64]] = [:]
        table.forEach { k, c in out[k] = [Int64(c.n), c.first, c.last] }
        return out
    }

    /// What a Dictionary makes of the same keys.
    func expected(_ keys: [String]) -> [String: [Int64]] {
        var out: [String: [Int64]] = [:]
        for (i, k) in keys.enumerated() {
            let t = Int64(i + 1)
            out[k] = out[k].map { [$0[0] + 1, min($0[1], t), max($0[2], t)] } ?? [1, t, t]
        }
        return out
    }

    static let keys = (0..<500).map { "peer\($0 % 137).example.net" }

    @Test func distinctHashesGrowingFromFourSlots() {
        #expect(counted(Self.keys, hash: { UInt64(truncatingIfNeeded: $0.hashValue) }) == expected(Self.keys))
    }

    @Test func everyHashTheSame() {
        #expect(counted(Self.keys, hash: { _ in 42 }) == expected(Self.keys))
    }

    @Test func hashesThatDifferOnlyInTheLowBit() {
        // The table sets the low bit of every hash (0 marks an empty slot): 2n and 2n+1 meet.
        #expect(counted(Self.keys, hash: { UInt64($0.count / 2 * 2 + $0.count % 2) }) == expected(Self.keys))
    }

    @Test func clearedTableCountsAfresh() {
        let table = RollupTable<String>(capacity: 4)
        _ = counted(Self.keys, hash: { UInt64($0.count) }, table: table)
        table.removeAll()
        #expect(table.isEmpty)
        let again = Array(Self.keys.prefix(20))
        #expect(counted(again, hash: { UInt64($0.count) }, table: table) == expected(again))
    }
}
