/// A stream of bytes: a file, standard input, or a decompressor over one of those.
public protocol ByteSource: AnyObject {
    /// Reads up to `capacity` bytes into `buffer`; returns 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int

    /// Skips `count` bytes; returns how many were skipped (fewer at the end of the stream).
    func skip(_ count: Int64) throws -> Int64
}

extension ByteSource {
    /// Skips by reading and discarding (what a decompressor has to do).
    public func skip(_ count: Int64) throws -> Int64 {
        try discard(count)
    }

    func discard(_ count: Int64) throws -> Int64 {
        let scratchSize = 256 * 1024
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchSize, alignment: 1)
        defer { scratch.deallocate() }
        var left = count
        while left > 0 {
            let n = try read(into: scratch, capacity: Int(min(Int64(scratchSize), left)))
            if n == 0 { break }
            left -= Int64(n)
        }
        return count - left
    }

    /// Reads up to `count` bytes (fewer only at the end of the stream).
    func readExactly(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        try out.withUnsafeMutableBytes { buf in
            while got < count {
                let n = try read(into: buf.baseAddress! + got, capacity: count - got)
                if n == 0 { break }
                got += n
            }
        }
        out.removeLast(count - got)
        return out
    }
}
