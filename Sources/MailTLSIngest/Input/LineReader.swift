#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailTLSParser

/// One line handed out by `LineReader`.
public struct Line {
    /// The bytes without the newline (and without a trailing CR).
    public var bytes: ByteSpan
    /// Byte offset of the line's first byte in the (decompressed) stream.
    public var offset: Int64
    /// Bytes the line occupies in the stream, newline included.
    public var length: Int
    /// 1-based line number.
    public var number: Int64
    /// False for a last line with no newline after it.
    public var terminated: Bool
    /// True when the line was longer than `LineReader.maxLineLength` and was cut.
    public var truncated: Bool
}

/// Splits a `ByteSource` into lines with `memchr`, reusing one buffer: memory stays flat however
/// large the input. Lines longer than `maxLineLength` are cut there (the rest is skipped).
public final class LineReader {
    public static let chunkSize = 1 << 20
    public static let maxLineLength = 4 << 20

    private let source: ByteSource
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    private let startOffset: Int64

    /// - Parameter startOffset: the stream offset of the source's first byte (when resuming).
    public init(source: ByteSource, startOffset: Int64 = 0) {
        self.source = source
        self.startOffset = startOffset
        capacity = 2 * LineReader.chunkSize
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
    }

    /// Calls `body` for every line, in order. Returns the number of bytes read.
    @discardableResult
    public func forEachLine(_ body: (Line) throws -> Void) throws -> Int64 {
        var start = 0          // first byte of the current line in the buffer
        var end = 0            // end of valid data
        var scan = 0           // where to look for the next newline
        var offset = startOffset  // stream offset of buffer[start]
        var number: Int64 = 0
        var skippingLongLine = false
        var eof = false

        while true {
            if let nl = scan < end ? memchr(buffer + scan, 0x0A, end - scan) : nil {
                let i = UnsafeMutableRawPointer(nl).assumingMemoryBound(to: UInt8.self) - buffer
                if skippingLongLine {
                    skippingLongLine = false
                } else {
                    var len = i - start
                    if len > 0 && buffer[start + len - 1] == 0x0D { len -= 1 }
                    number += 1
                    try body(Line(bytes: ByteSpan(base: buffer + start, count: len), offset: offset,
                                  length: i + 1 - start, number: number, terminated: true, truncated: false))
                }
                offset += Int64(i + 1 - start)
                start = i + 1
                scan = start
                continue
            }
            if eof {
                if end > start && !skippingLongLine {
                    number += 1
                    try body(Line(bytes: ByteSpan(base: buffer + start, count: end - start), offset: offset,
                                  length: end - start, number: number, terminated: false, truncated: false))
                }
                return offset + Int64(end - start)
            }
            // Need more data: compact, grow if one line fills the buffer, then read.
            if start > 0 {
                if end > start { memmove(buffer, buffer + start, end - start) }
                end -= start
                start = 0
            }
            scan = end
            if capacity - end < LineReader.chunkSize / 2 {
                if end >= LineReader.maxLineLength {
                    // Hand out the cut line, then skip to its end.
                    if !skippingLongLine {
                        number += 1
                        try body(Line(bytes: ByteSpan(base: buffer, count: end), offset: offset, length: end,
                                      number: number, terminated: true, truncated: true))
                    }
                    skippingLongLine = true
                    offset += Int64(end)
                    end = 0
                    scan = 0
                } else {
                    let newCapacity = capacity * 2
                    let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
                    nb.update(from: buffer, count: end)
                    buffer.deallocate()
                    buffer = nb
                    capacity = newCapacity
                }
            }
            let n = try source.read(into: buffer + end, capacity: min(LineReader.chunkSize, capacity - end))
            if n == 0 { eof = true } else { end += n }
        }
    }
}
