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
        c.insert("TLSv1.3", id: 5)   // the same value again: replaced, not added
        #expect(c.id("TLSv1.3") == 5 && c.count == 4)
    }

    /// Past 3/4 of its slots it starts again empty, and goes on caching: the values inserted since the
    /// restart are found with their ids, the earlier ones are asked for again (nil).
    @Test func aFullCacheStartsAgainAndKeepsWorking() {
        let c = TextIDCache()
        let limit = TextIDCache.slotCount * 3 / 4
        for i in 0..<limit { c.insert("peer-\(i).example.net [192.0.2.\(i % 256)]", id: Int64(i)) }
        #expect(c.count == limit)
        #expect(c.id("peer-0.example.net [192.0.2.0]") == 0)
        #expect(c.id("peer-\(limit - 1).example.net [192.0.2.\((limit - 1) % 256)]") == Int64(limit - 1))
        c.insert("one more", id: -7)
        #expect(c.count == 1)
        #expect(c.id("one more") == -7)
        #expect(c.id("peer-0.example.net [192.0.2.0]") == nil)
        for i in 0..<1000 { c.insert("again-\(i)", id: Int64(i) * 3) }
        #expect((0..<1000).allSatisfy { c.id("again-\($0)") == Int64($0) * 3 })
    }

    /// Long values fill the byte arena before the slots: then too it starts again.
    @Test func theByteArenaFillingUpAlsoStartsAgain() {
        let c = TextIDCache()
        let mib = 1 << 20, fit = TextIDCache.arenaLimit / mib
        func value(_ i: Int) -> String { String(i % 10) + String(repeating: "x", count: mib - 1) + String(i) }
        // Each value is a little over 1 MiB (its number at the end): fit - 1 of them fit, the next does not.
        for i in 0..<(fit - 1) { c.insert(value(i), id: Int64(i)) }
        #expect(c.count == fit - 1)
        #expect((0..<(fit - 1)).allSatisfy { c.id(value($0)) == Int64($0) })
        c.insert(value(fit), id: 99)
        #expect(c.count == 1)
        #expect(c.id(value(fit)) == 99)
        #expect(c.id(value(0)) == nil)
    }
}
