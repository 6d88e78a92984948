import CBzip2

/// Decompresses bzip2 data (also concatenated streams, as pbzip2 writes) with libbz2.
typealias Bzip2Source = DecompressingSource<Bzip2Codec>

/// libbz2's decompressor for `DecompressingSource`.
final class Bzip2Codec: DecompressionCodec {
    static let format = "bzip2"
    static let nextStreamMagic: [UInt8]? = Array("BZh".utf8)
    private var stream = bz_stream()

    init() throws(DecompressionFailure) {
        guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else { throw DecompressionFailure(detail: "cannot initialise libbz2") }
    }

    deinit {
        BZ2_bzDecompressEnd(&stream)
    }

    func step(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, inputEnded: Bool)
        throws(DecompressionFailure) -> (consumed: Int, produced: Int, streamEnded: Bool) {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: CChar.self))
        stream.avail_in = UInt32(input.count)
        stream.next_out = output.baseAddress!.assumingMemoryBound(to: CChar.self)
        stream.avail_out = UInt32(output.count)
        let rc = BZ2_bzDecompress(&stream)
        let consumed = input.count - Int(stream.avail_in), produced = output.count - Int(stream.avail_out)
        switch rc {
        case BZ_OK: return (consumed, produced, false)
        case BZ_STREAM_END: return (consumed, produced, true)
        default: throw DecompressionFailure(detail: "libbz2 error \(rc)")
        }
    }

    /// libbz2 has no reset: end the stream and start a new one.
    func restart() throws(DecompressionFailure) {
        BZ2_bzDecompressEnd(&stream)
        stream = bz_stream()
        guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else { throw DecompressionFailure(detail: "cannot restart libbz2") }
    }
}
