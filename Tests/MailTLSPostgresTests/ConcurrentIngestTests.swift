import Foundation
import MailTLSParser
@testable import MailTLSPostgres
import MailTLSStore
import MailTLSTestSupport
import Testing

/// Many hosts write into one store at once, with no store-wide lock: four hosts' logs, each ingested
/// twice at the same moment (and once more after), equal one store built from the four logs once.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct ConcurrentIngestTests {
    static let hosts = ["mx1", "mx2", "mx3", "mx4"]
    /// Events per host: sessions, messages, deliveries, AUTH and merged handshake failures.
    static let events = 0..<1500

    /// What `mailtls ingest` will do per file (next step: the CLI): take the source's lock, skip a file
    /// whose checkpoint covers it, else write its rows and the checkpoint in one transaction.
    static func ingest(_ path: String, as host: String, into url: PostgresURL, flushRows: Int) throws {
        let store = try PostgresStore(url: url)
        try store.lockSource(ingestHost: host, path: path)
        defer { try? store.unlockSource(ingestHost: host, path: path) }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var source = try store.sources(ingestHost: host).first { $0.path == path } ?? SourceRecord(path: path)
        if source.offset == Int64(bytes.count) { return }
        if source.id == 0 { source.id = try store.insertSource(ingestHost: host, source) }
        let writer = try PostgresWriter(store: store, flushRows: flushRows)
        var feed = LogFeed()
        try writer.begin()
        do {
            try feed.feed(bytes, source: source.id) { try writer.write($0) }
            source.offset = Int64(bytes.count)
            try writer.flush()
            try store.updateSource(source)
            try writer.commit()
        } catch {
            writer.rollback()
            throw error
        }
    }

    /// The views without the store-wide numbers (ids, the links' ids, source ids), which depend on the
    /// order writers took their blocks; links are checked separately (`linksJoinTheirOwnHostsSessions`).
    static func comparable(_ t: CompactRows.Table) -> String {
        t.columns.map(\.name).filter { !["id", "tls_session_id", "source_id"].contains($0) }.joined(separator: ", ")
    }

    static let checks: [String] = CompactRows.tables.map { "SELECT \(comparable($0)) FROM \($0.view)" }
        + Rollups.tableNames.filter { $0 != "rollup_peer_sessions" }.map { "SELECT * FROM \($0)" }
        + [PostgresWriterTests.peerSessionsByValue,
           "SELECT day, host, kind, mailer, status, sum(n), min(first_ts), max(last_ts) FROM local_mail GROUP BY 1, 2, 3, 4, 5",
           // Each link points at a session of the same host and process, whichever block it got.
           """
           SELECT 'messages', count(*) FROM message_rows m JOIN session_rows s ON s.id = m.tls_session_id
           WHERE s.host = m.host AND s.pid = m.pid
           UNION ALL SELECT 'deliveries', count(*) FROM delivery_rows d JOIN session_rows s ON s.id = d.tls_session_id
           WHERE s.host = d.host AND s.pid = d.pid
           UNION ALL SELECT 'auth', count(*) FROM auth_rows a JOIN session_rows s ON s.id = a.tls_session_id
           WHERE s.host = a.host AND s.pid = a.pid
           UNION ALL SELECT 'dangling', count(*) FROM message_rows m
           WHERE m.tls_session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_rows s WHERE s.id = m.tls_session_id)
           """]

    @Test func fourHostsTwiceAtOnceEqualEachOnce() throws {
        let dir = try TempDir()
        let paths = try Self.hosts.map { host in
            try dir.write("\(host).log", SynthLog.text(SynthLog.lines(Self.events, host: host)))
        }
        // The truth: one writer, each host's log once, one after the other.
        let truth = try PostgresTestServer.database()
        for (host, path) in zip(Self.hosts, paths) {
            try Self.ingest(path, as: host, into: truth.url, flushRows: 100_000)
        }
        // Eight ingests at once (two per host and file), small COPY batches so that writers interleave.
        let fleet = try PostgresTestServer.database()
        let url = fleet.url
        let errors = ErrorBox()
        let group = DispatchGroup()
        for round in 0..<2 {
            for (host, path) in zip(Self.hosts, paths) {
                for _ in 0..<(round == 0 ? 2 : 1) {
                    let t = Thread {
                        do { try Self.ingest(path, as: host, into: url, flushRows: 300) } catch { errors.add(error) }
                        group.leave()
                    }
                    group.enter()
                    t.start()
                }
            }
            group.wait()
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        let a = try PostgresStore(url: truth.url), b = try PostgresStore(url: url)
        #expect(try a.rowCounts().map(\.rows).reduce(0, +) > 0)
        #expect(try b.rowCounts().map(\.rows) == a.rowCounts().map(\.rows))
        for sql in Self.checks {
            let want = try Rows.postgres(a, sql)
            #expect(!want.isEmpty || sql.contains("local_mail"), "nothing to compare in: \(sql)")
            #expect(try Rows.postgres(b, sql) == want, "\(sql)")
        }
        // One checkpoint per (host, file), covering it.
        #expect(try b.connection.scalarInt("SELECT count(*) FROM sources") == Int64(Self.hosts.count))
        #expect(try b.connection.scalarInt("SELECT count(DISTINCT ingest_host) FROM sources") == Int64(Self.hosts.count))
    }
}

/// Errors of the ingest threads.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ e: Error) { lock.lock(); errors.append(String(describing: e)); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return errors }
}
