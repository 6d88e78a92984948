import Foundation
import MailTLSTestSupport
import MailTLSStore
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `mailtls` executable this test target depends on: built into the same directory as the test
/// bundle (`.build/<triple>/debug/`).
enum MailTLSBinary {
    static var candidates: [URL] {
        var dirs: [URL] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        dirs.append(argv0.deletingLastPathComponent())
        dirs.append(Bundle.main.bundleURL)
        dirs.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for b in Bundle.allBundles { dirs.append(b.bundleURL.deletingLastPathComponent()) }
        // Last resort: the package's default build directory.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        dirs.append(root.appendingPathComponent(".build/debug"))
        return dirs.map { $0.appendingPathComponent("mailtls") }
    }

    /// The binary's path; fails the test with a clear message when it is not there.
    static func path(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        let url = try #require(found, """
            the mailtls executable was not found next to the test bundle (looked at \
            \(candidates.map(\.path))); build it with `swift build` before `swift test`
            """, sourceLocation: sourceLocation)
        return url.path
    }
}

/// What a finished `mailtls` run did.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    /// True when the process died of a signal (`status` is then the signal number).
    var signaled: Bool
    var stdout: String
    var stderr: String
    var seconds: Double

    var description: String {
        "\(signaled ? "signal" : "exit") \(status) after \(String(format: "%.2f", seconds))s; stderr: \(stderr.prefix(800)); stdout: \(stdout.prefix(400))"
    }

    var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: true) }
}

/// A started `mailtls` process; `wait()` collects its result.
final class RunningCLI {
    let process: ChildProcess
    private let out: String, err: String
    private let started = Date()

    init(_ args: [String], env: [String: String] = [:], scratch: URL) throws {
        let id = UUID().uuidString
        out = scratch.appendingPathComponent(".out-\(id)").path
        err = scratch.appendingPathComponent(".err-\(id)").path
        var environment = ProcessInfo.processInfo.environment
        environment["MAILTLS_DB"] = nil
        environment["MAILTLS_FAULT_AFTER_ROWS"] = nil
        for (k, v) in env { environment[k] = v }
        process = try ChildProcess(try MailTLSBinary.path(), args, environment: environment, stdout: .file(out), stderr: .file(err))
    }

    /// Waits for the process to end without blocking a test thread (tests run in parallel on a
    /// small pool; a blocked thread would serialise them).
    func wait() async -> CLIResult {
        let end = await process.wait()
        let o = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let e = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        unlink(out)
        unlink(err)
        return CLIResult(status: end.status, signaled: end.signaled, stdout: o, stderr: e,
                         seconds: Date().timeIntervalSince(started))
    }
}

/// A temporary directory for one test (`TempDir`), which also runs `mailtls` there.
typealias Scratch = TempDir

extension TempDir {
    /// Runs `mailtls` to completion.
    @discardableResult
    func run(_ args: [String], env: [String: String] = [:]) async throws -> CLIResult {
        await (try RunningCLI(args, env: env, scratch: url)).wait()
    }

    /// Starts `mailtls` without waiting.
    func start(_ args: [String], env: [String: String] = [:]) throws -> RunningCLI {
        try RunningCLI(args, env: env, scratch: url)
    }
}

/// `mailtls ingest --db DB --year 2026 --timezone UTC [extra] FILES`.
func ingestArgs(_ db: String, _ files: [String], _ extra: [String] = []) -> [String] {
    ["ingest", "--db", db, "--year", "2026", "--timezone", "UTC"] + extra + files
}

/// Runs a shell command; returns its exit status and output.
@discardableResult
func sh(_ command: String) throws -> (status: Int32, output: String) {
    try ChildProcess.shell(command)
}

/// `sh(_:)` without blocking a test thread while the command runs (see `RunningCLI.wait()`).
func shAsync(_ command: String) async throws -> (status: Int32, output: String) {
    try await ChildProcess.shellAsync(command)
}

/// Runs a shell command that must succeed.
func shOK(_ command: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let r = try sh(command)
    #expect(r.status == 0, "command failed: \(command): \(r.output)", sourceLocation: sourceLocation)
}

func toolExists(_ tool: String) -> Bool {
    ["/usr/bin/", "/bin/", "/usr/local/bin/", "/usr/sbin/", "/sbin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + tool) }
}

/// Expects the store at `db` to hold exactly `want` (see `StoreDump`).
func expectStore(_ db: String, equals want: [String], _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(!want.isEmpty, "empty reference dump", sourceLocation: sourceLocation)
    let got = try StoreDump.of(db)
    let same = got == want
    #expect(same, "\(what): store differs from a clean run: \(StoreDump.diff(got, want))", sourceLocation: sourceLocation)
}

/// `flock(2)` on `<db>.lock`, as another `mailtls ingest` holds it; released on `release()` / deinit.
final class HeldStoreLock {
    private var fd: Int32
    init(db: String) throws {
        fd = open(db + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            throw CocoaError(.fileLocking)
        }
    }
    func release() {
        if fd >= 0 {
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }
    deinit { release() }
}

