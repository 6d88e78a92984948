import Foundation
import MailTLSParser
import MailTLSPostgres
import MailTLSStore

/// Reads a log file through LineParser and SessionLinker, as `mailtls ingest` does, and hands the
/// linked records to the stores under test.
struct LogFeed {
    var parser = LineParser(resolver: TimestampResolver(year: 2026, timeZone: TimeZone(identifier: "UTC")!))
    var linker = SessionLinker()

    /// Every linked record of the file's lines, with `source` and each line's byte offset as origin.
    mutating func feed(_ bytes: [UInt8], source: Int64, _ emit: (LogRecord) throws -> Void) throws {
        var records: [LogRecord] = []
        bytes.withUnsafeBufferPointer { p in
            var start = 0
            while start < p.count {
                let end = p[start...].firstIndex(of: 0x0A) ?? p.count
                let line = ByteSpan(base: p.baseAddress! + start, count: end - start)
                let outcome = parser.parse(line, origin: LineOrigin(source: source, offset: Int64(start)))
                var parsed: [LogRecord] = []
                if case .record(let r) = outcome { parsed = [r] }
                if case .records(let rs) = outcome { parsed = rs }
                for r in parsed { linker.link(r) { records.append($0) } }
                start = end + 1
            }
        }
        for r in records { try emit(r) }
    }

    /// The Samples folder of the package.
    static var samples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples")
    }

    static func sampleLogs() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: samples, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "log" }.sorted { $0.path < $1.path }
    }
}

/// Rows of both stores as text, for comparing them.
enum Rows {
    /// `SELECT columns FROM table` on SQLite, each value as text (nil for NULL), sorted.
    static func sqlite(_ store: Store, _ sql: String) throws -> [[String?]] {
        let s = try store.database.prepare(sql)
        var out: [[String?]] = []
        while try s.step() {
            out.append((0..<s.columnCount).map { s.isNull($0) ? nil : s.string($0) })
        }
        return out.sorted(by: less)
    }

    static func postgres(_ store: PostgresStore, _ sql: String) throws -> [[String?]] {
        try store.connection.query(sql).sorted(by: less)
    }

    static func less(_ a: [String?], _ b: [String?]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            guard let x else { return true }
            guard let y else { return false }
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return a.count < b.count
    }

    /// The view's columns on SQLite, in order.
    static func sqliteColumns(_ store: Store, _ view: String) throws -> [String] {
        let s = try store.database.prepare("SELECT name FROM pragma_table_info('\(view)') ORDER BY cid")
        var out: [String] = []
        while try s.step() { out.append(s.string(0) ?? "") }
        return out
    }

    static func postgresColumns(_ store: PostgresStore, _ view: String) throws -> [String] {
        try store.connection.query("""
            SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()
            ORDER BY ordinal_position
            """, [view]).map { $0[0] ?? "" }
    }
}
