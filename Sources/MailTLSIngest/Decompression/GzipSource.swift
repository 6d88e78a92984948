import CZlib

/// Inflates gzip data, including multi-member files (`cat a.gz b.gz`), with zlib.
public final class GzipSource: ByteSource {
    private let upstream: ByteSource
    private let path: String
    private var stream = z_stream()
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 256 * 1024
    private var upstreamDone = false
    private var finished = false

    public init(upstream: ByteSource, path: String) throws {
        self.upstream = upstream
        self.path = path
        input = .allocate(capacity: inputCapacity)
        // 15 + 32: any window size, gzip or zlib header detected automatically.
        guard czlib_inflateInit2(&stream, 15 + 32) == Z_OK else {
            input.deallocate()
            throw IngestError.corrupt(path: path, format: "gzip", detail: "cannot initialise zlib")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    private func refill() throws {
        if stream.avail_in == 0 && !upstreamDone {
            let n = try upstream.read(into: input, capacity: inputCapacity)
            if n == 0 { upstreamDone = true }
            stream.next_in = input
            stream.avail_in = uInt(n)
        }
    }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        if finished { return 0 }
        stream.next_out = buffer.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(capacity)
        while stream.avail_out == uInt(capacity) {
            try refill()
            if stream.avail_in == 0 && upstreamDone {
                throw IngestError.corrupt(path: path, format: "gzip", detail: "unexpected end of file (truncated?)")
            }
            let rc = inflate(&stream, Z_NO_FLUSH)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                // Another member may follow.
                try refill()
                if stream.avail_in >= 2 && stream.next_in[0] == 0x1F && stream.next_in[1] == 0x8B {
                    inflateReset(&stream)
                } else {
                    finished = true   // end, or trailing padding/garbage as gzip(1) ignores
                    return capacity - Int(stream.avail_out)
                }
            default:
                let msg = stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw IngestError.corrupt(path: path, format: "gzip", detail: msg)
            }
        }
        return capacity - Int(stream.avail_out)
    }
}
