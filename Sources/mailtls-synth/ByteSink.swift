#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered byte writer on a file descriptor: lines are built directly into a ~1 MiB buffer
/// that is handed to write(2) when full. Memory stays constant however much is written.
struct ByteSink {
    static let capacity = 1 << 20
    /// Slack after `capacity`: one line never exceeds a few KiB, and we flush after each line.
    static let slack = 64 << 10

    private let base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var flushed = 0
    private let fd: Int32
    private(set) var failed: Int32 = 0

    init(fd: Int32) {
        self.fd = fd
        base = .allocate(capacity: ByteSink.capacity + ByteSink.slack)
    }

    /// Bytes written so far, including the unflushed buffer.
    var total: Int { flushed + count }

    @inline(__always)
    mutating func put(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        (base + count).update(from: s.utf8Start, count: n)
        count &+= n
    }

    @inline(__always)
    mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
        (base + count).update(from: p, count: n)
        count &+= n
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        base[count] = b
        count &+= 1
    }

    /// Decimal, no padding (v >= 0).
    @inline(__always)
    mutating func int(_ v: Int) {
        if v < 10 {
            base[count] = UInt8(truncatingIfNeeded: 48 &+ v)
            count &+= 1
            return
        }
        var digits = 0
        var t = v
        while t > 0 { digits &+= 1; t /= 10 }
        var i = count &+ digits &- 1
        t = v
        while t > 0 {
            base[i] = UInt8(truncatingIfNeeded: 48 &+ t % 10)
            t /= 10
            i &-= 1
        }
        count &+= digits
    }

    /// Decimal, zero-padded to at least `width` digits.
    @inline(__always)
    mutating func int(_ v: Int, width: Int) {
        var digits = 0
        var t = v
        repeat { digits &+= 1; t /= 10 } while t > 0
        var pad = width &- digits
        while pad > 0 {
            base[count] = 48
            count &+= 1
            pad &-= 1
        }
        int(v)
    }

    /// Two digits, zero padded (0...99).
    @inline(__always)
    mutating func two(_ v: Int) {
        base[count] = UInt8(truncatingIfNeeded: 48 &+ v / 10)
        base[count &+ 1] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
        count &+= 2
    }

    /// Lowercase hex, exactly `n` digits taken from the low bits of `v`.
    @inline(__always)
    mutating func hex(_ v: UInt64, digits n: Int, upper: Bool = false) {
        var i = count &+ n &- 1
        var t = v
        let a: UInt8 = upper ? 55 : 87
        while i >= count {
            let d = UInt8(truncatingIfNeeded: t & 15)
            base[i] = d < 10 ? 48 &+ d : a &+ d
            t >>= 4
            i &-= 1
        }
        count &+= n
    }

    /// Flush when the buffer is full; call after each complete line.
    @inline(__always)
    mutating func lineDone() {
        if count >= ByteSink.capacity { flush() }
    }

    mutating func flush() {
        var off = 0
        while off < count {
            let r = write(fd, base + off, count - off)
            if r < 0 {
                if errno == EINTR { continue }
                failed = errno
                break
            }
            off += r
        }
        flushed += count
        count = 0
    }
}
