import Foundation
@testable import MailTLSStore
import MailTLSParser
import Testing

/// Repeated text is stored once in `texts`; the ids stay right whatever the cache holds.
@Suite struct TextIDsTests {
    @Test func sameTextSameIDAcrossCacheClearsAndNewConnections() throws {
        let (store, texts) = try TextIDs.inNewStore()
        let a = try #require(try texts.id("mx1.example.org"))
        let b = try #require(try texts.id("TLSv1.3"))
        #expect(a != b)
        #expect(try texts.id("mx1.example.org") == a)
        #expect(try texts.id(nil as String?) == nil)
        try texts.flush()   // new values wait in a batch until then
        texts.clear()   // found again in SQLite, not added twice
        #expect(try texts.id("mx1.example.org") == a)
        #expect(try TextIDs(store.database).id("TLSv1.3") == b)
        #expect(try store.database.scalarInt("SELECT count(*) FROM texts WHERE value <> char(1)") == 2)
        #expect(try store.database.scalarInt("SELECT count(*) FROM texts WHERE value = 'TLSv1.3' AND id = \(b)") == 1)
    }

    /// More distinct values than the cache holds: values are forgotten, and every id still maps to its text.
    @Test func moreValuesThanTheCacheHoldsStayCorrect() throws {
        let (store, texts) = try TextIDs.inNewStore()
        let n = TextIDs.slotCount * 2   // past two generations filled to 3/4: the first is dropped
        var ids: [Int64] = []
        try store.database.transaction {
            for i in 0..<n { ids.append(try #require(try texts.id("client-\(i).dyn.example.net"))) }
            for i in stride(from: 0, to: n, by: 997) { #expect(try texts.id("client-\(i).dyn.example.net") == ids[i]) }
            try texts.flush()
        }
        #expect(Set(ids).count == n)
        let s = try store.database.prepare("SELECT value FROM texts WHERE id = ?")
        for i in stride(from: 0, to: n, by: 4099) {
            s.bind(1, ids[i])
            #expect(try s.step() && s.string(0) == "client-\(i).dyn.example.net")
            s.reset()
        }
        // A new writer on this store (too many values to read them all): old values keep their ids,
        // a new one gets the next.
        let again = try TextIDs(store.database)
        for i in stride(from: 0, to: n, by: 1021) { #expect(try again.id("client-\(i).dyn.example.net") == ids[i]) }
        #expect(try again.id("client-new.example.net") == ids.max()! + 1)
    }

    /// A value in use stays cached when generations are dropped; one not used for a whole generation
    /// is forgotten, and then found in SQLite with its id.
    @Test func valuesInUseOutliveGenerations() throws {
        let (store, texts) = try TextIDs.inNewStore()
        // By bytes: the cache in front, keyed by String instances, would answer for the same literal.
        func id(_ s: String) throws -> Int64 { try texts.idOfBytes(s) }
        try store.database.transaction {
            let common = try id("mx1.example.org")
            let cold = try id("once.example.net")
            let generation = TextIDs.generationCapacity
            // Three generations' worth of one-off values, the common value among them all along.
            for i in 0..<(3 * generation) {
                _ = try texts.id("client-\(i).dyn.example.net")
                if i % 1000 == 0 {
                    let asked = texts.lookUps
                    #expect(try id("mx1.example.org") == common)
                    #expect(texts.lookUps == asked)   // never looked for again
                }
            }
            let before = texts.lookUps
            #expect(before > 0)   // once the first generation was dropped, new values were looked for
            #expect(try id("mx1.example.org") == common)
            #expect(texts.lookUps == before)
            #expect(try id("once.example.net") == cold)
            #expect(texts.lookUps == before + 1)
            try texts.flush()
        }
        #expect(try store.database.scalarInt("SELECT count(*) FROM texts WHERE value IN ('mx1.example.org', 'once.example.net')") == 2)
    }

    /// A value longer than a generation's byte arena is not cached, yet keeps its one id.
    @Test func aValueTooLongToCacheKeepsItsID() throws {
        let (store, texts) = try TextIDs.inNewStore()
        let long = String(repeating: "x", count: TextIDs.arenaLimit + 1)
        func id(_ s: String) throws -> Int64 { try texts.idOfBytes(s) }
        try store.database.transaction {
            let a = try id(long)
            #expect(try id("short.example") != a)
            #expect(try id(long) == a)
            try texts.flush()
        }
        #expect(try store.database.scalarInt("SELECT count(*) FROM texts WHERE length(value) = \(TextIDs.arenaLimit + 1)") == 1)
    }

    /// A log with more distinct values than one generation but fewer than two never asks SQLite.
    @Test func twoGenerationsHoldTwiceTheValuesWithoutLookups() throws {
        let (store, texts) = try TextIDs.inNewStore()
        let generation = TextIDs.generationCapacity
        try store.database.transaction {
            for i in 0..<(generation * 3 / 2) { _ = try texts.id("sender\(i)@example.org") }
            try texts.flush()
        }
        #expect(texts.lookUps == 0)
        #expect(try store.database.scalarInt("SELECT count(*) FROM texts WHERE value LIKE 'sender%'") == Int64(generation * 3 / 2))
    }

    /// New values wait until `flush`; with few values in `texts`, a new writer reads them all and
    /// gives a new value the next id; a rollback (`clear`) drops the values still waiting.
    @Test func newValuesWaitForFlushAndRollbackDropsThem() throws {
        let (store, texts) = try TextIDs.inNewStore()
        let before = try #require(try store.database.scalarInt("SELECT max(id) FROM texts"))
        try store.database.execute("BEGIN")
        let a = try texts.id("smtp.example.org"), b = try texts.id("TLSv1.2")
        #expect(a == before + 1 && b == before + 2)
        #expect(try store.database.scalarInt("SELECT count(*) FROM texts WHERE id > \(before)") == 0)
        try texts.flush()
        try store.database.execute("COMMIT")
        #expect(try store.database.scalarInt("SELECT count(*) FROM texts WHERE id = \(a) AND value = 'smtp.example.org'") == 1)
        try store.database.execute("BEGIN")
        let c = try texts.id("rolled.back.example")
        #expect(c == before + 3)
        texts.clear()
        try store.database.execute("ROLLBACK")
        let other = try TextIDs(store.database)
        #expect(try other.id("TLSv1.2") == b)
        #expect(try other.id("smtp.example.org") == a)
        #expect(try texts.id("rolled.back.example") == before + 3)   // given again, not lost
        try texts.flush()
        #expect(try store.database.scalarInt("SELECT count(*) FROM texts WHERE value = 'rolled.back.example'") == 1)
    }

    /// A rolled-back writer forgets the ids it cached: they no longer exist.
    @Test func rollbackForgetsCachedIDs() throws {
        let (_, path) = try StoreTests.tempPath()
        let store = try Store(path: path)
        try store.database.execute("INSERT INTO sources(id, path) VALUES (1, 'x')")
        let writer = try StoreWriter(store: store)
        try writer.begin()
        try writer.write(StoreWriterTests.session(1, at: 1_790_000_000))
        try writer.flush()
        writer.rollback()
        try writer.begin()
        try writer.write(StoreWriterTests.session(2, at: 1_790_000_100))
        try writer.commit()
        #expect(try store.database.scalarInt("SELECT count(*) FROM tls_sessions WHERE host = 'out1' AND peer = 'mx2.example.net'") == 1)
        #expect(try store.database.scalarInt("SELECT count(*) FROM session_rows r WHERE NOT EXISTS (SELECT 1 FROM texts t WHERE t.id = r.host)") == 0)
    }

    /// The identity cache in front of the byte cache: the same text in another String instance, a
    /// String changed after it was looked up, and more Strings than it has slots all get their text's id.
    @Test func stringIdentityCacheGivesTheTextsID() throws {
        let (store, texts) = try TextIDs.inNewStore()
        // Four times as many Strings as slots, short (inline), medium and too long to be cached.
        let n = 4 * TextIDs.identitySlotCount
        func text(_ i: Int) -> String {
            switch i % 3 {
            case 0: return "h\(i)"
            case 1: return "relay-\(i).mail.example.net"
            default: return String(repeating: "x", count: TextIDs.identityMaxBytes) + "\(i)"
            }
        }
        var ids: [Int64] = []
        try store.database.transaction {
            // Two separately built Strings (own storage each) with one text: one id.
            let a = String(repeating: "mx", count: 12) + ".example.org"
            let b = String(repeating: "mx", count: 12) + ".example.org"
            let id = try #require(try texts.id(a))
            #expect(try texts.id(b) == id)
            // A String changed after its lookup (the cache holds a reference, so the change makes new
            // storage) is another text.
            var c = String(repeating: "z", count: 20)
            let before = try #require(try texts.id(c))
            c.append("!")
            let after = try #require(try texts.id(c))
            #expect(after != before)
            #expect(try texts.id(String(repeating: "z", count: 20)) == before)
            // Ids agree with a second pass, over the same instances and over new ones.
            let strings = (0..<n).map(text)
            for s in strings { ids.append(try #require(try texts.id(s))) }
            for i in stride(from: n - 1, through: 0, by: -7) {
                #expect(try texts.id(strings[i]) == ids[i])
                #expect(try texts.id(text(i)) == ids[i])
            }
            try texts.flush()
        }
        #expect(Set(ids).count == n)
        let s = try store.database.prepare("SELECT value FROM texts WHERE id = ?")
        for i in stride(from: 0, to: n, by: 1013) {
            s.bind(1, ids[i])
            #expect(try s.step() && s.string(0) == text(i))
            s.reset()
        }
    }
}

extension TextIDs {
    /// A new store and the text ids of its connection.
    static func inNewStore() throws -> (Store, TextIDs) {
        let (_, path) = try StoreTests.tempPath()
        let store = try Store(path: path)
        return (store, try TextIDs(store.database))
    }

    /// The values one generation of the cache holds.
    static var generationCapacity: Int { TextIDTable(slotCount: slotCount, arenaLimit: arenaLimit).capacity }

    /// The id of `s`, looked up by its bytes (not by the String's identity first, as `id(_:)` does).
    func idOfBytes(_ s: String) throws -> Int64 { try ByteSpan.with(s) { try id(bytes: $0) } }
}
