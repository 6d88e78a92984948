import Foundation
import MailTLSParser
import MailTLSStore
#if canImport(Glibc)
import Glibc
#endif

/// Reads log files into the store: decompress, split lines, parse, link, write.
///
/// Incremental and idempotent: each source remembers how far it was read (an offset after the last
/// complete line) and fingerprints of its content, so a rerun reads only what is new, a file renamed
/// or compressed by logrotate is recognised, and a truncated or replaced file is read from the start.
///
/// Crash-safe: each file is one transaction holding its rows, its new checkpoint and the linker's
/// open sessions, so a run killed at any point leaves the store as it was before that file. A file
/// that fails (read error, corrupt compressed data, store error) is rolled back alone, with the
/// linker restored; the other files still go in.
public final class Ingester {
    public let store: Store
    public let options: IngestOptions
    private let writer: StoreWriter
    private var linker: SessionLinker
    private let pipeline: WriterThread
    static let linkerStateKey = "linker"

    public init(store: Store, options: IngestOptions) throws {
        self.store = store
        self.options = options
        writer = try StoreWriter(store: store)
        pipeline = WriterThread(writer: writer, faultAfterRows: options.faultAfterRows)
        let next = try store.nextSessionID()
        let nextFailure = try store.nextFailureID()
        let nextDelivery = try store.nextDeliveryID()
        if let json = try store.state(Self.linkerStateKey),
           var saved = try? JSONDecoder().decode(SessionLinker.self, from: Data(json.utf8)) {
            saved.sessionGap = options.sessionGap
            saved.reserveSessionIDs(from: next)
            linker = saved
        } else {
            linker = SessionLinker(sessionGap: options.sessionGap, firstSessionID: next)
        }
        linker.reserveFailureIDs(from: nextFailure)
        linker.reserveDeliveryIDs(from: nextDelivery)
    }

    /// Ingests `paths` (files, directories, `-` for standard input) oldest first, and returns what
    /// happened. Paths in `reingest` have their earlier rows removed and are read from the start.
    public func ingest(paths: [String], reingest: Set<String> = [],
                       progress: ((IngestProgress) -> Void)? = nil) -> IngestSummary {
        let started = Date()
        var summary = IngestSummary()
        let ordered = RotationOrder.expand(paths)
        let total = ordered.reduce(Int64(0)) { $0 + (FileStatus.of($1)?.size ?? 0) }
        var done: Int64 = 0
        for path in ordered {
            summary.files += 1
            let report = progress.map { callback in
                { (bytes: Int64) in
                    callback(IngestProgress(bytesDone: done + bytes, bytesTotal: total,
                                            seconds: Date().timeIntervalSince(started), path: path))
                }
            }
            do {
                try ingestFile(path, reingest: reingest.contains(path), into: &summary, progress: report)
            } catch let e as IngestError {
                summary.failedFiles.append(e)
            } catch {
                summary.failedFiles.append(.store(path: path, message: "\(error)"))
            }
            done += FileStatus.of(path)?.size ?? 0
        }
        summary.rows = writer.counts
        summary.seconds = Date().timeIntervalSince(started)
        recordRun(summary, started: started)
        return summary
    }

    private func linkerJSON() throws -> String {
        String(decoding: try JSONEncoder().encode(linker), as: UTF8.self)
    }

    private func saveLinker() throws {
        try store.setState(Self.linkerStateKey, try linkerJSON())
    }

    /// An input opened for reading: the file, its compression, and its content stream.
    ///
    /// Compressed content is inflated on a read-ahead thread; from then on only that thread reads the
    /// file, and `position` reports its progress through the file. (Plain content gets its read-ahead
    /// in `ingestFile`, after seeking to where the last run stopped.)
    private struct OpenInput {
        var file: FileSource
        var compression: Compression
        var content: LookaheadSource
        var tail: TailWindowSource?
        var readAhead: ReadAheadSource?

        init(path: String) throws {
            file = try FileSource(path: path)
            let raw = LookaheadSource(file)
            compression = Compression.detect(try raw.peek(6))
            let decompressor: ByteSource
            switch compression {
            case .none:
                content = raw
                return
            case .gzip:
                decompressor = try GzipSource(upstream: raw, path: path)
            case .bzip2:
                decompressor = try Bzip2Source(upstream: raw, path: path)
            case .xz:
                decompressor = try XzSource(upstream: raw, path: path)
            }
            let f = file
            let ahead = ReadAheadSource(decompressor, position: { f.bytesRead })
            readAhead = ahead
            let t = TailWindowSource(ahead)
            tail = t
            content = LookaheadSource(t)
        }

