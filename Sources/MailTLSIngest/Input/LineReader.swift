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
    /// Stream bytes right before the line that are still in memory (at `bytes.base - behind`): up to
    /// the reader's `keepBehind`, fewer just after the start or a resume.
    public var behind: Int

    /// The last `count` stream bytes up to the end of this line (newline included), or nil when fewer
    /// are in memory: the tail fingerprint of a checkpoint taken after this line.
    public func tail(_ count: Int) -> [UInt8]? {
        guard count <= behind + length else { return nil }
        return Array(UnsafeBufferPointer(start: bytes.base + length - count, count: count))
    }
}

/// Splits a `ByteSource` into lines with `memchr`, reusing one buffer: memory stays flat however
/// large the input. Lines longer than `maxLineLength` are cut there (the rest is skipped).
///
/// The buffer always holds one contiguous range of the stream. When it is compacted, the last
/// `keepBehind` bytes before the current line stay, so that a checkpoint taken after any line can
/// fingerprint the bytes before it (`Line.tail`) even for compressed input, which cannot be read again.
public final class LineReader {
    public static let chunkSize = 1 << 20
    public static let maxLineLength = 4 << 20

    private let source: ByteSource
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    private let startOffset: Int64
    private let keepBehind: Int

    /// - Parameters:
    ///   - startOffset: the stream offset of the source's first byte (when resuming).
    ///   - keepBehind: stream bytes before the current line to keep in memory (see `Line.behind`).
    public init(source: ByteSource, startOffset: Int64 = 0, keepBehind: Int = Fingerprint.window) {
        self.source = source
        self.startOffset = startOffset
        self.keepBehind = keepBehind
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
                                  length: i + 1 - start, number: number, terminated: true, truncated: false,
                                  behind: start))
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
                                  length: end - start, number: number, terminated: false, truncated: false,
                                  behind: start))
                }
                return offset + Int64(end - start)
            }
            // Need more data: compact (keeping up to `keepBehind` bytes before the line), grow if one
            // line fills the buffer, then read.
            let drop = start - min(start, keepBehind)
            if drop > 0 {
                memmove(buffer, buffer + drop, end - drop)
                end -= drop
                start -= drop
            }
            scan = end
            if capacity - end < LineReader.chunkSize / 2 {
                if end - start >= LineReader.maxLineLength {
                    // Hand out the cut line, then skip to its end.
                    if !skippingLongLine {
                        number += 1
                        try body(Line(bytes: ByteSpan(base: buffer + start, count: end - start), offset: offset,
                                      length: end - start, number: number, terminated: true, truncated: true,
                                      behind: start))
                    }
                    skippingLongLine = true
                    offset += Int64(end - start)
                    end = 0
                    start = 0
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
