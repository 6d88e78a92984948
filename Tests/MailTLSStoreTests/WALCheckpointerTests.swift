import Foundation
@testable import MailTLSStore
import MailTLSParser
import Testing

/// An ingest's commits leave the copying of the WAL into the database file to a checkpoint beside the
/// ingest (`WALCheckpointer`), not to the committing connection.
@Suite struct WALCheckpointerTests {
    /// The rows of the database file alone, without its WAL: what checkpoints have put there.
    static func rowsInTheFileAlone(_ store: Store) throws -> Int64 {
        let copy = store.path + ".alone"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: store.path, toPath: copy)
        let db = try Database(path: copy, readOnly: true)
        return try db.scalarInt("SELECT count(*) FROM session_rows") ?? -1
    }

    @Test func aCommittedPartReachesTheDatabaseFileWhileTheIngestGoesOn() throws {
        let (dir, store, w) = try StoreWriterTests.openWriter()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The committing connection checkpoints by itself only past a WAL of 64 MiB during the ingest.
        #expect(try store.database.scalarInt("PRAGMA wal_autocheckpoint") == Int64(StoreWriter.ingestAutocheckpointPages))

        try w.begin()
        for i in 1...200 { try w.write(StoreWriterTests.session(Int64(i), at: 1_790_000_000 + Int64(i))) }
        try w.commit()
        w.waitForCheckpoint()
        // The connection is still open (no checkpoint on close yet): the rows are in the file itself.
        #expect(try Self.rowsInTheFileAlone(store) == 200)

        // The next part goes on while the first is in the file; its rows follow at its commit.
        try w.begin()
        for i in 201...300 { try w.write(StoreWriterTests.session(Int64(i), at: 1_790_000_000 + Int64(i))) }
        #expect(try Self.rowsInTheFileAlone(store) == 200)
        try w.commit()
        w.waitForCheckpoint()
        #expect(try Self.rowsInTheFileAlone(store) == 300)
        #expect(try store.database.scalarInt("SELECT count(*) FROM session_rows") == 300)
    }

    @Test func theStoreCheckpointsByItselfAgainAfterTheIngest() throws {
        let (dir, path) = try StoreTests.tempPath()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(path: path)
        #expect(try store.database.scalarInt("PRAGMA wal_autocheckpoint") == 1000)
        do {
            let w = try StoreWriter(store: store)
            #expect(try store.database.scalarInt("PRAGMA wal_autocheckpoint") == Int64(StoreWriter.ingestAutocheckpointPages))
            withExtendedLifetime(w) {}
        }
        #expect(try store.database.scalarInt("PRAGMA wal_autocheckpoint") == 1000)
    }
}
