import Foundation
import MailTLSTestSupport
import MailTLSIngest
import MailTLSParser
import MailTLSStore
import Testing

/// Helpers of the incremental / rotation tests (in-process, through `Ingester`).
extension TempDir {
    /// Appends lines (each with its newline) to a file.
    func append<S: Sequence>(_ name: String, lines: S) throws where S.Element == String {
        try append(name, raw: SynthLog.text(lines))
    }

    /// Appends text as is (e.g. a line without its newline) to a file.
    func append(_ name: String, raw: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path(name)))
        try h.seekToEnd()
        try h.write(contentsOf: Data(raw.utf8))
        try h.close()
    }

    func move(_ from: String, _ to: String) throws {
        try FileManager.default.moveItem(atPath: path(from), toPath: path(to))
    }

    /// st_ino of a file.
    func inode(_ name: String) -> Int64? { FileStatus.of(path(name))?.inode }

    func size(_ name: String) -> Int64? { FileStatus.of(path(name))?.size }

    /// Moves a file's modification time forward (content unchanged), like `touch`.
    func touch(_ name: String, by seconds: TimeInterval = 90) throws {
        let attrs = try FileManager.default.attributesOfItem(atPath: path(name))
        let old = attrs[.modificationDate] as? Date ?? Date()
        try FileManager.default.setAttributes([.modificationDate: old.addingTimeInterval(seconds)], ofItemAtPath: path(name))
    }
}

/// The store dump after a clean, uninterrupted run over `files` (each a list of lines), given as
/// separate files in this order. One file holding everything is `cleanDump([lines])`.
func cleanDump(_ files: [[String]]) throws -> [String] {
    let d = try TempDir()
    var paths: [String] = []
    for (i, f) in files.enumerated() {
        paths.append(try d.write("clean-part\(i)", SynthLog.text(f)))
    }
    let s = try ingest(paths, db: d.path("clean.db"))
    #expect(s.failedFiles.isEmpty, "clean run failed: \(s.failedFiles)")
    return try StoreDump.of(d.path("clean.db"))
}

func cleanDump(_ lines: [String]) throws -> [String] { try cleanDump([lines]) }

/// Expects the store at `db` to hold exactly `want` (see `StoreDump`).
func expectStore(_ db: String, equals want: [String], _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(!want.isEmpty, "empty reference dump", sourceLocation: sourceLocation)
    let got = try StoreDump.of(db)
    let same = got == want
    #expect(same, "\(what): store differs from a clean run: \(StoreDump.diff(got, want))",
            sourceLocation: sourceLocation)
}

/// Runs an ingest through a fresh `Ingester` with explicit `reingest` paths (UTC, year 2026).
@discardableResult
func ingest(_ paths: [String], reingest: Set<String>, db: String) throws -> IngestSummary {
    let store = try Store(path: db)
    let options = IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!)
    return try Ingester(store: store, options: options).ingest(paths: paths, reingest: reingest)
}

/// `(path, offset, lines)` of every source, oldest first.
func checkpoints(_ db: String) throws -> [String] {
    try StoreDump.query(db, "SELECT path, offset, lines FROM sources ORDER BY id")
}

/// Total rows in the data tables.
func totalRows(_ db: String) throws -> Int {
    try StoreDump.counts(db).values.reduce(0, +)
}

func toolExists(_ tool: String) -> Bool {
    ["/usr/bin/", "/bin/", "/usr/local/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + tool) }
}

/// File-name extension each compressor gives.
func compressedExtension(_ tool: String) -> String {
    switch tool {
    case "gzip": return "gz"
    case "bzip2": return "bz2"
    default: return "xz"
    }
}

