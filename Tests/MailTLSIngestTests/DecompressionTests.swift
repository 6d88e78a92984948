import Foundation
@testable import MailTLSIngest
import MailTLSTestSupport
import Testing

/// The one decompression loop (`DecompressingSource`) with each library: concatenated streams, input
/// arriving a few bytes at a time, trailing garbage after gzip, and truncation, judged against the
/// plain bytes and, through the whole ingest, against the plain file.
@Suite struct DecompressionTests {
    static let tools = ["gzip", "bzip2", "xz"]

    static func available(_ tool: String) -> Bool {
        ["/usr/bin/", "/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + tool) }
    }

    /// Compressed input handed over 7 bytes at a time (every refill and stream boundary falls
    /// somewhere odd) decompresses to exactly the plain bytes, read into a small buffer.
    @Test(arguments: tools)
    func aTrickleOfInputGivesThePlainBytes(tool: String) throws {
        try #require(Self.available(tool), "\(tool) is needed")
        let dir = try TempDir()
        try dir.write("a", SynthLog.text(SynthLog.lines(0..<300)))
        try dir.write("b", SynthLog.text(SynthLog.lines(300..<600)))
        _ = try shell("cd '\(dir.url.path)' && cat a b > plain && \(tool) -c a > both && \(tool) -c b >> both")
        let plain = [UInt8](try Data(contentsOf: dir.url.appendingPathComponent("plain")))
        let packed = [UInt8](try Data(contentsOf: dir.url.appendingPathComponent("both")))
        let upstream = Trickle(packed, step: 7)
        let source: ByteSource
        switch tool {
        case "gzip": source = try GzipSource(upstream: upstream, path: "both")
        case "bzip2": source = try Bzip2Source(upstream: upstream, path: "both")
        default: source = try XzSource(upstream: upstream, path: "both")
        }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1000)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, capacity: $0.count) }
            if n == 0 { break }
            out += buffer[..<n]
        }
        #expect(out.count == plain.count && out == plain)
    }

    /// About 1.5 MB of log in two parts, compressed separately and concatenated, reads like the plain file.
    @Test(arguments: tools)
    func concatenatedStreamsLargerThanTheBufferEqualPlain(tool: String) throws {
        try #require(Self.available(tool), "\(tool) is needed")
        let dir = try TempDir()
        try dir.write("a", SynthLog.text(SynthLog.lines(0..<2000)))
        try dir.write("b", SynthLog.text(SynthLog.lines(2000..<4000)))
        try dir.write("plain", SynthLog.text(SynthLog.lines(0..<4000)))
        _ = try shell("cd '\(dir.url.path)' && \(tool) -c a > both && \(tool) -c b >> both")
        let plain = try ingest([dir.path("plain")], db: dir.path("plain.db"))
        let packed = try ingest([dir.path("both")], db: dir.path("packed.db"))
        #expect(packed.failedFiles.isEmpty, "\(packed.failedFiles)")
        #expect(packed.lines == plain.lines && packed.rows == plain.rows)
        #expect(try StoreDump.of(dir.path("packed.db")) == StoreDump.of(dir.path("plain.db")))
    }

    /// Cut short: an error naming the file, no rows.
    @Test(arguments: tools)
    func truncatedDataIsAnError(tool: String) throws {
        try #require(Self.available(tool), "\(tool) is needed")
        let dir = try TempDir()
        try dir.write("plain", SynthLog.text(SynthLog.lines(0..<2000)))
        _ = try shell("cd '\(dir.url.path)' && \(tool) -c plain > full && head -c $(( $(stat -c %s full) / 2 )) full > cut")
        let s = try ingest([dir.path("cut")], db: dir.path("t.db"))
        #expect(s.failedFiles.map(\.description).contains { $0.hasPrefix("\(dir.path("cut")): corrupt \(tool) data") },
                "\(s.failedFiles)")
        #expect(try scalar(dir.path("t.db"), "SELECT count(*) FROM tls_sessions") == 0)
    }

    /// Padding after the last gzip member is ignored, as gzip(1) does.
    @Test func trailingZerosAfterGzipAreIgnored() throws {
        try #require(Self.available("gzip"), "gzip is needed")
        let dir = try TempDir()
        try dir.write("plain", SynthLog.text(SynthLog.lines(0..<100)))
        _ = try shell("cd '\(dir.url.path)' && gzip -c plain > padded && head -c 512 /dev/zero >> padded")
        let plain = try ingest([dir.path("plain")], db: dir.path("plain.db"))
        let padded = try ingest([dir.path("padded")], db: dir.path("padded.db"))
        #expect(padded.failedFiles.isEmpty && padded.rows == plain.rows, "\(padded.failedFiles)")
    }
}

/// A `ByteSource` over bytes in memory that hands out at most `step` bytes per read.
final class Trickle: ByteSource {
    private let bytes: [UInt8]
    private let step: Int
    private var offset = 0

    init(_ bytes: [UInt8], step: Int) {
        self.bytes = bytes
        self.step = step
    }

    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        let n = min(step, capacity, bytes.count - offset)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}
