import Foundation
import Testing

/// An executable of this package (`mailtls`, `mailtls-synth`), built next to the test bundle, run as a
/// user would run it.
enum BuiltBinary {
    static func path(_ name: String) -> String? {
        var dirs = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
        for b in Bundle.allBundles { dirs.append(b.bundleURL.deletingLastPathComponent()) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        dirs.append(root.appendingPathComponent(".build/debug"))
        return dirs.map { $0.appendingPathComponent(name).path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// What a run printed and how it ended.
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `name arguments…` with `environment` added to this process's; fails the test when the
    /// executable was not built. Waits without blocking a test thread, as `RunningCLI` does (tests run
    /// in parallel on a small pool).
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        let executable = try #require(path(name), "\(name) not built next to the tests (swift build first)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Output goes to files: a pipe that nobody reads while the process runs would stop it when full.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        while p.isRunning { try? await Task.sleep(nanoseconds: 5_000_000) }
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// Runs `mailtls-synth arguments…`; fails the test when it fails.
    static func synth(_ arguments: [String]) async throws {
        let r = try await run("mailtls-synth", arguments)
        try #require(r.status == 0, "mailtls-synth \(arguments.joined(separator: " ")) exited \(r.status): \(r.stderr)")
    }
}
