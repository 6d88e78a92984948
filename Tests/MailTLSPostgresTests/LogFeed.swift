import Foundation
import MailTLSParser

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
