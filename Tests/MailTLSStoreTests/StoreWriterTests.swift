import Foundation
@testable import MailTLSStore
import MailTLSParser
import Testing

/// The writer batches rows into multi-row inserts; a line completing a row must land whether that row
/// is still waiting in its batch or was written already.
@Suite struct StoreWriterTests {
    static let origin = LineOrigin(source: 1, offset: 0)

    static func session(_ id: Int64, at t: Int64) -> LogRecord {
        let s = TLSSession(role: .client, relay: ByteSpan.with("mx\(id).example.net. [192.0.2.\(id % 250)]") { Relay.parse($0) },
                           version: "TLSv1.3", verify: "OK", cipher: "TLS_AES_256_GCM_SHA384", algBits: 256, cipherBits: 256)
        return LogRecord(time: t, host: "out1", pid: Int32(id), queueID: nil, origin: origin, event: .tlsSession(s), id: id)
    }

    static func certificate(for id: Int64) -> LogRecord {
        let c = Certificate(role: .client, subject: "/CN=mx\(id).example.net", issuer: "/CN=Test CA", verifyMessage: "ok")
        return LogRecord(time: 0, host: "out1", pid: Int32(id), queueID: nil, origin: origin, event: .certificate(c),
                         sessionID: id)
    }

    static func delivery(_ id: Int64, _ to: String, more: Bool) -> LogRecord {
        let d = Delivery(recipients: to, recipientCount: 1, continued: more, mailer: "esmtp", relay: nil, dsn: "2.0.0",
                         status: .sent, statusText: "Sent (ok)", delay: nil, xdelay: nil)
        return LogRecord(time: 0, host: "out1", pid: 7, queueID: "6A1000000000\(id)", origin: origin, event: .delivery(d),
                         id: id)
    }

    static func completion(_ id: Int64, _ to: String) -> LogRecord {
        LogRecord(time: 0, host: "out1", pid: 7, queueID: "6A1000000000\(id)", origin: origin,
                  event: .deliveryCompletion(DeliveryCompletion(deliveryID: id, recipients: to, recipientCount: 1,
                                                                continued: false)))
    }

    /// A fresh store with one source, and its writer.
    static func openWriter() throws -> (dir: URL, store: Store, writer: StoreWriter) {
        let (dir, path) = try StoreTests.tempPath()
        let store = try Store(path: path)
        try store.database.execute("INSERT INTO sources(id, path) VALUES (1, 'x')")
        return (dir, store, try StoreWriter(store: store))
    }

    /// Sessions 1...n, then the certificate of `certified`, then everything committed.
    func certificateColumns(sessions n: Int64, certified: Int64) throws -> [String?] {
        let (dir, store, w) = try Self.openWriter()
        defer { try? FileManager.default.removeItem(at: dir) }
        try w.begin()
        for i in 1...n { try w.write(Self.session(i, at: 1_790_000_000 + i)) }
        try w.write(Self.certificate(for: certified))
        try w.commit()
        #expect(try store.database.scalarInt("SELECT count(*) FROM tls_sessions") == n)
        let q = try store.database.prepare("SELECT cert_subject, cert_issuer, verifymsg FROM tls_sessions WHERE id = \(certified)")
        #expect(try q.step())
        return [q.string(0), q.string(1), q.string(2)]
    }

    @Test func certificateOfARowStillInItsBatch() throws {
        #expect(try certificateColumns(sessions: 3, certified: 3) == ["/CN=mx3.example.net", "/CN=Test CA", "ok"])
    }

    @Test func certificateOfARowAlreadyWritten() throws {
        // One batch and 8 rows: the first batch went in before the certificate of session 1 arrives.
        let n = Int64(BatchInsert.defaultRowsPerStatement + 8)
        #expect(try certificateColumns(sessions: n, certified: 1) == ["/CN=mx1.example.net", "/CN=Test CA", "ok"])
        #expect(try certificateColumns(sessions: n, certified: n - 2) == ["/CN=mx\(n - 2).example.net", "/CN=Test CA", "ok"])
    }

