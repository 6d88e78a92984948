#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailTLSParser

/// One line handed out by `LineReader`.
public struct Line {
    /// The bytes without the newline (and without a trailing CR); for a `truncated` line, only its
    /// first `LineReader.maxLineLength` bytes.
    public var bytes: ByteSpan
    /// Byte offset of the line's first byte in the (decompressed) stream.
    public var offset: Int64
    /// Bytes the line occupies in the stream, newline included (the whole line, also when truncated).
    public var length: Int
    /// 1-based line number.
    public var number: Int64
    /// False for a last line with no newline after it.
    public var terminated: Bool
    /// True when the line was longer than `LineReader.maxLineLength`: `bytes` holds only its start,
    /// and the rest was read past without being kept.
    public var truncated: Bool
    /// Stream bytes right before the line that are still in memory (at `bytes.base - behind`): up to
    /// the reader's `keepBehind`, fewer just after the start or a resume.
    public var behind: Int

    /// The last `count` stream bytes up to the end of this line (newline included), or nil when fewer
    /// are in memory (or the line was cut: its end was not kept): the tail fingerprint of a
    /// checkpoint taken after this line.
    public func tail(_ count: Int) -> [UInt8]? {
        guard !truncated, count <= behind + length else { return nil }
        return Array(UnsafeBufferPointer(start: bytes.base + length - count, count: count))
    }
}

/// Splits a `ByteSource` into lines with `memchr`, in one fixed buffer: memory stays flat however
/// large the input, whatever its shape (megabytes without a newline included).
///
/// A line longer than `maxLineLength` is handed out once, when its end is found, with `truncated`
/// set and only its first `maxLineLength` bytes: the bytes after those are dropped as they are read,
/// so the line is never held whole (docs/parsing-limits.md).
///
/// The buffer holds one contiguous range of the stream. When it is compacted, the last `keepBehind`
/// bytes before the current line stay, so that a checkpoint taken after any line can fingerprint the
/// bytes before it (`Line.tail`) even for compressed input, which cannot be read again.
public final class LineReader {
    public static let chunkSize = 1 << 20
    /// The longest line kept whole. sendmail writes at most about 1 KB per syslog line; 64 KiB leaves
    /// room for any MTA's real lines.
    public static let maxLineLength = 64 << 10

    private let source: ByteSource
    private let buffer: UnsafeMutablePointer<UInt8>
    /// One read's worth after the kept bytes before a line and a line's start of at most
    /// `maxLineLength` bytes: never grown.
    private let capacity: Int

    private let startOffset: Int64
    private let keepBehind: Int

    /// - Parameters:
    ///   - startOffset: the stream offset of the source's first byte (when resuming).
    ///   - keepBehind: stream bytes before the current line to keep in memory (see `Line.behind`).
    public init(source: ByteSource, startOffset: Int64 = 0, keepBehind: Int = Fingerprint.window) {
        self.source = source
        self.startOffset = startOffset
        self.keepBehind = keepBehind
        capacity = LineReader.chunkSize + LineReader.maxLineLength + keepBehind
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
    }

    /// Calls `body` for every line, in order. Returns the number of bytes read.
    @discardableResult
    public func forEachLine(_ body: (Line) throws -> Void) throws -> Int64 {
        let maxLine = LineReader.maxLineLength
        var start = 0          // first byte of the current line in the buffer
        var end = 0            // end of valid data
        var scan = 0           // where to look for the next newline
        var offset = startOffset  // stream offset of buffer[start]
        var number: Int64 = 0
        var dropped = 0        // bytes of the current (over-long) line read past and not kept
        var eof = false

        /// Hands out the line at `start` whose kept bytes end at `lineEnd` and which occupies
        /// `length` bytes of the stream.
        func emit(lineEnd: Int, length: Int, terminated: Bool) throws {
            var len = lineEnd - start
            let truncated = dropped > 0 || len > maxLine
            if truncated {
                len = min(len, maxLine)
            } else if terminated && len > 0 && buffer[start + len - 1] == 0x0D {
                len -= 1
            }
            number += 1
            try body(Line(bytes: ByteSpan(base: buffer + start, count: len), offset: offset, length: length,
                          number: number, terminated: terminated, truncated: truncated, behind: start))
            offset += Int64(length)
            dropped = 0
        }

        while true {
            if let nl = scan < end ? memchr(buffer + scan, 0x0A, end - scan) : nil {
                let i = UnsafeMutableRawPointer(nl).assumingMemoryBound(to: UInt8.self) - buffer
                try emit(lineEnd: i, length: i + 1 - start + dropped, terminated: true)
                start = i + 1
                scan = start
                continue
            }
            if eof {
                if end > start || dropped > 0 {
                    try emit(lineEnd: end, length: end - start + dropped, terminated: false)
                }
                return offset
            }
            // No newline in the buffer: an over-long line keeps only its first `maxLine` bytes.
            if end - start > maxLine {
                dropped += end - (start + maxLine)
                end = start + maxLine
            }
            // Compact, keeping up to `keepBehind` bytes before the line, then read: at most
            // `keepBehind + maxLine` bytes stay, so a whole chunk always fits.
            let drop = start - min(start, keepBehind)
            if drop > 0 {
                if end > drop { memmove(buffer, buffer + drop, end - drop) }
                end -= drop
                start -= drop
            }
            scan = end
            let n = try source.read(into: buffer + end, capacity: min(LineReader.chunkSize, capacity - end))
            if n == 0 { eof = true } else { end += n }
        }
    }
}
