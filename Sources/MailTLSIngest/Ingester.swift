import Foundation
import MailTLSParser
import MailTLSStore

/// Reads log files into the store: decompress, split lines, parse, link, write.
///
/// Each file is one transaction: it is committed whole, or (on a read error, corrupt compressed
/// data, or a store error) rolled back with the linker restored to its state before the file, so
/// the store is as it was and the other files still go in. Sessions may span files (a rotated
/// `maillog.1` then `maillog`): the linker carries them over and is flushed at the end of the run.
public final class Ingester {
    public let store: Store
    public let options: IngestOptions
    private let writer: StoreWriter
    private var linker: SessionLinker
    private var linked: [LogRecord] = []

    public init(store: Store, options: IngestOptions) throws {
        self.store = store
        self.options = options
        writer = try StoreWriter(store: store)
        linker = SessionLinker(sessionGap: options.sessionGap, firstSessionID: try store.nextSessionID())
    }

    /// Ingests `paths` in order (`-` is standard input) and returns what happened.
    public func ingest(paths: [String]) -> IngestSummary {
        let started = Date()
        var summary = IngestSummary()
        for path in paths {
            summary.files += 1
            do {
                try ingestFile(path, into: &summary)
            } catch let e as IngestError {
                summary.failedFiles.append(e)
            } catch {
                summary.failedFiles.append(.store(path: path, message: "\(error)"))
            }
        }
        do {
            try writer.begin()
            try drain { linker.flush(emit: $0) }
            try writer.commit()
        } catch {
            writer.rollback()
            summary.failedFiles.append(.store(path: store.path, message: "\(error)"))
        }
        summary.rows = writer.counts
        summary.seconds = Date().timeIntervalSince(started)
        recordRun(summary, started: started)
        return summary
    }

    /// Runs `produce` with an emitter that collects linked rows, then writes them.
    private func drain(_ produce: (_ emit: (LogRecord) -> Void) -> Void) throws {
        linked.removeAll(keepingCapacity: true)
        produce { linked.append($0) }
        for r in linked { try writer.write(r) }
    }

    private func ingestFile(_ path: String, into summary: inout IngestSummary) throws {
        let file = try FileSource(path: path)
        let compression = Compression.detect(try file.peek(6))
        let source: ByteSource
        switch compression {
        case .none: source = file
        case .gzip: source = try GzipSource(upstream: file, path: path)
        case .bzip2: source = try Bzip2Source(upstream: file, path: path)
        case .xz: source = try XzSource(upstream: file, path: path)
        }
        let resolver: TimestampResolver
        if let year = options.year {
            resolver = TimestampResolver(year: year, timeZone: options.timeZone)
        } else if path != "-", let st = file.status() {
            resolver = TimestampResolver(referenceTime: Int64(st.st_mtim.tv_sec), timeZone: options.timeZone)
        } else {
            resolver = TimestampResolver(referenceTime: Int64(Date().timeIntervalSince1970), timeZone: options.timeZone)
        }
        var parser = LineParser(resolver: resolver)

        let savedLinker = linker
        let savedCounts = writer.counts
        var lines: Int64 = 0, skipped: Int64 = 0, malformed: Int64 = 0
        var samples: [MalformedSample] = []
        do {
            try writer.begin()
            let sourceID = try store.sourceID(path: path, compression: compression.rawValue)
            let reader = LineReader(source: source)
            let bytes = try reader.forEachLine { line in
                lines += 1
                let outcome: LineOutcome = line.truncated
                    ? .malformed(reason: "line longer than \(LineReader.maxLineLength) bytes")
                    : parser.parse(line.bytes, origin: LineOrigin(source: sourceID, offset: line.offset))
                switch outcome {
                case .record(let r):
                    try drain { linker.link(r, emit: $0) }
                case .skipped:
                    skipped += 1
                case .malformed(let reason):
                    malformed += 1
                    if samples.count + summary.samples.count < options.malformedSamples {
                        samples.append(MalformedSample(path: path, line: line.number, reason: reason,
                                                       text: String(line.bytes.prefix(200).string)))
                    }
                }
            }
            let upd = try store.database.prepare(
                "UPDATE sources SET lines = lines + ?, size = ?, last_ingest = ? WHERE id = ?")
            upd.bind(1, lines)
            upd.bind(2, bytes)
            upd.bind(3, CivilTime.iso8601(Int64(Date().timeIntervalSince1970)))
            upd.bind(4, sourceID)
            try upd.run()
            try writer.commit()
            summary.bytes += bytes
        } catch {
            writer.rollback()
            linker = savedLinker
            writer.restoreCounts(savedCounts)
            summary.lines += lines
            if let e = error as? IngestError { throw e }
            throw IngestError.store(path: path, message: "\(error)")
        }
        summary.lines += lines
        summary.skipped += skipped
        summary.malformed += malformed
        summary.samples += samples
    }

    private func recordRun(_ s: IngestSummary, started: Date) {
        guard let ins = try? store.database.prepare("""
            INSERT INTO ingest_runs(started, finished, files, files_failed, bytes, lines, sessions, messages, deliveries,
                auth, failures, skipped, malformed, summary) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """) else { return }
        ins.bind(1, CivilTime.iso8601(Int64(started.timeIntervalSince1970)))
        ins.bind(2, CivilTime.iso8601(Int64(Date().timeIntervalSince1970)))
        ins.bind(3, s.files)
        ins.bind(4, s.failedFiles.count)
        ins.bind(5, s.bytes)
        ins.bind(6, s.lines)
        ins.bind(7, s.rows.sessions)
        ins.bind(8, s.rows.messages)
        ins.bind(9, s.rows.deliveries)
        ins.bind(10, s.rows.auth)
        ins.bind(11, s.rows.failures)
        ins.bind(12, s.skipped)
        ins.bind(13, s.malformed)
        ins.bind(14, s.line)
        try? ins.run()
    }
}