    @Test func moreListJoinedInTheBatchOrAfterIt() throws {
        let (dir, store, w) = try Self.openWriter()
        defer { try? FileManager.default.removeItem(at: dir) }
        try w.begin()
        // Delivery 1 waits in the batch when its rest arrives.
        try w.write(Self.delivery(1, "<a@example.org>", more: true))
        try w.write(Self.completion(1, "<b@example.org>"))
        // Delivery 2 is flushed (its batch filled) before its rest arrives.
        try w.write(Self.delivery(2, "<c@example.org>", more: true))
        let n = Int64(BatchInsert.defaultRowsPerStatement + 8)
        for i in Int64(3)...n { try w.write(Self.delivery(i, "<x\(i)@example.org>", more: false)) }
        try w.write(Self.completion(2, "<d@example.org>"))
        try w.commit()
        let q = try store.database.prepare("SELECT recipients, nrcpts FROM deliveries WHERE id IN (1, 2) ORDER BY id")
        var rows: [String] = []
        while try q.step() { rows.append("\(q.string(0) ?? "") \(q.int64(1))") }
        #expect(rows == ["<a@example.org>,<b@example.org> 2", "<c@example.org>,<d@example.org> 2"])
        #expect(try store.database.scalarInt("SELECT count(*) FROM deliveries") == n)
    }

    /// The rollups of rows still waiting (their new texts too) can be flushed before the rows: the
    /// writer's keys carry the text ids. They equal what the rows rebuild to.
    @Test func rollupsFlushedBeforeTheirRowsMatchTheRebuild() throws {
        let (dir, store, w) = try Self.openWriter()
        defer { try? FileManager.default.removeItem(at: dir) }
        try w.begin()
        for i in 1...150 { try w.write(Self.session(Int64(i % 40 + 1) * 1000 + Int64(i), at: 1_790_000_000 + Int64(i) * 3600)) }
        try w.rollups.flush(into: store.database)
        try w.commit()
        func dump() throws -> [[String?]] {
            let s = try store.database.prepare("""
                SELECT day, host, role, loopback, peer, version, verify, cipher, cipher_bits, sessions, first_ts, last_ts
                FROM rollup_peer_sessions ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
                """)
            var rows: [[String?]] = []
            while try s.step() { rows.append((0..<12).map { s.string(Int32($0)) }) }
            return rows
        }
        let kept = try dump()
        #expect(kept.count > 40 && !kept.contains { $0[4] == "0" || $0[1] == nil })
        try store.rebuildRollups()
        #expect(try dump() == kept)
    }

    @Test func rollbackForgetsRowsStillWaiting() throws {
        let (dir, store, w) = try Self.openWriter()
        defer { try? FileManager.default.removeItem(at: dir) }
        try w.begin()
        for i in 1...5 { try w.write(Self.session(Int64(i), at: 1_790_000_000)) }
        w.rollback()
        try w.begin()
        try w.write(Self.session(9, at: 1_790_000_000))
        try w.commit()
        #expect(try store.database.scalarInt("SELECT group_concat(id) FROM tls_sessions") == 9)
    }

