import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory for one test, removed (with everything in it) when the value goes away.
public final class TempDir {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        // Some tests take permissions away; give them back so everything can be removed.
        Self.allowOwner(url.path)
        try? FileManager.default.removeItem(at: url)
    }

    /// `chmod -R u+rwX path`, without starting a process: a directory is opened up before it is read.
    private static func allowOwner(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        let isDirectory = st.st_mode & S_IFMT == S_IFDIR
        guard isDirectory || st.st_mode & S_IFMT == S_IFREG else { return }
        _ = chmod(path, (st.st_mode & 0o7777) | S_IRUSR | S_IWUSR | (isDirectory ? S_IXUSR : 0))
        guard isDirectory, let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names { allowOwner(path + "/" + name) }
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// Appends text to a file.
    public func append(_ name: String, _ text: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path(name)))
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    /// Writes log lines, newline-terminated.
    @discardableResult
    public func write(_ name: String, lines: [String]) throws -> String {
        try write(name, SynthLog.text(lines))
    }
}
