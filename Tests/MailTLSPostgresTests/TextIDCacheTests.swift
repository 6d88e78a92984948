@testable import MailTLSPostgres
import Testing

/// The writer's cache of `texts` ids, keyed by the values' bytes: no server needed.
struct TextIDCacheTests {
    @Test func findsWhatWasInsertedByBytesNotByPrefixOrLength() {
        let c = TextIDCache()
        c.insert("smtp.example.org", id: 1)
        c.insert("smtp.example.or", id: 2)
        c.insert("", id: 3)
        c.insert("TLSv1.3", id: 4)
        #expect(c.id("smtp.example.org") == 1)
        #expect(c.id("smtp.example.or") == 2)
        #expect(c.id("") == 3)
        #expect(c.id("TLSv1.3") == 4)
        #expect(c.id("TLSv1.2") == nil)
        #expect(c.id("smtp.example.orgx") == nil)
        c.insert("TLSv1.3", id: 4)   // the same value again: held once
        #expect(c.id("TLSv1.3") == 4 && c.count == 4)
    }

    /// A full generation becomes the previous one: its values are still found (and move into the
    /// new one); those not used while the next generation filled are forgotten (nil: asked for again).
    @Test func valuesInUseOutliveAFullGeneration() {
        let c = TextIDCache()
        let limit = TextIDCache.slotCount * 3 / 4
        func peer(_ i: Int) -> String { "peer-\(i).example.net [192.0.2.\(i % 256)]" }
        for i in 0..<limit { c.insert(peer(i), id: Int64(i)) }
        #expect(c.count == limit)
        c.insert("one more", id: -7)   // a new generation
        #expect(c.count == limit + 1)
        #expect(c.id("one more") == -7)
        #expect(c.id(peer(0)) == 0)   // from the previous generation, now in the current one too
        for i in 0..<(limit - 2) { c.insert("again-\(i)", id: Int64(i) * 3) }   // fills the second generation
        c.insert("the third", id: -9)   // the first generation is dropped
        #expect(c.id(peer(0)) == 0)
        #expect(c.id("one more") == -7)
        #expect(c.id(peer(1)) == nil)
        #expect(c.id(peer(limit - 1)) == nil)
        #expect((0..<(limit - 2)).allSatisfy { c.id("again-\($0)") == Int64($0) * 3 })
    }

    /// Long values fill a generation's byte arena before its slots: then too a new generation starts.
    @Test func theByteArenaFillingUpAlsoStartsAGeneration() {
        let c = TextIDCache()
        let unit = TextIDCache.arenaLimit / 4, fit = 4
        func value(_ i: Int) -> String { String(i % 10) + String(repeating: "x", count: unit - 1) + String(i) }
        // Each value is a little over a quarter of the arena (its number at the end): fit - 1 of them
        // fit, the next does not.
        for i in 0..<(fit - 1) { c.insert(value(i), id: Int64(i)) }
        #expect(c.count == fit - 1)
        #expect((0..<(fit - 1)).allSatisfy { c.id(value($0)) == Int64($0) })
        c.insert(value(fit), id: 99)   // a new generation
        #expect(c.id(value(fit)) == 99)
        #expect(c.id(value(0)) == 0)   // moved into the new generation
        for i in 100..<(100 + fit - 2) { c.insert(value(i), id: Int64(i)) }   // the new one is full again
        #expect(c.id(value(1)) == nil)
        #expect(c.id(value(100)) == 100)
    }
}
