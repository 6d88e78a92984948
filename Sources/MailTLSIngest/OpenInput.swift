/// An input opened for reading: the file, its compression, and its content stream.
///
/// Compressed content is inflated on a read-ahead thread; from then on only that thread reads the
/// file, and `position` reports its progress through the file. (Plain content gets its read-ahead
/// in `Ingester.readLines`, after seeking to where the last run stopped: reading ahead would turn
/// that seek into reading.)
struct OpenInput {
    var file: FileSource
    var compression: Compression
    var content: LookaheadSource
    /// The last bytes of compressed content read (its tail fingerprint at the end of the stream).
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

    /// The content to split into lines, read ahead on a thread of its own, and the file position
    /// (for progress) as of the bytes handed out. Called once any resume point has been skipped to:
    /// plain content starts its read-ahead only here, since reading ahead would turn a seek into reading.
    func lineContent() -> (content: ByteSource, position: () -> Int64) {
        if readAhead != nil { return (content, { [self] in position }) }
        let f = file
        let ahead = ReadAheadSource(content, position: { f.bytesRead })
        return (ahead, { ahead.upstreamPosition })
    }
}
