import CBzip2

/// Decompresses bzip2 data (also concatenated streams, as pbzip2 writes) with libbz2.
public final class Bzip2Source: ByteSource {
    private let upstream: ByteSource
    private let path: String
    private var stream = bz_stream()
    private let input: UnsafeMutablePointer<CChar>
    private let inputCapacity = 256 * 1024
    private var upstreamDone = false
    private var finished = false

    public init(upstream: ByteSource, path: String) throws {
        self.upstream = upstream
        self.path = path
        input = .allocate(capacity: inputCapacity)
        guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else {
            input.deallocate()
            throw IngestError.corrupt(path: path, format: "bzip2", detail: "cannot initialise libbz2")
        }
    }

    deinit {
        BZ2_bzDecompressEnd(&stream)
        input.deallocate()
    }

    private func refill() throws {
        if stream.avail_in == 0 && !upstreamDone {
            let n = try upstream.read(into: input, capacity: inputCapacity)
            if n == 0 { upstreamDone = true }
            stream.next_in = input
            stream.avail_in = UInt32(n)
        }
    }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        if finished { return 0 }
        stream.next_out = buffer.assumingMemoryBound(to: CChar.self)
        stream.avail_out = UInt32(capacity)
        while stream.avail_out == UInt32(capacity) {
            try refill()
            if stream.avail_in == 0 && upstreamDone {
                throw IngestError.corrupt(path: path, format: "bzip2", detail: "unexpected end of file (truncated?)")
            }
            let rc = BZ2_bzDecompress(&stream)
            if rc == BZ_OK { continue }
            if rc == BZ_STREAM_END {
                try refill()
                if stream.avail_in >= 3 && stream.next_in[0] == 0x42 && stream.next_in[1] == 0x5A && stream.next_in[2] == 0x68 {
                    let pending = (stream.next_in, stream.avail_in)
                    let produced = capacity - Int(stream.avail_out)
                    BZ2_bzDecompressEnd(&stream)
                    stream = bz_stream()
                    guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else {
                        throw IngestError.corrupt(path: path, format: "bzip2", detail: "cannot restart libbz2")
                    }
                    stream.next_in = pending.0
                    stream.avail_in = pending.1
                    if produced > 0 { return produced }
                    stream.next_out = buffer.assumingMemoryBound(to: CChar.self)
                    stream.avail_out = UInt32(capacity)
                    continue
                }
                finished = true
                return capacity - Int(stream.avail_out)
            }
            throw IngestError.corrupt(path: path, format: "bzip2", detail: "libbz2 error \(rc)")
        }
        return capacity - Int(stream.avail_out)
    }
}
