import Foundation
import MailTLSParser
import MailTLSPostgres
import MailTLSStore
import MailTLSTestSupport
import Testing

/// A session opened in one run and used in the next: the second writer places the linker's number
/// when it is handed the first one's `idState`, as the ingest will save it with the linker's state.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct PostgresIDStateTests {
    static let origin = LineOrigin(source: 1, offset: 0)

    static func session(_ id: Int64) -> LogRecord {
        let s = TLSSession(role: .server, relay: ByteSpan.with("in\(id).example.org [192.0.2.\(id)]") { Relay.parse($0) },
                           version: "TLSv1.3", verify: "NO", cipher: "TLS_AES_256_GCM_SHA384", algBits: 256, cipherBits: 256)
        return LogRecord(time: 1_790_000_000 + id, host: "mx1", pid: Int32(id), queueID: nil, origin: origin,
                         event: .tlsSession(s), id: id)
    }

    static func message(over session: Int64) -> LogRecord {
        let m = InboundMessage(sender: "<a@example.org>", size: 100, nrcpts: 1, messageID: "<m@example.org>", proto: "ESMTPS",
                               daemon: "MTA", relay: nil, loggedTLS: nil)
        return LogRecord(time: 1_790_000_100, host: "mx1", pid: Int32(session), queueID: "Q1", origin: origin,
                         event: .message(m), sessionID: session)
    }

    func linkAcrossRuns(restoring: Bool) throws -> (session: String?, link: String?) {
        let db = try PostgresTestServer.database()
        let store = try PostgresStore(url: db.url)
        _ = try store.insertSource(ingestHost: "mx1", SourceRecord(path: "/var/log/maillog"))
        // Another host took a block first: the ids of this host's sessions are not its linker numbers.
        let other = try PostgresWriter(store: try PostgresStore(url: db.url))
        try other.begin()
        try other.write(Self.session(1))
        try other.commit()
        let first = try PostgresWriter(store: store)
        try first.begin()
        for i in 1...3 { try first.write(Self.session(Int64(i))) }
        try first.commit()
        let saved = try JSONDecoder().decode(PostgresWriter.IDState.self, from: JSONEncoder().encode(first.idState))
        let second = try PostgresWriter(store: store)
        if restoring { second.restore(saved) }
        try second.begin()
        try second.write(Self.message(over: 2))
        try second.commit()
        let row = try store.connection.query("""
            SELECT (SELECT s.id FROM tls_sessions s WHERE s.pid = 2 AND s.host = 'mx1' AND s.peer = 'in2.example.org'),
                   m.tls_session_id FROM messages m
            """)
        return (row[0][0], row[0][1])
    }

    @Test func aRestoredWriterLinksToTheEarlierRunsSession() throws {
        let (session, link) = try linkAcrossRuns(restoring: true)
        #expect(session != nil && link == session)
        #expect(session != "2", "the other host's block should have shifted the ids")
    }

    @Test func withoutTheSavedStateTheLinkIsLeftNull() throws {
        let (session, link) = try linkAcrossRuns(restoring: false)
        #expect(session != nil && link == nil)
    }
}
