#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor read with read(2), with a small look-ahead for magic-byte detection.
public final class FileSource: ByteSource {
    public let path: String
    let fd: Int32
    private let ownsDescriptor: Bool
    private var lookahead: [UInt8] = []
    /// Bytes handed out so far (compressed bytes for a compressed file).
    public private(set) var bytesRead: Int64 = 0

    /// Opens `path`; `-` is standard input.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
            return
        }
        let d = open(path, O_RDONLY | O_CLOEXEC)
        guard d >= 0 else { throw IngestError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var st = stat()
        if fstat(d, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            close(d)
            throw IngestError.cannotOpen(path: path, reason: "is a directory")
        }
        fd = d
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// The file's status (size, mtime, device, inode).
    public func status() -> stat? {
        var st = stat()
        return fstat(fd, &st) == 0 ? st : nil
    }

    /// The first `n` bytes, without consuming them.
    public func peek(_ n: Int) throws -> [UInt8] {
        while lookahead.count < n {
            var chunk = [UInt8](repeating: 0, count: n - lookahead.count)
            let got = try chunk.withUnsafeMutableBytes { try rawRead($0.baseAddress!, $0.count) }
            if got == 0 { break }
            lookahead.append(contentsOf: chunk[0..<got])
        }
        return Array(lookahead.prefix(n))
    }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        if !lookahead.isEmpty {
            let n = min(capacity, lookahead.count)
            lookahead.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: n) }
            lookahead.removeFirst(n)
            bytesRead += Int64(n)
            return n
        }
        let n = try rawRead(buffer, capacity)
        bytesRead += Int64(n)
        return n
    }

    private func rawRead(_ buffer: UnsafeMutableRawPointer, _ capacity: Int) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer, capacity)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IngestError.readFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
