import Foundation
import MailTLSTestSupport
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
        // Output goes to files: a pipe that nobody reads while the process runs would stop it when full.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path, err = dir.appendingPathComponent("err").path
        let p = try ChildProcess(executable, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                 stdout: .file(out), stderr: .file(err))
        let end = await p.wait()
        return Output(status: end.status, stdout: try String(contentsOfFile: out, encoding: .utf8),
                      stderr: try String(contentsOfFile: err, encoding: .utf8))
    }

    /// Runs `mailtls-synth arguments…`; fails the test when it fails.
    static func synth(_ arguments: [String]) async throws {
        let r = try await run("mailtls-synth", arguments)
        try #require(r.status == 0, "mailtls-synth \(arguments.joined(separator: " ")) exited \(r.status): \(r.stderr)")
    }
}
