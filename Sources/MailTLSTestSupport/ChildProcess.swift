import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// glibc's (2.34+) `posix_spawn_file_actions_addclosefrom_np`, which its Swift module does not show:
/// the child closes every descriptor from `from` on before it starts.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// A command the tests run: started with `posix_spawn` and reaped by a thread of its own, which
/// waits for exactly its pid.
///
/// Foundation's `Process` learns that a child has ended through a run loop on a manager thread of its
/// own. In a full test run, with hundreds of children and the machine under load, that notice once
/// never came: `isRunning` stayed true after the children were gone, and four tests waited forever.
/// Here `waitpid` on the child's own pid cannot miss its end. Standard input is `/dev/null`; output
/// goes to files (a pipe nobody reads while the child runs would stop it when full); the child
/// inherits no other descriptor.
public final class ChildProcess: @unchecked Sendable {
    /// Where the child's standard output or error goes.
    public enum Output: Sendable {
        /// Thrown away (`/dev/null`).
        case discard
        /// Into this file, created or emptied first.
        case file(String)
        /// Standard error only: wherever standard output goes.
        case standardOutput
    }

    /// How a child ended.
    public struct Termination: Sendable {
        /// The exit status, or the signal's number when `signaled`.
        public let status: Int32
        /// True when a signal ended the child.
        public let signaled: Bool
    }

    public enum SpawnError: Error, CustomStringConvertible {
        case spawnFailed(executable: String, errno: Int32)

        public var description: String {
            switch self {
            case .spawnFailed(let executable, let code):
                return "cannot start \(executable): \(String(cString: strerror(code)))"
            }
        }
    }

    public let processIdentifier: pid_t
    private let lock = NSLock()
    private var ended: Termination?   // guarded by lock
    private var waiters: [CheckedContinuation<Termination, Never>] = []   // guarded by lock
    private let endedSignal = DispatchSemaphore(value: 0)

    /// Starts `executable` with `arguments`, in `environment` (this process's when nil).
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                stdout: Output = .discard, stderr: Output = .discard) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        Self.redirect(&actions, 1, stdout)
        Self.redirect(&actions, 2, stderr)
        _ = addCloseFrom(&actions, 3)

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, &argv, &envp)
        guard rc == 0 else { throw SpawnError.spawnFailed(executable: executable, errno: rc) }
        processIdentifier = pid
        let reaper = Thread { [self] in reap() }
        reaper.stackSize = 64 * 1024
        reaper.start()
    }

    private static func redirect(_ actions: inout posix_spawn_file_actions_t, _ fd: Int32, _ output: Output) {
        switch output {
        case .discard: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .standardOutput: posix_spawn_file_actions_adddup2(&actions, 1, fd)
        }
    }

    /// Runs on the reaper thread: waits for the child, then wakes everyone waiting for it.
    private func reap() {
        var status: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(processIdentifier, &status, 0) } while r == -1 && errno == EINTR
        let signal = status & 0x7f
        let termination = r == processIdentifier && signal != 0
            ? Termination(status: signal, signaled: true)
            : Termination(status: (status >> 8) & 0xff, signaled: false)
        lock.lock()
        ended = termination
        let waiting = waiters
        waiters = []
        lock.unlock()
        for w in waiting { w.resume(returning: termination) }
        endedSignal.signal()
    }

    /// True until the child has ended and been reaped.
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return ended == nil
    }

    /// Waits for the child to end without holding a thread (tests run in parallel on a small pool).
    public func wait() async -> Termination {
        await withCheckedContinuation { c in
            lock.lock()
            if let ended {
                lock.unlock()
                c.resume(returning: ended)
            } else {
                waiters.append(c)
                lock.unlock()
            }
        }
    }

    /// Waits for the child to end, blocking this thread.
    public func waitBlocking() -> Termination {
        endedSignal.wait()
        endedSignal.signal()   // for the next caller
        lock.lock()
        defer { lock.unlock() }
        return ended!
    }

    /// Sends `signal` to the child (while it runs).
    public func kill(_ signal: Int32) {
        if isRunning { _ = Glibc.kill(processIdentifier, signal) }
    }

    /// Runs `/bin/sh -c command` to its end, blocking this thread; returns its status and its standard
    /// output and error, interleaved.
    public static func shell(_ command: String) throws -> (status: Int32, output: String) {
        let (child, out) = try startShell(command)
        defer { unlink(out) }
        return (child.waitBlocking().status, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
    }

    /// `shell(_:)` without holding a thread while the command runs.
    public static func shellAsync(_ command: String) async throws -> (status: Int32, output: String) {
        let (child, out) = try startShell(command)
        defer { unlink(out) }
        return (await child.wait().status, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
    }

    /// Starts `/bin/sh -c command` with its output and errors into a new temporary file, returned.
    private static func startShell(_ command: String) throws -> (ChildProcess, String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("mailtls-sh-\(UUID().uuidString)").path
        return (try ChildProcess("/bin/sh", ["-c", command], stdout: .file(out), stderr: .standardOutput), out)
    }
}
