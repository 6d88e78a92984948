import CZlib

/// Inflates gzip data, including multi-member files (`cat a.gz b.gz`), with zlib.
typealias GzipSource = DecompressingSource<GzipCodec>

/// zlib's inflate for `DecompressingSource`.
final class GzipCodec: DecompressionCodec {
    static let format = "gzip"
    static let nextStreamMagic: [UInt8]? = [0x1F, 0x8B]
    private var stream = z_stream()

    init() throws(DecompressionFailure) {
        // 15 + 32: any window size, gzip or zlib header detected automatically.
        guard czlib_inflateInit2(&stream, 15 + 32) == Z_OK else { throw DecompressionFailure(detail: "cannot initialise zlib") }
    }

    deinit {
        inflateEnd(&stream)
    }

    func step(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, inputEnded: Bool)
        throws(DecompressionFailure) -> (consumed: Int, produced: Int, streamEnded: Bool) {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(output.count)
        let rc = inflate(&stream, Z_NO_FLUSH)
        let consumed = input.count - Int(stream.avail_in), produced = output.count - Int(stream.avail_out)
        switch rc {
        case Z_OK, Z_BUF_ERROR: return (consumed, produced, false)
        case Z_STREAM_END: return (consumed, produced, true)
        default: throw DecompressionFailure(detail: stream.msg.map { String(cString: $0) } ?? "error \(rc)")
        }
    }

    func restart() throws(DecompressionFailure) {
        guard inflateReset(&stream) == Z_OK else { throw DecompressionFailure(detail: "cannot restart zlib") }
    }
}
