import MailTLSStore

/// Step 4 of reading a file: committing a part. One transaction holds the part's rows, their rollup
/// counts, the file's checkpoint after the part's last line (offset, fingerprints, lines) and the
/// linker's open sessions, so whatever kills the process, the store's rows, rollups, checkpoint and
/// sessions always agree, and the next run continues from the checkpoint.
extension Ingester {
    /// Commits the part read so far (the file goes on: the next part's transaction begins).
    ///
    /// - Parameter tail: the `Fingerprint.window` content bytes before `file.consumedEnd` (nil for
    ///   standard input, which is not resumed).
    func commitPart(_ file: inout FileRead, compression: Compression, status: FileStatus?, tail: [UInt8]?) throws {
        file.fillCheckpoint(compression: compression, status: status, tail: tail, last: false)
        linker.compact { pipeline.append($0) }
        try pipeline.flush()
        try writer.flushRollups()
        try target.updateSource(file.source)
        try saveLinker()
        try writer.commit()
        file.markCommitted(linker: linker, counts: writer.counts, rowsQueued: pipeline.queued)
        try writer.begin()
    }

    /// Commits the file's last part with its final checkpoint (which records the file's
    /// modification time: the next run skips the file unopened while it stays the same).
    func commitLastPart(_ file: inout FileRead, input: OpenInput) throws {
        let window = file.tailLength
        var tail: [UInt8]?
        if let t = input.tail {
            tail = Array(t.tail.suffix(window))
        } else if !file.isStdin {
            tail = try input.file.bytes(at: file.consumedEnd - Int64(window), count: window)
        }
        file.fillCheckpoint(compression: input.compression, status: input.file.status, tail: tail, last: true)
        let held = endReingestLinker(file)
        linker.compact { pipeline.append($0) }
        try pipeline.flush()
        if file.isReingest {
            try putBackHeld(held)
            try addReingestedRollups(file)
        } else {
            try writer.flushRollups()
        }
        try target.updateSource(file.source)
        try saveLinker()
        try writer.commit()
        file.markCommitted(linker: linker, counts: writer.counts, rowsQueued: pipeline.queued)
    }
}
