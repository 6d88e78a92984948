import CLzma

/// Decompresses xz data (concatenated streams too) with liblzma.
typealias XzSource = DecompressingSource<XzCodec>

/// liblzma's stream decoder for `DecompressingSource`; it reads concatenated streams by itself.
final class XzCodec: DecompressionCodec {
    static let format = "xz"
    static let nextStreamMagic: [UInt8]? = nil
    private var stream = clzma_stream_init()

    init() throws(DecompressionFailure) {
        guard lzma_stream_decoder(&stream, UInt64.max, 0x08 /* LZMA_CONCATENATED */) == LZMA_OK else {
            throw DecompressionFailure(detail: "cannot initialise liblzma")
        }
    }

    deinit {
        lzma_end(&stream)
    }

    func step(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, inputEnded: Bool)
        throws(DecompressionFailure) -> (consumed: Int, produced: Int, streamEnded: Bool) {
        stream.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_in = input.count
        stream.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = output.count
        let rc = lzma_code(&stream, inputEnded ? LZMA_FINISH : LZMA_RUN)
        let consumed = input.count - stream.avail_in, produced = output.count - stream.avail_out
        switch rc {
        case LZMA_OK, LZMA_BUF_ERROR: return (consumed, produced, false)  // BUF_ERROR: no progress possible
        case LZMA_STREAM_END: return (consumed, produced, true)
        default: throw DecompressionFailure(detail: "liblzma error \(rc.rawValue)")
        }
    }

    func restart() throws(DecompressionFailure) {}
}
