import Foundation
import MailTLSIngest
import MailTLSReports
import MailTLSStore
import Testing

/// The export queries read the base tables and name the view's columns themselves (so that filters
/// compare integers and ids): they must give exactly the columns of the documented view, in its order,
/// and the same rows, whatever the schema becomes.
@Suite struct ExportColumnTests {
    @Test(arguments: ExportTable.allCases)
    func exportHasTheViewsColumnsAndRows(table: ExportTable) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("t.db").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let samples = ["isp-relay.log", "outbound.log", "multihost.log"].map { root.appendingPathComponent("Samples/\($0)").path }
        _ = try Ingester(store: Store(path: db), options: IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!))
            .ingest(paths: samples)
        let store = try Store(path: db, readOnly: true)
        let export = try store.database.prepare(try QueryLibrary.sql(named: table.query))
        export.bind(named: ":include_local", 1 as Int64)
        let view = try store.database.prepare("SELECT * FROM \(Self.view(of: table)) ORDER BY id")
        let columns = { (s: Statement) in (0..<s.columnCount).map { s.columnName($0) } }
        #expect(columns(export) == columns(view))
        var rows = 0
        while try view.step() {
            #expect(try export.step())
            #expect((0..<view.columnCount).map { "\(view.value($0))" } == (0..<export.columnCount).map { "\(export.value($0))" })
            rows += 1
        }
        #expect(try !export.step())
        #expect(rows > 0)
    }

    static func view(of table: ExportTable) -> String {
        switch table {
        case .sessions: "tls_sessions"
        case .messages: "messages"
        case .deliveries: "deliveries"
        case .auth: "auth_events"
        case .failures: "tls_failures"
        }
    }
}
