import Foundation
import MailTLSParser
import MailTLSStore

/// One input file as this run reads it: its checkpoint in the making, where the current part began,
/// and what to go back to if the file fails.
///
/// A file is committed in parts (`IngestOptions.partBytes`, `partRecords`); each commit holds the
/// part's rows, its rollup counts, the checkpoint after its last line and the linker's open
/// sessions. `committedLinker` and `committedCounts` are the state as of the last commit: a failure
/// rolls back to exactly there, so the run goes on with the other files as if this one had been cut
/// at its last commit.
struct FileRead {
    let path: String
    /// The first content bytes (the head fingerprint).
    let head: [UInt8]
    /// The checkpoint being built (its `id` is the row in `sources`).
    var source: SourceRecord
    /// Content offset this run starts reading at: 0, or the checkpoint of an earlier run.
    var start: Int64 = 0
    /// Content offset after the last line consumed.
    var consumedEnd: Int64 = 0
    /// Lines the checkpoint counted before this run.
    var baseLines: Int64 = 0
    /// The run's linker while a `--reingest` file is read with a linker of its own (nil otherwise).
    var runLinker: SessionLinker?
    /// While a `--reingest` file is read: the cutoff of the latest prune that deleted its rows
    /// (`IngestStore.prunedBefore(sourceID:)`); its lines before it are not stored again.
    var prunedBefore: Int64?

    /// Lines of the part being read (not committed yet).
    var pending = LineTally()
    /// Lines of the parts committed in this run.
    var committed = LineTally()
    /// Where the part being read starts: content offset, and rows queued before it (`WriterThread.queued`).
    var partStart: Int64 = 0
    var partStartRows = 0
    /// Parts committed in this run.
    var parts = 0
    /// The linker and the writer's counts as of the last commit (or the file's start).
    var committedLinker: SessionLinker
    var committedCounts: WriteCounts

    init(path: String, head: [UInt8], linker: SessionLinker, counts: WriteCounts, rowsQueued: Int) {
        self.path = path
        self.head = head
        source = SourceRecord(path: Self.storedPath(path))
        committedLinker = linker
        committedCounts = counts
        partStartRows = rowsQueued
    }

    var isStdin: Bool { path == "-" }

    /// The path a source is stored under (`sources.path`, what `mailtls status` lists): absolute, so that
    /// a run from another folder with a relative path (a `--reingest log/maillog` by hand) does not
    /// rename the file cron reads by its full path. Standard input stays `-`.
    static func storedPath(_ path: String) -> String {
        path == "-" ? path : URL(fileURLWithPath: path).standardizedFileURL.path
    }
    /// True while a `--reingest` file is read: it commits in one transaction (see `Ingester+Reingest`).
    var isReingest: Bool { runLinker != nil }

    /// Starts reading at an earlier run's checkpoint.
    mutating func resume(at known: SourceRecord) {
        source = known
        start = known.offset
        consumedEnd = known.offset
        partStart = known.offset
        baseLines = known.lines
    }

    /// True when the part being read is big enough to commit (never during a re-ingest).
    func partIsDue(rowsQueued: Int, options: IngestOptions) -> Bool {
        !isReingest && (consumedEnd - partStart >= options.partBytes || rowsQueued - partStartRows >= options.partRecords)
    }

    /// Bytes of the tail fingerprint of a checkpoint at `consumedEnd`.
    var tailLength: Int { Int(min(Int64(Fingerprint.window), consumedEnd)) }

    /// Fills the checkpoint: after `consumedEnd`, with the fingerprint of the bytes before it.
    ///
    /// Only the file's last part records its modification time: `sources` rows that match a file's
    /// (device, inode, size, mtime) are taken as "read to the end, nothing new" and skipped unopened,
    /// which a part checkpoint must never be.
    mutating func fillCheckpoint(compression: Compression, status: FileStatus?, tail: [UInt8]?, last: Bool) {
        source.path = Self.storedPath(path)
        source.offset = consumedEnd
        source.lines = baseLines + committed.lines + pending.lines
        source.compression = compression.rawValue
        source.headLength = head.count
        source.headHash = Fingerprint.of(head)
        if let status {
            source.device = status.device
            source.inode = status.inode
            source.size = status.size
            source.mtime = last ? status.mtime : nil
        }
        if let tail, !isStdin { source.tailHash = Fingerprint.of(tail) }
    }

    /// Records a commit: the pending part joins the committed ones, and a failure now rolls back to here.
    mutating func markCommitted(linker: SessionLinker, counts: WriteCounts, rowsQueued: Int) {
        pending.bytes = consumedEnd - partStart
        committed += pending
        pending = LineTally()
        partStart = consumedEnd
        partStartRows = rowsQueued
        parts += 1
        committedLinker = linker
        committedCounts = counts
    }
}
