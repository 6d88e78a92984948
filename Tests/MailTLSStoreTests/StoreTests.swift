import Foundation
@testable import MailTLSStore
import Testing

/// The store file: where it is, how it is created, how its schema moves forward.
@Suite struct StoreTests {
    static func tempPath(_ name: String = "t.db") throws -> (dir: URL, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (dir, dir.appendingPathComponent(name).path)
    }

    @Test func newStoreIsOwnerOnlyWALAndCurrent() throws {
        let (dir, path) = try Self.tempPath()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(path: path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
        #expect(try store.database.userVersion == Schema.version)
        let journal = try store.database.prepare("PRAGMA journal_mode")
        #expect(try journal.step())
        #expect(journal.string(0) == "wal")
        // The documented table exists with its documented columns.
        let cols = try store.database.prepare("SELECT name FROM pragma_table_info('tls_sessions')")
        var names: [String] = []
        while try cols.step() { names.append(cols.string(0) ?? "") }
        for c in ["ts", "host", "pid", "role", "peer", "peer_ip", "version", "verify", "cipher", "alg_bits", "cipher_bits"] {
            #expect(names.contains(c), "tls_sessions.\(c)")
        }
    }

    @Test func pathPrecedenceIsOptionThenEnvironmentThenDefault() {
        #expect(Store.defaultPath(explicit: "/x/given.db") == "/x/given.db")
        let env = ProcessInfo.processInfo.environment["MAILTLS_DB"]
        #expect(Store.defaultPath(explicit: nil) == ((env?.isEmpty == false) ? env! : "mailtls.db"))
    }

    /// A store written by the first schema version is migrated forward on open, and its rollups are
    /// filled from the rows it already had.
    @Test func versionOneStoreIsMigratedAndBackfilled() throws {
        let (dir, path) = try Self.tempPath()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let db = try Database(path: path)
            try db.execute(Schema.v1)
            try db.execute("PRAGMA user_version = 1")
            try db.execute("""
                INSERT INTO tls_sessions(id, ts, host, pid, role, peer, peer_ip, version, verify, cipher, cipher_bits,
                                         loopback)
                VALUES (1, '2026-11-29T10:00:00Z', 'mx1', 42, 'server', 'a.example', '192.0.2.1', 'TLSv1.3', 'NO',
                        'TLS_AES_256_GCM_SHA384', 256, 0),
                       (2, '2026-11-29T11:00:00Z', 'mx1', 43, 'server', 'localhost', '127.0.0.1', 'TLSv1.3', 'NOT',
                        'TLS_AES_256_GCM_SHA384', 256, 1)
                """)
        }
        let store = try Store(path: path)
        #expect(try store.database.userVersion == Schema.version)
        let r = try store.database.prepare("SELECT day, loopback, sessions FROM rollup_sessions ORDER BY loopback")
        var rows: [String] = []
        while try r.step() { rows.append("\(r.string(0) ?? "")|\(r.int64(1))|\(r.int64(2))") }
        #expect(rows == ["2026-11-29|0|1", "2026-11-29|1|1"])
    }

    @Test func newerSchemaIsRefusedWithAnActionableMessage() throws {
        let (dir, path) = try Self.tempPath()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA user_version = 99")
        }
        #expect(throws: StoreError.schemaTooNew(path: path, found: 99, supported: Schema.version)) {
            _ = try Store(path: path)
        }
        #expect(StoreError.schemaTooNew(path: path, found: 99, supported: Schema.version).description.contains("upgrade mailtls"))
    }

    @Test func missingStoreIsAClearErrorForReaders() throws {
        let (dir, path) = try Self.tempPath("absent.db")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try Store(path: path, readOnly: true)
            Issue.record("opened a store that does not exist")
        } catch let e as StoreError {
            #expect(e.description.contains("absent.db"))
            #expect(e.description.contains("mailtls ingest"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
