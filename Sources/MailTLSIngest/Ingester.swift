import Foundation
import MailTLSParser
import MailTLSStore

/// Reads log files into the store: decompress, split lines, parse, link, write.
///
/// Incremental and idempotent: each source remembers how far it was read (an offset after the last
/// complete line) and fingerprints of its content, so a rerun reads only what is new, a file renamed
/// or compressed by logrotate is recognised, and a truncated or replaced file is read from the start.
///
/// Crash-safe: a file is committed in parts (`IngestOptions.partBytes`), each transaction holding
/// that part's rows, their rollup counts, the file's checkpoint after the part's last line and the
/// linker's open sessions. A killed or failed run keeps what it committed and the next run continues
/// exactly from there: nothing lost, nothing counted twice. A file that fails (read error, corrupt
/// compressed data, store error) loses only its part being read, with the linker restored to its
/// last commit; the other files still go in. (`--reingest` is the exception: one transaction per
/// file, see `Ingester+Reingest.swift`.) docs/ingest.md tells the whole story.
///
/// Reading one file is four steps, each in its own file: resume detection (`Ingester+Resume`), the
/// re-ingest context (`Ingester+Reingest`), the read loop (`Ingester+ReadLoop`) and the commit of a
/// part with its checkpoint (`Ingester+Checkpoint`).
public final class Ingester {
    /// The store the rows go to: SQLite (`SQLiteIngestStore`) or one host's part of PostgreSQL
    /// (`PostgresIngestStore`).
    public let target: any IngestStore
    public let options: IngestOptions
    let writer: any IngestWriter
    var linker: SessionLinker
    let pipeline: WriterThread

    /// An ingest into a SQLite store.
    public convenience init(store: Store, options: IngestOptions) throws {
        try self.init(target: SQLiteIngestStore(store), options: options)
    }

    public init(target: any IngestStore, options: IngestOptions) throws {
        MallocSettings.apply()
        self.target = target
        self.options = options
        writer = try target.makeWriter()
        try target.restoreWriterState(writer)
        pipeline = WriterThread(writer: writer, faultAfterRows: options.faultAfterRows, rollupKeyLimit: options.rollupKeys ?? target.rollupKeys)
        let saved = try target.linkerState().flatMap { try? JSONDecoder().decode(SessionLinker.self, from: Data($0.utf8)) }
        let next = try target.nextLinkerNumbers(savedState: saved != nil)
        if var saved {
            saved.sessionGap = options.sessionGap
            saved.reserveSessionIDs(from: next.session)
            linker = saved
        } else {
            linker = SessionLinker(sessionGap: options.sessionGap, firstSessionID: next.session)
        }
        linker.reserveFailureIDs(from: next.failure)
        linker.reserveDeliveryIDs(from: next.delivery)
    }

    /// Ingests `paths` (files, directories, `-` for standard input) oldest first, and returns what
    /// happened. Paths in `reingest` (files, or directories: every file in them, as `paths` reads
    /// them) have their earlier rows removed and are read from the start.
    public func ingest(paths: [String], reingest: Set<String> = [],
                       progress: ((IngestProgress) -> Void)? = nil) -> IngestSummary {
        let started = Date()
        var summary = IngestSummary()
        let ordered = RotationOrder.expand(paths)
        let reingest = Set(reingest.flatMap { RotationOrder.expand([$0]) })
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
        if options.endOfInput {
            do { try writeWhatIsHeld() } catch {
                summary.failedFiles.append(.store(path: target.name, message: "cannot write to the store: \(error)"))
            }
        }
        summary.rows = writer.counts
        summary.seconds = Date().timeIntervalSince(started)
        recordRun(summary, started: started)
        return summary
    }

    /// Reads one file (or standard input) from where the store last stopped, committing it in parts.
    ///
    /// On failure the part being read is rolled back (rows, rollup counts, linker, row counts) and
    /// the parts already committed stay; the error names the file.
    func ingestFile(_ path: String, reingest: Bool, into summary: inout IngestSummary,
                    progress: ((Int64) -> Void)?) throws {
        if !reingest, try isUnchanged(path) {
            summary.unchangedFiles += 1
            return
        }
        var input = try OpenInput(path: path)
        let head = try input.content.peek(Fingerprint.window)
        var file = FileRead(path: path, head: head, linker: linker, counts: writer.counts, rowsQueued: pipeline.queued)
        do {
            try writer.begin()
            try locateSource(&file, input: &input, reingest: reingest)
            pipeline.reingesting(source: file.isReingest ? file.source.id : nil, prunedBefore: file.prunedBefore)
            try readLines(&file, input: input, samplesBefore: summary.samples.count, progress: progress)
            try commitLastPart(&file, input: input)
        } catch {
            pipeline.discard()
            writer.rollback()
            linker = file.committedLinker
            writer.restoreCounts(file.committedCounts)
            summary.add(file.committed, parts: file.parts)
            if let e = error as? IngestError { throw e }
            // Store errors name the store file themselves (`…/mailtls.db: disk I/O error`).
            let text = error is StoreError ? "\(error)" : "\(target.name): \(error)"
            throw IngestError.store(path: path, message: "cannot write to the store: " + text)
        }
        summary.add(file.committed, parts: file.parts)
        if file.start > 0 && file.consumedEnd == file.start { summary.unchangedFiles += 1 }
    }

    /// The end of input (`IngestOptions.endOfInput`): writes what the linker still holds for sessions
    /// and connections that will never see another line, and saves the emptied state, in one
    /// transaction.
    private func writeWhatIsHeld() throws {
        try writer.begin()
        do {
            linker.finish { pipeline.append($0) }
            try pipeline.flush()
            try writer.flushRollups()
            try saveLinker()
            try writer.commit()
        } catch {
            pipeline.discard()
            writer.rollback()
            throw error
        }
    }

    /// The linker's state as JSON, written as it goes (`JSONStreamEncoder`): at every part's commit.
    func linkerJSON() throws -> String {
        String(decoding: try JSONStreamEncoder().encode(linker), as: UTF8.self)
    }

    func saveLinker() throws {
        try target.saveLinkerState(try linkerJSON(), writer: writer)
    }

    /// Records the run in `ingest_runs` (what `mailtls status` shows as the last run). Best effort:
    /// the data is committed already, so a failure here loses only this line of history.
    private func recordRun(_ s: IngestSummary, started: Date) {
        try? target.recordIngestRun(IngestRunRecord(
            started: Int64(started.timeIntervalSince1970), finished: Int64(Date().timeIntervalSince1970),
            files: s.files, filesFailed: s.failedFiles.count, bytes: s.bytes, lines: s.lines, rows: s.rows,
            skipped: s.skipped, malformed: s.malformed, summary: s.line))
    }
}