        /// Bytes of the file read so far (compressed bytes for compressed input).
        var position: Int64 { readAhead?.upstreamPosition ?? file.bytesRead }
    }

    /// Finds the source this content continues, if any: same head fingerprint, and the bytes before
    /// its offset unchanged. Consumes `input` up to that offset when it returns a match.
    private func resumePoint(for input: OpenInput, head: [UInt8], path: String, consumed: inout Bool) throws -> SourceRecord? {
        var candidates: [SourceRecord] = []
        for length in try store.headLengths() where length <= head.count && length > 0 {
            candidates += try store.sources(headHash: Fingerprint.of(head.prefix(length)), headLength: length)
        }
        // The same path first, then the one read furthest.
        candidates.sort { ($0.path == path ? 1 : 0, $0.offset) > ($1.path == path ? 1 : 0, $1.offset) }
        guard let c = candidates.first else { return nil }
        if c.offset == 0 { return c }
        if let size = input.file.status?.size, input.compression == .none, size < c.offset { return nil }
        let window = Int64(min(Int64(Fingerprint.window), c.offset))
        consumed = true
        let skipped = try input.content.skip(c.offset - window)
        guard skipped == c.offset - window else { return nil }
        let tail = try input.content.readExactly(Int(window))
        guard tail.count == Int(window), Fingerprint.of(tail) == c.tailHash else { return nil }
        return c
    }

