import Foundation
import Testing

/// Compares `actual` with the golden file `Snapshots/<name>`.
///
/// A missing golden file is written and the test fails, so a new snapshot is always looked at;
/// with `RECORD_SNAPSHOTS=1` every golden file is rewritten, and every test that did so fails too, so
/// a recording run can never pass for a checked one. Either way, check the recorded numbers against
/// the logs (`git diff`), then run again without the variable.
func assertSnapshot(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = repositoryRoot.appendingPathComponent("Tests/MailTLSReportsTests/Snapshots").appendingPathComponent(name)
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    let expected = try? String(contentsOf: url, encoding: .utf8)
    if record || expected == nil {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        if record {
            Issue.record("RECORD_SNAPSHOTS=1: rewrote \(name) instead of comparing: check it, then run again without",
                         sourceLocation: sourceLocation)
        } else {
            Issue.record("recorded a new snapshot \(name): check it, then run again", sourceLocation: sourceLocation)
        }
        return
    }
    if actual != expected {
        let a = actual.components(separatedBy: "\n"), e = expected!.components(separatedBy: "\n")
        let first = zip(a, e).enumerated().first(where: { $0.element.0 != $0.element.1 })
        let where_ = first.map { "line \($0.offset + 1):\n  expected: \($0.element.1)\n  actual:   \($0.element.0)" }
            ?? "length differs (\(e.count) vs \(a.count) lines)"
        Issue.record("snapshot \(name) differs at \(where_)\n(RECORD_SNAPSHOTS=1 re-records)", sourceLocation: sourceLocation)
    }
}
