import Foundation
import MailTLSParser
import MailTLSPostgres
import MailTLSStore

/// mailtls-pgload: bulk-loads one sendmail log into a PostgreSQL store as `mailtls ingest` will (parse,
/// link, COPY through `PostgresWriter`, a commit per part with its checkpoint), and prints the timings.
/// Benchmarks/pg-load runs it beside its baselines; it is no test and no user command.
///
///   mailtls-pgload URL LOG [--host NAME] [--part-mib N] [--parse-only] [--one-thread]
///   mailtls-pgload URL --schema-only
///
/// Parsing and linking run on the main thread, the writer on a thread of its own (as the SQLite ingest's
/// `WriterThread`), handed batches of records through a bounded queue; `--one-thread` does both on one.
/// `--parse-only` reads, parses and links without a store: the part of the time that is not the store's.
/// `--schema-only` creates the schema and stops (the benchmark times the load into an existing schema,
/// as it times `psql \copy`).
@main
struct PGLoad {
    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            defer { args.removeSubrange(i...(i + 1)) }
            return args[i + 1]
        }
        func flag(_ name: String) -> Bool {
            defer { args.removeAll { $0 == name } }
            return args.contains(name)
        }
        let host = option("--host") ?? "bench"
        let partBytes = Int(option("--part-mib") ?? "64")! << 20
        let parseOnly = flag("--parse-only"), oneThread = flag("--one-thread")
        if flag("--schema-only"), args.count == 1 {
            guard let url = PostgresURL(args[0]) else { throw PostgresError.notAPostgresURL(args[0]) }
            _ = try PostgresStore(url: url)
            return
        }
        guard args.count == 2 else {
            FileHandle.standardError.write(Data("usage: mailtls-pgload URL LOG [--host NAME] [--part-mib N] [--parse-only] [--one-thread]\n".utf8))
            exit(2)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: args[1]), options: .alwaysMapped)
        let start = ContinuousClock.now
        var parser = LineParser(resolver: TimestampResolver(year: 2026, timeZone: TimeZone(identifier: "UTC")!))
        var linker = SessionLinker()
        var sink: Sink?
        var sourceID: Int64 = 0
        if !parseOnly {
            guard let url = PostgresURL(args[0]) else { throw PostgresError.notAPostgresURL(args[0]) }
            let s = try PostgresStore(url: url)
            try s.lockSource(ingestHost: host, path: args[1])
            var source = SourceRecord(path: args[1])
            source.id = try s.insertSource(ingestHost: host, source)
            sourceID = source.id
            sink = try Sink(store: s, source: source, threaded: !oneThread)
        }
        var records = 0, lines = 0
        var partEnd = partBytes
        var batch: [LogRecord] = []
        batch.reserveCapacity(Sink.batchSize)
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let p = raw.bindMemory(to: UInt8.self)
            var startOfLine = 0
            while startOfLine < p.count {
                let end = memchr(p.baseAddress! + startOfLine, 0x0A, p.count - startOfLine)
                    .map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - p.baseAddress! } ?? p.count
                let outcome = parser.parse(ByteSpan(base: p.baseAddress! + startOfLine, count: end - startOfLine),
                                           origin: LineOrigin(source: sourceID, offset: Int64(startOfLine)))
                lines += 1
                switch outcome {
                case .record(let r): linker.link(r) { batch.append($0) }
                case .records(let rs): for r in rs { linker.link(r) { batch.append($0) } }
                default: break
                }
                startOfLine = end + 1
                let partDone = startOfLine >= partEnd
                if batch.count >= Sink.batchSize || partDone {
                    records += batch.count
                    // A part: its rows and its checkpoint in one transaction, as the ingester commits.
                    if let sink {
                        try sink.send(&batch, commitAt: partDone ? Int64(startOfLine) : nil)
                    } else {
                        batch.removeAll(keepingCapacity: true)
                    }
                    if partDone { partEnd += partBytes }
                }
            }
        }
        records += batch.count
        try sink?.send(&batch, commitAt: Int64(bytes.count))
        try sink?.finish()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let mib = Double(bytes.count) / 1_048_576
        print(String(format: "%@ %.1f MiB, %d lines, %d records in %.2f s: %.1f MiB/s", parseOnly ? "parse-only" : "load",
                     mib, lines, records, seconds, mib / seconds))
        if let w = sink?.writer {
            print("rows: \(w.counts.rows), text round trips: \(w.textLookups); writer: flushes \(w.flushTime) "
                  + "(texts \(w.textTime)), rollups \(w.rollupTime)")
        }
    }
}

/// The writer side: on a thread of its own when `threaded`, fed batches through a bounded queue.
/// Written batches come back to the parsing thread, which frees their records (as the ingest's
/// `WriterThread` does: glibc's per-thread caches then reuse the memory).
final class Sink: @unchecked Sendable {
    static let batchSize = 4096
    let store: PostgresStore
    let writer: PostgresWriter
    private var source: SourceRecord
    private let threaded: Bool
    private let lock = NSCondition()
    private var queue: [([LogRecord], Int64?)] = []
    private var spare: [[LogRecord]] = []
    private var done = false
    private var failure: Error?
    private let finished = DispatchSemaphore(value: 0)

    init(store: PostgresStore, source: SourceRecord, threaded: Bool) throws {
        self.store = store
        self.source = source
        self.threaded = threaded
        writer = try PostgresWriter(store: store)
        try writer.begin()
        if threaded {
            Thread { [self] in run() }.start()
        }
    }

    /// Hands `records` over and gives back an empty batch.
    func send(_ records: inout [LogRecord], commitAt offset: Int64?) throws {
        guard threaded else {
            try write(&records, commitAt: offset)
            records.removeAll(keepingCapacity: true)
            return
        }
        lock.lock()
        while queue.count >= 8 && failure == nil { lock.wait() }
        if let failure { lock.unlock(); throw failure }
        queue.append((records, offset))
        records = spare.popLast() ?? []
        lock.signal()
        lock.unlock()
        records.removeAll(keepingCapacity: true)   // frees the written records on this thread
        records.reserveCapacity(Sink.batchSize)
    }

    func finish() throws {
        guard threaded else { return }
        lock.lock()
        done = true
        lock.broadcast()
        lock.unlock()
        finished.wait()
        if let failure { throw failure }
    }

    /// Writes `records` in place, as the ingest's writer thread does (`IngestWriter.write`).
    private func write(_ records: inout [LogRecord], commitAt offset: Int64?) throws {
        try records.withUnsafeMutableBufferPointer { rows in
            for i in rows.indices { try writer.write(&rows[i]) }
        }
        if let offset {
            source.offset = offset
            try writer.flush()
            try store.updateSource(source)
            try writer.commit()
            try writer.begin()
        }
    }

    private func run() {
        while true {
            lock.lock()
            while queue.isEmpty && !done { lock.wait() }
            if queue.isEmpty { lock.unlock(); break }
            var (records, offset) = queue.removeFirst()
            lock.broadcast()
            lock.unlock()
            do {
                try write(&records, commitAt: offset)
                lock.lock()
                spare.append(records)
                lock.unlock()
            } catch {
                lock.lock()
                failure = error
                queue.removeAll()
                lock.broadcast()
                lock.unlock()
                break
            }
        }
        writer.rollback()  // the open, empty transaction after the last commit
        finished.signal()
    }
}
