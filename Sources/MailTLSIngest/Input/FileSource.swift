#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file (or standard input) read with read(2).
public final class FileSource: ByteSource {
    public let path: String
    let fd: Int32
    private let ownsDescriptor: Bool
    /// Bytes of the file consumed so far (compressed bytes for a compressed file): drives progress.
    public private(set) var bytesRead: Int64 = 0
    /// The file's status when opened (nil for standard input).
    public let status: FileStatus?

    /// Opens `path`; `-` is standard input.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
            status = nil
            return
        }
        let d = open(path, O_RDONLY | O_CLOEXEC)
        guard d >= 0 else { throw IngestError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var st = stat()
        guard fstat(d, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            close(d)
            throw IngestError.cannotOpen(path: path, reason: reason)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(d)
            throw IngestError.cannotOpen(path: path, reason: "is a directory")
        }
        fd = d
        ownsDescriptor = true
        status = FileStatus(st)
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, buffer, capacity)
            #else
            let n = Darwin.read(fd, buffer, capacity)
            #endif
            if n >= 0 {
                bytesRead += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw IngestError.readFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Seeks forward on regular files; reads and discards on pipes.
    public func skip(_ count: Int64) throws -> Int64 {
        guard let status, status.isRegular else { return try discard(count) }
        let here = lseek(fd, 0, SEEK_CUR)
        let target = min(here + off_t(count), off_t(status.size))
        guard here >= 0, lseek(fd, target, SEEK_SET) == target else { return try discard(count) }
        bytesRead += Int64(target - here)
        return Int64(target - here)
    }

    /// Reads `count` bytes at `offset` without moving the read position (fewer at the end).
    public func bytes(at offset: Int64, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        guard n >= 0 else { throw IngestError.readFailed(path: path, reason: String(cString: strerror(errno))) }
        out.removeLast(count - n)
        return out
    }
}

/// What `stat(2)` says about an input file.
public struct FileStatus: Sendable, Equatable {
    public var device: Int64
    public var inode: Int64
    public var size: Int64
    public var mtime: Int64
    public var isRegular: Bool

    init(_ st: stat) {
        device = Int64(bitPattern: UInt64(st.st_dev))
        inode = Int64(bitPattern: UInt64(st.st_ino))
        size = Int64(st.st_size)
        #if canImport(Darwin)
        mtime = Int64(st.st_mtimespec.tv_sec)
        #else
        mtime = Int64(st.st_mtim.tv_sec)
        #endif
        isRegular = (st.st_mode & S_IFMT) == S_IFREG
    }

    /// The status of `path` without opening it (nil when it cannot be stat'ed).
    public static func of(_ path: String) -> FileStatus? {
        var st = stat()
        return stat(path, &st) == 0 ? FileStatus(st) : nil
    }
}
