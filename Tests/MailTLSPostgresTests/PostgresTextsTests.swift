import Foundation
@testable import MailTLSPostgres
import MailTLSTestSupport
import Testing

/// Values whose bytes differ are different texts, even when Swift's String calls them equal.
struct TextKeyTests {
    @Test func keysCompareBytesNotCanonicalEquivalence() {
        let composed = "caf\u{E9}.example", decomposed = "cafe\u{301}.example"
        #expect(composed == decomposed)   // String equality: canonical equivalence
        #expect(TextKey(composed) != TextKey(decomposed))
        #expect(TextKey(composed) == TextKey(String(decoding: Array(composed.utf8), as: UTF8.self)))
        var d: [TextKey: Int] = [:]
        d[TextKey(composed)] = 1
        d[TextKey(decomposed)] = 2
        #expect(d.count == 2 && d[TextKey(composed)] == 1 && d[TextKey(decomposed)] == 2)
        #expect(TextKey("") == TextKey(""))
    }
}

@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct PostgresTextsTests {
    /// A precomposed and a decomposed "é" are two rows of `texts`, each found again with its own id,
    /// whether it was looked up alone, in one batch with the other, or noted as new in a flush.
    @Test func canonicallyEquivalentValuesAreTwoTexts() throws {
        let db = try PostgresTestServer.database()
        let store = try PostgresStore(url: db.url)
        let texts = PostgresTexts(connection: store.connection, earlyBatch: 1)
        let composed = "caf\u{E9}.example", decomposed = "cafe\u{301}.example"
        let both = try texts.resolve([composed, decomposed])
        let a = try #require(both[TextKey(composed)]), b = try #require(both[TextKey(decomposed)])
        #expect(a != b)
        #expect(texts.cachedID(composed) == a && texts.cachedID(decomposed) == b)
        #expect(try store.connection.scalarInt("SELECT id FROM texts WHERE value = 'caf' || chr(233) || '.example'") == a)
        #expect(try store.connection.scalarInt("SELECT id FROM texts WHERE value = 'cafe' || chr(769) || '.example'") == b)
        // Noted as new in one flush (sent early, one at a time), then resolved.
        let x = "na\u{EF}ve.example", y = "nai\u{308}ve.example"
        let kx = texts.noteNew(x), ky = texts.noteNew(y)
        #expect(kx != ky)
        try texts.resolveNew()
        #expect(texts.newID(kx) != texts.newID(ky))
        #expect(try store.connection.scalarInt("SELECT count(*) FROM texts WHERE value IN ('na' || chr(239) || 've.example', 'nai' || chr(776) || 've.example')") == 2)
        texts.clearNew()
    }
}
