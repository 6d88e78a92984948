import Foundation
import MailTLSParser
import MailTLSPostgres
import MailTLSStore

/// mailtls-pgload: bulk-loads one sendmail log into a PostgreSQL store as `mailtls ingest` will (parse,
/// link, COPY through `PostgresWriter`, a commit per part with its checkpoint), and prints the timings.
/// Benchmarks/pg-load runs it beside its baselines; it is no test and no user command.
///
///   mailtls-pgload URL LOG [--host NAME] [--part-mib N] [--parse-only]
///
/// `--parse-only` reads, parses and links without a store: the part of the time that is not the store's.
@main
struct PGLoad {
    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            defer { args.removeSubrange(i...(i + 1)) }
            return args[i + 1]
        }
        let host = option("--host") ?? "bench"
        let partMiB = Int(option("--part-mib") ?? "64")!
        let parseOnly = args.contains("--parse-only")
        args.removeAll { $0 == "--parse-only" }
        guard args.count == 2 else {
            FileHandle.standardError.write(Data("usage: mailtls-pgload URL LOG [--host NAME] [--part-mib N] [--parse-only]\n".utf8))
            exit(2)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: args[1]), options: .alwaysMapped)
        let start = ContinuousClock.now
        var parser = LineParser(resolver: TimestampResolver(year: 2026, timeZone: TimeZone(identifier: "UTC")!))
        var linker = SessionLinker()
        var store: PostgresStore?
        var writer: PostgresWriter?
        var source = SourceRecord(path: args[1])
        if !parseOnly {
            guard let url = PostgresURL(args[0]) else { throw PostgresError.notAPostgresURL(args[0]) }
            let s = try PostgresStore(url: url)
            try s.lockSource(ingestHost: host, path: args[1])
            source.id = try s.insertSource(ingestHost: host, source)
            store = s
            writer = try PostgresWriter(store: s)
            try writer!.begin()
        }
        var records = 0, lines = 0
        let clock = ContinuousClock()
        var writing = Duration.zero, committing = Duration.zero
        let partBytes = partMiB << 20
        var partEnd = partBytes
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let p = raw.bindMemory(to: UInt8.self)
            var startOfLine = 0
            var emitted: [LogRecord] = []
            while startOfLine < p.count {
                let end = memchr(p.baseAddress! + startOfLine, 0x0A, p.count - startOfLine)
                    .map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - p.baseAddress! } ?? p.count
                let outcome = parser.parse(ByteSpan(base: p.baseAddress! + startOfLine, count: end - startOfLine),
                                           origin: LineOrigin(source: source.id, offset: Int64(startOfLine)))
                lines += 1
                switch outcome {
                case .record(let r): linker.link(r) { emitted.append($0) }
                case .records(let rs): for r in rs { linker.link(r) { emitted.append($0) } }
                default: break
                }
                records += emitted.count
                if let writer, !emitted.isEmpty {
                    let t = clock.now
                    for r in emitted { try writer.write(r) }
                    writing += clock.now - t
                }
                emitted.removeAll(keepingCapacity: true)
                startOfLine = end + 1
                if startOfLine >= partEnd, let writer, let store {
                    // A part: its rows and its checkpoint in one transaction, as the ingester commits.
                    let t = clock.now
                    source.offset = Int64(startOfLine)
                    try writer.flush()
                    try store.updateSource(source)
                    try writer.commit()
                    try writer.begin()
                    committing += clock.now - t
                    partEnd += partBytes
                }
            }
        }
        if let writer, let store {
            let t = clock.now
            defer { committing += clock.now - t }
            source.offset = Int64(bytes.count)
            try writer.flush()
            try store.updateSource(source)
            try writer.commit()
        }
        let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - start).components.seconds)
        let mib = Double(bytes.count) / 1_048_576
        print(String(format: "%@ %.1f MiB, %d lines, %d records in %.2f s: %.1f MiB/s", parseOnly ? "parse-only" : "load",
                     mib, lines, records, seconds, mib / seconds))
        if let writer {
            print("rows: \(writer.counts.rows), text round trips: \(writer.textLookups); in write(): \(writing) "
                  + "(of which flushes: \(writer.flushTime), texts: \(writer.textTime)), in commits: \(committing) (of which rollups: \(writer.rollupTime))")
        }
    }
}
