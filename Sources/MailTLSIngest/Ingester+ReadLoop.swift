import Foundation
import MailTLSParser
import MailTLSStore

/// Step 3 of reading a file: the read loop. Lines from the file's start point are parsed, linked and
/// queued for the writer thread; whenever a part is big enough it is committed (step 4) right after
/// the line that completed it.
extension Ingester {
    /// Reads `file` from `file.start` to the end of its content.
    ///
    /// A plain file's unterminated last line may still be being written: it is left for the next
    /// run. Compressed files and standard input are final, so their last line is read.
    func readLines(_ file: inout FileRead, input: OpenInput, samplesBefore: Int, progress: ((Int64) -> Void)?) throws {
        var parser = LineParser(resolver: timestampResolver(for: input), hostOfHostlessLines: options.hostOfHostlessLines)
        let keepPartialLine = input.compression != .none || file.isStdin
        let sourceID = file.source.id
        let (lineSource, inputPosition) = input.lineContent()
        let reader = LineReader(source: lineSource, startOffset: file.start)
        var lines: Int64 = 0
        try reader.forEachLine { line in
            if !line.terminated && !keepPartialLine { return }
            file.consumedEnd = line.offset + Int64(line.length)
            file.pending.lines += 1
            lines += 1
            let cutBefore = parser.truncatedFields
            let outcome: LineOutcome = line.truncated
                ? .malformed(reason: "line longer than \(LineReader.maxLineLength) bytes")
                : parser.parse(line.bytes, origin: LineOrigin(source: sourceID, offset: line.offset))
            file.pending.truncatedFields += Int64(parser.truncatedFields - cutBefore)
            switch consume outcome {
            case .record(let r):
                linker.link(consume r) { pipeline.append($0) }
            case .records(let rs):
                for r in rs { linker.link(r) { pipeline.append($0) } }
            case .skipped:
                file.pending.skipped += 1
            case .malformed(let reason):
                file.pending.malformed += 1
                if samplesBefore + file.committed.samples.count + file.pending.samples.count < options.malformedSamples {
                    file.pending.samples.append(MalformedSample(path: file.path, line: line.number, reason: reason,
                                                                text: line.bytes.displayString(maxBytes: 200)))
                }
            }
            // A part ends after a whole line (not a cut one, whose rest is still to be skipped) whose
            // tail fingerprint is at hand (always, but for the first 4 KiB after a resume point).
            if !line.truncated, file.partIsDue(rowsQueued: pipeline.queued, options: options) {
                let tail = file.isStdin ? nil : line.tail(file.tailLength)
                if file.isStdin || tail != nil {
                    try commitPart(&file, compression: input.compression, status: input.file.status, tail: tail)
                }
            }
            if let progress, lines & 0x3FFF == 0 { progress(inputPosition()) }
        }
    }

    /// The year of BSD timestamps: `--year`, else the file's modification time (now for stdin).
    private func timestampResolver(for input: OpenInput) -> TimestampResolver {
        if let year = options.year {
            return TimestampResolver(year: year, timeZone: options.timeZone)
        } else if let st = input.file.status {
            return TimestampResolver(referenceTime: st.mtime, timeZone: options.timeZone)
        }
        return TimestampResolver(referenceTime: Int64(Date().timeIntervalSince1970), timeZone: options.timeZone)
    }
}
