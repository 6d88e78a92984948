import Foundation

/// A temporary directory for one test, removed (with everything in it) when the value goes away.
public final class TempDir {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        // Some tests take permissions away; give them back so everything can be removed.
        let chmod = Process()
        chmod.executableURL = URL(fileURLWithPath: "/bin/chmod")
        chmod.arguments = ["-R", "u+rwX", url.path]
        chmod.standardError = FileHandle.nullDevice
        if (try? chmod.run()) != nil { chmod.waitUntilExit() }
        try? FileManager.default.removeItem(at: url)
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
