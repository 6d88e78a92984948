import MailTLSPostgres
import MailTLSStore

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
