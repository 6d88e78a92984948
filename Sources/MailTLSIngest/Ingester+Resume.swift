import MailTLSStore

/// Step 1 of reading a file: resume detection. Is it the very file read last time, unchanged? Does
/// its content continue a source the store knows (same head, same bytes before the checkpoint)?
/// Else it is a new source.
extension Ingester {
    /// True when `path` is the very file read to its end last time, unchanged (same device, inode,
    /// size and mtime): it is not even opened. Part checkpoints never match (they keep no mtime).
    func isUnchanged(_ path: String) throws -> Bool {
        guard path != "-", let st = FileStatus.of(path), st.isRegular else { return false }
        return try target.source(device: st.device, inode: st.inode, size: st.size, mtime: st.mtime) != nil
    }

    /// Finds where `file` starts: at the checkpoint of the source its content continues (or from the
    /// start for `--reingest`), else as a new source. May reopen `input` when a failed match read
    /// into it. Runs inside the first part's transaction.
    func locateSource(_ file: inout FileRead, input: inout OpenInput, reingest: Bool) throws {
        var consumed = false
        if !file.isStdin, let known = try resumePoint(for: input, head: file.head, path: file.path, consumed: &consumed) {
            if reingest {
                file.source = known
                try beginReingest(&file, known: known)
                input = try OpenInput(path: file.path)
            } else {
                file.resume(at: known)
            }
            return
        }
        if consumed { input = try OpenInput(path: file.path) }  // a failed match read ahead
        file.source = SourceRecord(path: FileRead.storedPath(file.path), compression: input.compression.rawValue)
        file.source.id = try target.insertSource(file.source)
        if !file.isStdin { try target.setStateBefore(sourceID: file.source.id, try linkerJSON()) }
    }

    /// Finds the source this content continues, if any: same head fingerprint, and the bytes before
    /// its offset unchanged. Consumes `input` up to that offset when it returns a match.
    private func resumePoint(for input: OpenInput, head: [UInt8], path: String, consumed: inout Bool) throws -> SourceRecord? {
        var candidates: [SourceRecord] = []
        for length in try target.headLengths() where length <= head.count && length > 0 {
            candidates += try target.sources(headHash: Fingerprint.of(head.prefix(length)), headLength: length)
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
}
