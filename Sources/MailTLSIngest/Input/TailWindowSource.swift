/// Remembers the last `Fingerprint.window` bytes that passed through, for the tail fingerprint of
/// a compressed file (whose content is consumed to the end).
public final class TailWindowSource: ByteSource {
    private let upstream: ByteSource
    private var window: [UInt8] = []
    private let size = Fingerprint.window

    public init(_ upstream: ByteSource) {
        self.upstream = upstream
    }

    /// The last bytes read (up to the window size).
    public var tail: [UInt8] { window }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        let n = try upstream.read(into: buffer, capacity: capacity)
        if n > 0 {
            let p = buffer.assumingMemoryBound(to: UInt8.self)
            if n >= size {
                window = Array(UnsafeBufferPointer(start: p + (n - size), count: size))
            } else {
                window += UnsafeBufferPointer(start: p, count: n)
                if window.count > size { window.removeFirst(window.count - size) }
            }
        }
        return n
    }
}
