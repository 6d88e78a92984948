import Foundation
import MailTLSIngest
import MailTLSParser
import MailTLSStore
import MailTLSTestSupport
import Testing

/// Runs a command and returns its stdout; fails the test on a non-zero exit.
@discardableResult
func shell(_ command: String) throws -> String {
    let r = try ChildProcess.shell(command)
    #expect(r.status == 0, "command failed: \(command): \(r.output)")
    return r.output
}

/// Ingests `paths` into the store at `db` (UTC, year 2026 unless given).
@discardableResult
func ingest(_ paths: [String], db: String, year: Int? = 2026) throws -> IngestSummary {
    let store = try Store(path: db)
    let options = IngestOptions(year: year, timeZone: TimeZone(identifier: "UTC")!)
    return try Ingester(store: store, options: options).ingest(paths: paths)
}

/// All rows of a query, each column as text ("NULL" for NULL), joined by "|".
func rows(_ db: String, _ sql: String) throws -> [String] {
    let store = try Store(path: db, readOnly: true)
    let s = try store.database.prepare(sql)
    var out: [String] = []
    while try s.step() {
        out.append((0..<s.columnCount).map { s.value($0).text ?? "NULL" }.joined(separator: "|"))
    }
    return out
}

func scalar(_ db: String, _ sql: String) throws -> Int64 {
    let store = try Store(path: db, readOnly: true)
    return try store.database.scalarInt(sql) ?? -1
}

/// The repository root (two levels above this file's folder).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
