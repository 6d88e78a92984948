import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// `SQLiteReportDatabase` compiles each query once and runs it again with new parameters (the digest
/// runs the summary for eight periods): every run must see its own parameters and start from the
/// first row, however the run before it ended.
@Suite struct StatementReuseTests {
    let store: TestStore
    init() throws { store = try TestStore(filterLog) }

    /// The rows of `sql` with `parameters`; the row callback throws after `stopAfter` rows when given.
    func rows(_ db: SQLiteReportDatabase, _ sql: String, _ parameters: [String: SQLParameter],
              stopAfter: Int? = nil) throws -> [String] {
        struct Stop: Error {}
        var out: [String] = []
        do {
            try db.run(sql, query: "test", parameters: parameters, columns: { _ in }) { row in
                out.append(row.map { $0.text ?? "-" }.joined(separator: "|"))
                if let stopAfter, out.count >= stopAfter { throw Stop() }
            }
        } catch is Stop {}
        return out
    }

    @Test func aKeptStatementSeesEachRunsParametersFromTheFirstRow() throws {
        let db = SQLiteReportDatabase(store: try Store(path: store.path))
        let sql = "SELECT day, sum(n) FROM rollup_traffic WHERE :host IS NULL OR host = :host GROUP BY day ORDER BY day"
        let all = try rows(db, sql, [:])
        #expect(all == ["2026-03-02|2", "2026-03-03|2", "2026-03-09|1"])
        #expect(try rows(db, sql, [":host": .text("mx2")]) == ["2026-03-03|2"])
        // A parameter left out is NULL again, not the last run's value.
        #expect(try rows(db, sql, [:]) == all)
        // A run stopped by its callback after one row: the next run still starts at the first.
        #expect(try rows(db, sql, [:], stopAfter: 1) == ["2026-03-02|2"])
        #expect(try rows(db, sql, [:]) == all)
    }
}