    private func ingestFile(_ path: String, reingest: Bool, into summary: inout IngestSummary,
                            progress: ((Int64) -> Void)?) throws {
        let isStdin = path == "-"
        // Nothing new: the very file read last time, unchanged.
        if !isStdin && !reingest, let st = FileStatus.of(path), st.isRegular,
           try store.source(device: st.device, inode: st.inode, size: st.size, mtime: st.mtime) != nil {
            summary.unchangedFiles += 1
            return
        }
        var input = try OpenInput(path: path)
        let head = try input.content.peek(Fingerprint.window)

        let savedLinker = linker
        let savedCounts = writer.counts
        var lines: Int64 = 0, skipped: Int64 = 0, malformed: Int64 = 0, truncatedFields: Int64 = 0
        var samples: [MalformedSample] = []
        do {
            try writer.begin()
            var source: SourceRecord
            var start: Int64 = 0
            var consumed = false
            var runLinker: SessionLinker?
            if !isStdin, let known = try resumePoint(for: input, head: head, path: path, consumed: &consumed) {
                source = known
                if reingest {
                    // Read the file on its own, giving its sessions back their ids so that rows of
                    // other files linked to them stay linked; the run's open sessions resume after.
                    let oldIDs = try store.sessionIDs(sourceID: known.id)
                    let oldFailureIDs = try store.failureIDs(sourceID: known.id)
                    let oldDeliveryIDs = try store.deliveryIDs(sourceID: known.id)
                    try store.saveFailureCompletions(sourceID: known.id)
                    try store.removeFromRollups(sourceID: known.id)
                    try store.deleteRows(sourceID: known.id)
                    runLinker = linker
                    var before = SessionLinker(sessionGap: options.sessionGap, firstSessionID: linker.nextSessionID)
                    if let json = try store.stateBefore(sourceID: known.id),
                       let saved = try? JSONDecoder().decode(SessionLinker.self, from: Data(json.utf8)) {
                        before = saved
                        before.sessionGap = options.sessionGap
                    }
                    before.reserveSessionIDs(from: linker.nextSessionID)
                    before.reserveFailureIDs(from: linker.nextFailureID)
                    before.reserveDeliveryIDs(from: linker.nextDeliveryID)
                    before.reuseSessionIDs(oldIDs)
                    before.reuseFailureIDs(oldFailureIDs)
                    before.reuseDeliveryIDs(oldDeliveryIDs)
                    linker = before
                    source.offset = 0
                    source.lines = 0
                    input = try OpenInput(path: path)
                } else {
                    start = known.offset
                }
            } else {
                if consumed { input = try OpenInput(path: path) }  // a failed match read ahead
                source = SourceRecord(path: path, compression: input.compression.rawValue)
                source.id = try store.insertSource(source)
                if !isStdin { try store.setStateBefore(sourceID: source.id, try linkerJSON()) }
            }

            let resolver: TimestampResolver
            if let year = options.year {
                resolver = TimestampResolver(year: year, timeZone: options.timeZone)
            } else if let st = input.file.status {
                resolver = TimestampResolver(referenceTime: st.mtime, timeZone: options.timeZone)
            } else {
                resolver = TimestampResolver(referenceTime: Int64(Date().timeIntervalSince1970), timeZone: options.timeZone)
            }
            var parser = LineParser(resolver: resolver)
            // A plain file's unterminated last line may still be being written: leave it for next time.
            let keepPartialLine = input.compression != .none || isStdin
            var consumedEnd = start
            let sourceID = source.id
            // Plain input is read ahead too, now that any resume point has been skipped to (a skip
            // is a seek, which reading ahead would turn into reading).
            var lineSource: ByteSource = input.content
            var plainAhead: ReadAheadSource?
            if input.readAhead == nil {
                let f = input.file
                plainAhead = ReadAheadSource(input.content, position: { f.bytesRead })
                lineSource = plainAhead!
            }
            let inputPosition = { [input, plainAhead] in plainAhead?.upstreamPosition ?? input.position }
            let reader = LineReader(source: lineSource, startOffset: start)
            try reader.forEachLine { line in
                if !line.terminated && !keepPartialLine { return }
                consumedEnd = line.offset + Int64(line.length)
                lines += 1
                let outcome: LineOutcome = line.truncated
                    ? .malformed(reason: "line longer than \(LineReader.maxLineLength) bytes")
                    : parser.parse(line.bytes, origin: LineOrigin(source: sourceID, offset: line.offset))
                switch consume outcome {
                case .record(let r):
                    linker.link(consume r) { pipeline.append($0) }
                case .skipped:
                    skipped += 1
                case .malformed(let reason):
                    malformed += 1
                    if samples.count + summary.samples.count < options.malformedSamples {
                        samples.append(MalformedSample(path: path, line: line.number, reason: reason,
                                                       text: line.bytes.displayString(maxBytes: 200)))
                    }
                }
                if let progress, lines & 0x3FFF == 0 { progress(inputPosition()) }
            }

            truncatedFields = Int64(parser.truncatedFields)

            // The new checkpoint.
            source.path = path
            source.offset = consumedEnd
            source.lines += lines
            source.compression = input.compression.rawValue
            source.headLength = head.count
            source.headHash = Fingerprint.of(head)
            if let st = input.file.status {
                source.device = st.device
                source.inode = st.inode
                source.size = st.size
                source.mtime = st.mtime
            }
            let window = Int(min(Int64(Fingerprint.window), consumedEnd))
            if let tail = input.tail {
                source.tailHash = Fingerprint.of(tail.tail.suffix(window))
            } else if !isStdin {
                source.tailHash = Fingerprint.of(try input.file.bytes(at: consumedEnd - Int64(window), count: window))
            }
            if var run = runLinker {
                // The re-read's open sessions belong to that file's end; the run's state resumes.
                run.reserveSessionIDs(from: linker.nextSessionID)
                run.reserveFailureIDs(from: linker.nextFailureID)
                run.reserveDeliveryIDs(from: linker.nextDeliveryID)
                linker = run
            }
            linker.compact()
            try pipeline.flush()
            if runLinker != nil {
                pipeline.rollups.clear()   // a re-read file's rows are added back by source, below
                try store.restoreFailureCompletions()
                try store.addToRollups(sourceID: source.id)
            } else {
                try pipeline.flushRollups(into: store)
            }
            try store.updateSource(source)
            try saveLinker()
            try writer.commit()
            summary.bytes += consumedEnd - start
            if start > 0 && consumedEnd == start { summary.unchangedFiles += 1 }
        } catch {
            pipeline.discard()
            writer.rollback()
            linker = savedLinker
            writer.restoreCounts(savedCounts)
            if let e = error as? IngestError { throw e }
            throw IngestError.store(path: path, message: "cannot write to the store \(store.path): \(error)")
        }
        summary.lines += lines
        summary.skipped += skipped
        summary.malformed += malformed
        summary.truncatedFields += truncatedFields
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