    @Test func aFailingRowFailsTheWriteAndRollbackRemovesItsBatch() throws {
        // Batches are INSERT OR FAIL: the rows before the failing one stay in until the rollback.
        let (dir, store, w) = try Self.openWriter()
        defer { try? FileManager.default.removeItem(at: dir) }
        try w.begin()
        let n = Int64(BatchInsert.defaultRowsPerStatement)
        #expect(throws: (any Error).self) {
            for i in 1...n { try w.write(Self.session(i == n ? 1 : i, at: 1_790_000_000 + i)) }
            try w.commit()
        }
        w.rollback()
        #expect(try store.database.scalarInt("SELECT count(*) FROM tls_sessions") == 0)
    }

    @Test func parametersLeftInPlaceBetweenBatchesKeepEachRowsValue() throws {
        // A NULL or integer already bound is not bound again: rows must still get their own values
        // whichever value the same parameter had in the batch before.
        let (dir, store, _) = try Self.openWriter()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = store.database
        try db.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        let n = BatchInsert.defaultRowsPerStatement
        let b = try BatchInsert(db, table: "t", columns: ["a", "b"])
        func a(_ i: Int) -> Int64? { i % 3 == 0 ? nil : Int64(i % 5 == 0 ? 7 : i / n) }
        // Short (inline) and long (heap) Strings, ASCII and not.
        func text(_ i: Int) -> String? { i % 4 == 0 ? nil : i % 4 == 1 ? "v\(i % 2)" : "relay-\(i % 3)-ä.example.org [192.0.2.\(i)]" }
        let total = 3 * n + 5   // three full batches, then single-row statements
        for i in 0..<total {
            let row = try b.beginRow()
            b.set(row, 0, a(i))
            b.set(row, 1, text(i))
            b.endRow()
        }
        try b.flush()
        let q = try db.prepare("SELECT a, b FROM t ORDER BY rowid")
        var got: [String] = []
        while try q.step() { got.append("\(q.isNull(0) ? "-" : String(q.int64(0))) \(q.string(1) ?? "-")") }
        #expect(got == (0..<total).map { "\(a($0).map(String.init) ?? "-") \(text($0) ?? "-")" })
    }

    @Test func columnsEmptyInAWholeBatchAreLeftOutAndStayNull() throws {
        // b, e, f: nullable without a default, so a batch whose rows all leave one NULL omits it; c has a
        // default (5) and d is NOT NULL: never omitted (an omitted c would read 5 instead of NULL).
        let (dir, store, _) = try Self.openWriter()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = store.database
        try db.execute("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER DEFAULT 5, d INTEGER NOT NULL DEFAULT 0, e INTEGER, f INTEGER)")
        let n = BatchInsert.defaultRowsPerStatement
        let b = try BatchInsert(db, table: "t", columns: ["a", "b", "c", "d", "e", "f"])
        // Batch k sets column j (b, c, e, f) when bit j of k is on: in every row when k is odd, else only
        // in its last row. So there are more sets of empty columns than statements kept for them.
        func value(_ k: Int, _ j: Int, _ i: Int) -> Int64? {
            k & (1 << j) != 0 && (k % 2 == 1 || i == n - 1) ? Int64(k * 1000 + j * 100 + i) : nil
        }
        var expected: [String] = []
        for k in 0..<16 {
            for i in 0..<n {
                let row = try b.beginRow()
                let text = value(k, 0, i).map { "t\($0)" }
                b.set(row, 0, Int64(k * n + i))
                b.set(row, 1, text)
                b.set(row, 2, value(k, 1, i))
                b.set(row, 3, Int64(i % 2))
                b.set(row, 4, value(k, 2, i))
                b.set(row, 5, value(k, 3, i))
                b.endRow()
                let cells = [String(k * n + i), text ?? "-", value(k, 1, i).map(String.init) ?? "-", String(i % 2),
                             value(k, 2, i).map(String.init) ?? "-", value(k, 3, i).map(String.init) ?? "-"]
                expected.append(cells.joined(separator: " "))
            }
        }
        try b.flush()
        #expect(b.leanStatementCount == BatchInsert.maxLeanStatements)
        let q = try db.prepare("SELECT a, b, c, d, e, f FROM t ORDER BY a")
        var got: [String] = []
        while try q.step() {
            got.append((0..<6).map { q.isNull(Int32($0)) ? "-" : q.string(Int32($0)) ?? "-" }.joined(separator: " "))
        }
        #expect(got == expected)
    }
}
