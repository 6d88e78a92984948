/// Lets a reader look at the first bytes of a stream (magic bytes, the head fingerprint) and still
/// read them afterwards.
public final class LookaheadSource: ByteSource {
    private let upstream: ByteSource
    private var buffered: [UInt8] = []
    private var position = 0

    public init(_ upstream: ByteSource) {
        self.upstream = upstream
    }

    /// Up to the first `n` bytes of the stream, without consuming them. Call before any read.
    public func peek(_ n: Int) throws -> [UInt8] {
        if buffered.count < n {
            buffered += try upstream.readExactly(n - buffered.count)
        }
        return Array(buffered.prefix(n))
    }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        if position < buffered.count {
            let n = min(capacity, buffered.count - position)
            buffered.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
            position += n
            if position == buffered.count {
                buffered = []
                position = 0
            }
            return n
        }
        return try upstream.read(into: buffer, capacity: capacity)
    }

    public func skip(_ count: Int64) throws -> Int64 {
        var left = count
        if position < buffered.count {
            let n = min(Int64(buffered.count - position), left)
            position += Int(n)
            left -= n
            if position == buffered.count {
                buffered = []
                position = 0
            }
        }
        if left > 0 { left -= try upstream.skip(left) }
        return count - left
    }
}
