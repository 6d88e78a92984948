import MailTLSIngest
import MailTLSParser
import Testing

/// `LineReader`: lines split at any read size; an over-long line is handed out once, cut, with its
/// whole length, and never held whole (docs/parsing-limits.md).
@Suite struct LineReaderTests {
    /// Serves bytes in reads of at most `step` bytes (a pipe or a decompressor hands out odd sizes).
    final class Chunks: ByteSource {
        let bytes: [UInt8]
        let step: Int
        var position = 0
        init(_ bytes: [UInt8], step: Int) {
            self.bytes = bytes
            self.step = step
        }
        func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
            let n = min(capacity, step, bytes.count - position)
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
            position += n
            return n
        }
    }

    struct Seen: Equatable {
        var text: String
        var offset: Int64
        var length: Int
        var terminated: Bool
        var truncated: Bool
    }

    static func lines(_ bytes: [UInt8], step: Int) throws -> (lines: [Seen], end: Int64) {
        var seen: [Seen] = []
        let end = try LineReader(source: Chunks(bytes, step: step)).forEachLine { l in
            #expect(l.number == Int64(seen.count + 1))
            seen.append(Seen(text: l.bytes.string, offset: l.offset, length: l.length, terminated: l.terminated,
                             truncated: l.truncated))
        }
        return (seen, end)
    }

    @Test("over-long lines: one cut line each, whole lengths, offsets continue", arguments: [7, 4096, 1 << 20])
    func overlong(step: Int) throws {
        let max = LineReader.maxLineLength
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 3 << 20)   // 3 MiB, many reads
        let justOver = [UInt8](repeating: UInt8(ascii: "b"), count: max + 1)
        let exact = [UInt8](repeating: UInt8(ascii: "c"), count: max)
        var bytes = Array("first\r\n".utf8) + long + [0x0A] + justOver + [0x0A] + exact + [0x0A]
        bytes += Array("last\n".utf8) + long   // an over-long last line without a newline
        let (lines, end) = try Self.lines(bytes, step: step)
        let cutA = String(repeating: "a", count: max), cutB = String(repeating: "b", count: max)
        let want = [
            Seen(text: "first", offset: 0, length: 7, terminated: true, truncated: false),
            Seen(text: cutA, offset: 7, length: long.count + 1, terminated: true, truncated: true),
            Seen(text: cutB, offset: Int64(7 + long.count + 1), length: max + 2, terminated: true, truncated: true),
            Seen(text: String(repeating: "c", count: max), offset: Int64(7 + long.count + 1 + max + 2),
                 length: max + 1, terminated: true, truncated: false),
            Seen(text: "last", offset: Int64(7 + long.count + 1 + max + 2 + max + 1), length: 5, terminated: true,
                 truncated: false),
            Seen(text: cutA, offset: Int64(bytes.count - long.count), length: long.count, terminated: false,
                 truncated: true),
        ]
        #expect(lines.count == want.count)
        for (got, w) in zip(lines, want) { #expect(got == w, "line at \(w.offset)") }
        #expect(end == Int64(bytes.count))
    }

    @Test("binary junk without newlines: split where newlines are, nothing lost", arguments: [13, 65_537])
    func junk(step: Int) throws {
        var rng = SystemRandomNumberGenerator()
        var bytes = (0..<(300_000)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes += [UInt8](repeating: 0, count: 200_000)
        let (lines, end) = try Self.lines(bytes, step: step)
        let newlines = bytes.filter { $0 == 0x0A }.count
        #expect(lines.count == newlines + 1)
        #expect(lines.reduce(0) { $0 + $1.length } == bytes.count)
        #expect(end == Int64(bytes.count))
        #expect(lines.allSatisfy { $0.truncated == ($0.length - ($0.terminated ? 1 : 0) > LineReader.maxLineLength) })
        #expect(lines.last?.truncated == true)
    }
}
