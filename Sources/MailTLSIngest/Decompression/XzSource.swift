import CLzma

/// Decompresses xz data (concatenated streams too) with liblzma.
public final class XzSource: ByteSource {
    private let upstream: ByteSource
    private let path: String
    private var stream = clzma_stream_init()
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 256 * 1024
    private var upstreamDone = false
    private var finished = false

    public init(upstream: ByteSource, path: String) throws {
        self.upstream = upstream
        self.path = path
        input = .allocate(capacity: inputCapacity)
        guard lzma_stream_decoder(&stream, UInt64.max, 0x08 /* LZMA_CONCATENATED */) == LZMA_OK else {
            input.deallocate()
            throw IngestError.corrupt(path: path, format: "xz", detail: "cannot initialise liblzma")
        }
    }

    deinit {
        lzma_end(&stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        if finished { return 0 }
        stream.next_out = buffer.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = capacity
        while stream.avail_out == capacity {
            if stream.avail_in == 0 && !upstreamDone {
                let n = try upstream.read(into: input, capacity: inputCapacity)
                if n == 0 { upstreamDone = true }
                stream.next_in = UnsafePointer(input)
                stream.avail_in = n
            }
            let rc = lzma_code(&stream, upstreamDone ? LZMA_FINISH : LZMA_RUN)
            if rc == LZMA_OK { continue }
            if rc == LZMA_STREAM_END {
                finished = true
                return capacity - stream.avail_out
            }
            if rc == LZMA_BUF_ERROR && upstreamDone {
                throw IngestError.corrupt(path: path, format: "xz", detail: "unexpected end of file (truncated?)")
            }
            throw IngestError.corrupt(path: path, format: "xz", detail: "liblzma error \(rc.rawValue)")
        }
        return capacity - stream.avail_out
    }
}
