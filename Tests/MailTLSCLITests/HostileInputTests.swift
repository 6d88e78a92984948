import Foundation
import MailTLSTestSupport
import Testing

/// No input, however hostile, crashes `mailtls ingest` or takes its peak RSS over 64 MiB
/// (docs/parsing-limits.md): huge relay names, fields over every limit, megabytes without a newline,
/// binary junk, made-up pids, and mutated real lines. Each file is ingested by the built binary on its
/// own; the test checks the exit status, the counts in the summary line, and the child's peak RSS
/// (`MeasuredRun`).
///
/// The bound holds for the debug binary the tests run (measured peaks: see `cases`), so it is
/// checked as it is; the release binary uses a few MiB less.
@Suite(.serialized) struct HostileInputTests {
    static let maxRSSKiB = 64 * 1024

    /// One generated input and what its summary line must say.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        /// Writes the file at the path.
        var write: @Sendable (FileHandle) throws -> Void
        /// Substrings the `mailtls:` summary line must hold.
        var expect: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        // The issue's first case: 200 relay names of 100-900 KB. Each line is over the 64 KiB line
        // limit: read past, counted as unparsed.
        Case(name: "200 relay names of 100-900 KB", write: { out in
            var rng = Mix(seed: 1)
            let a = Data(repeating: UInt8(ascii: "a"), count: 900_000)
            for i in 0..<200 {
                try out.text("Nov  3 09:00:\(two(i % 60)) mx\(i % 3) sm-mta[\(1000 + i)]: STARTTLS=server, relay=")
                try out.write(contentsOf: a.prefix(100_000 + rng.below(800_000)))
                try out.line("\(i).example [198.51.100.\(i % 250)], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256")
            }
        }, expect: ["200 lines", "0 TLS sessions", "200 unparsed"]),
        // Thousands of long relay names within the line limit: cut to 255 bytes and counted, the
        // sessions and messages kept and linked.
        Case(name: "3,000 relay names of 1-30 KB", write: { out in
            var rng = Mix(seed: 2)
            let b = Data(repeating: UInt8(ascii: "b"), count: 30_000)
            for i in 0..<1500 {
                let name = b.prefix(1_000 + rng.below(29_000)), ip = "\(i).example [198.51.100.\(i % 250)]"
                let pid = 1000 + i, head = "Nov  3 09:00:\(two(i % 60)) mx\(i % 3) sm-mta[\(pid)]: "
                try out.text(head + "STARTTLS=server, relay=")
                try out.write(contentsOf: name)
                try out.line(ip + ", version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256")
                try out.text(head + "6A39060K0\(pid): from=<x\(i)@example.net>, size=4382, class=0, nrcpts=1, msgid=<\(i)@example.net>, proto=ESMTPS, daemon=MTA, relay=")
                try out.write(contentsOf: name)
                try out.line(ip)
            }
        }, expect: ["3000 lines", "1500 TLS sessions", "1500 messages", "0 unparsed", "6000 fields cut"]),
        // Every field of every line over its limit, each from a new pid: the largest records, and
        // an open key for each line.
        // Their mailer (x…x) is not a network mailer: they are counted as local deliveries, not stored as rows.
        Case(name: "8,000 to= lines with every field over its limit", write: { out in
            let x130 = String(repeating: "x", count: 130), x600 = String(repeating: "x", count: 600)
            let x1100 = String(repeating: "x", count: 1100), x2100 = String(repeating: "x", count: 2100)
            let middle = ">, delay=\(x130), xdelay=\(x130), mailer=\(x130), pri=1, relay=\(x600).example [192.0.2.1], dsn=\(x130), tls_verify=\(x130), tls_version=\(x130), cipher=\(x130), stat=Sent \(x1100)\n"
            var chunk = Data()
            for i in 0..<8_000 {
                let pid = 100_000 + i
                chunk.append(contentsOf: "Nov  3 09:\(two(i / 600 % 60)):\(two(i % 60)) mx sm-mta[\(pid)]: 6A39060K0\(pid): to=<\(x2100)@x.example".utf8)
                chunk.append(contentsOf: middle.utf8)
                if chunk.count > 1 << 20 { try out.write(contentsOf: chunk); chunk.removeAll(keepingCapacity: true) }
            }
            try out.write(contentsOf: chunk)
        }, expect: ["8000 lines", "(+8000 local, counted)", "0 unparsed", "88000 fields cut"]),
        // Made-up pids with the longest relays the limits allow: what the linker keeps open.
        Case(name: "25,000 sessions on made-up pids with long relays", write: { out in
            let u = String(repeating: "u", count: 600), f = String(repeating: "f", count: 200)
            let n = String(repeating: "P", count: 400)
            for i in 0..<25_000 {
                try out.line("Nov  3 09:\(two(i / 1000 % 60)):\(two(i % 60)) mx sm-mta[\(100_000 + i)]: STARTTLS=server, relay=IDENT:\(u)@\(n)\(i).example [IPv6:\(f)], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256")
            }
        }, expect: ["25000 lines", "25000 TLS sessions", "0 unparsed", "100000 fields cut"]),
        // Postfix: 30,000 smtpd pids within the idle gap, each holding its messages and AUTH (long
        // user names) for a `disconnect` that never comes: what the Postfix linker keeps open. With a
        // 4 MiB bound on that state, the ingest peaked at 68.6 MiB.
        Case(name: "Postfix: 30,000 open connections holding long AUTH ids", write: { out in
            var rng = Mix(seed: 5)
            let u = String(repeating: "u", count: 300)
            var chunk = Data()
            for i in 0..<200_000 {
                let pid = rng.below(30_000)
                chunk.append(contentsOf: "Mar  4 15:\(two(i / 60_000 % 60)):\(two(i / 1_000 % 60)) mx postfix/submission/smtpd[\(pid)]: \(String(format: "%010X", i)): client=h\(pid).example.net[198.51.\(pid % 250).\(pid % 200)], sasl_method=PLAIN, sasl_username=\(u)\(i)\n".utf8)
                if chunk.count > 1 << 20 { try out.write(contentsOf: chunk); chunk.removeAll(keepingCapacity: true) }
            }
            try out.write(contentsOf: chunk)
        }, expect: ["200000 lines", "0 unparsed"]),
        // 20 MiB without a newline, then a real line, then 20 MiB more at the end of the file.
        Case(name: "megabytes without a newline", write: { out in
            let mb = String(repeating: "y", count: 1 << 20)
            try out.text("Nov  3 09:00:00 mx sm-mta[1]: STARTTLS=server, relay=")
            for _ in 0..<20 { try out.text(mb) }
            try out.line("")
            try out.line("Nov  3 09:00:01 mx sm-mta[2]: STARTTLS=server, relay=a.example [192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256")
            for _ in 0..<20 { try out.text(mb) }
            try out.line("")
        }, expect: ["3 lines", "1 TLS session,", "2 unparsed"]),
        // Random bytes (NUL, control bytes, invalid UTF-8), then 4 MiB of NUL bytes, after 8 KiB of real
        // lines (a file that starts binary is skipped by the CLI with a warning, before the parser sees it).
        Case(name: "binary junk", write: { out in
            var rng = Mix(seed: 3)
            var head = 0
            for l in try sampleLines() where head < 8192 {
                try out.write(contentsOf: l + [0x0A])
                head += l.count + 1
            }
            var words = [UInt64](repeating: 0, count: 1 << 19)   // 4 MiB
            for i in words.indices { words[i] = rng.next() }
            try words.withUnsafeBytes { try out.write(contentsOf: $0) }
            try out.write(contentsOf: [UInt8](repeating: 0, count: 4 << 20))
            try out.write(contentsOf: [0x0A])
        }, expect: ["unparsed"]),
        // The Samples' lines, mutated: bytes flipped, cut out or repeated (now and then 1-200 KB of
        // one byte), lines glued together.
        Case(name: "mutated real lines", write: { out in
            var rng = Mix(seed: 4)
            let lines = try sampleLines()
            for _ in 0..<20_000 {
                var l = lines[rng.below(lines.count)]
                switch rng.below(6) {
                case 0:
                    let p = rng.below(l.count)
                    let n = rng.below(50) == 0 ? 1_000 + rng.below(199_000) : 1 + rng.below(50)
                    l.insert(contentsOf: [UInt8](repeating: l[p], count: n), at: p)
                case 1:
                    for _ in 0...rng.below(5) {
                        let b = UInt8(truncatingIfNeeded: rng.next())
                        l[rng.below(l.count)] = b == 0x0A ? 0 : b   // one line stays one line
                    }
                case 2:
                    let p = rng.below(l.count)
                    l.removeSubrange(p..<min(l.count, p + 1 + rng.below(20)))
                case 3:
                    l += lines[rng.below(lines.count)]
                default:
                    break
                }
                try out.write(contentsOf: l + [0x0A])
            }
        }, expect: ["20000 lines", "unparsed", "fields cut"]),
    ]

    @Test("hostile input: exit 0, counted in the summary, peak RSS within 64 MiB", arguments: cases)
    func hostile(_ c: Case) async throws {
        let started = Date()
        let dir = try Scratch()
        let log = try Self.write(c, in: dir)
        let generated = Date()
        let run = try await Self.ingest(log, c, into: dir.path("t.db"), in: dir)
        // The unparsed samples on stderr carry no control characters (terminal escape sequences).
        let controls = run.stderr.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F }
        #expect(controls.isEmpty, "\(c): control characters on stderr: \(controls.prefix(5).map(\.value))")
        print("hostile input '\(c)': peak RSS \(run.maxRSSKiB / 1024) MiB, ingest \(String(format: "%.1f", run.seconds)) s, file \(String(format: "%.1f", generated.timeIntervalSince(started))) s")
    }

    /// The same inputs into a PostgreSQL store: its writer's buffers keep within the same bound.
    @Test("hostile input into PostgreSQL: exit 0, peak RSS within 64 MiB", .enabled(if: PostgresTestServer.enabled),
          arguments: cases)
    func hostileIntoPostgreSQL(_ c: Case) async throws {
        let dir = try Scratch()
        let log = try Self.write(c, in: dir)
        let db = try PostgresTestServer.database()
        let run = try await Self.ingest(log, c, into: db.url.text, in: dir)
        print("hostile input '\(c)' into PostgreSQL: peak RSS \(run.maxRSSKiB / 1024) MiB, ingest \(String(format: "%.1f", run.seconds)) s")
    }

    /// Writes the case's input to `hostile.log` in `dir`.
    static func write(_ c: Case, in dir: Scratch) throws -> String {
        let log = dir.path("hostile.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try c.write(out)
        try out.close()
        return log
    }

    /// Ingests `log` into `db` and checks what every case must give: exit 0, the case's words in the
    /// summary, peak RSS within the bound.
    static func ingest(_ log: String, _ c: Case, into db: String, in dir: Scratch) async throws -> MeasuredRun {
        let run = try await MeasuredRun.run(ingestArgs(db, [log]), in: dir)
        #expect(run.exitStatus == 0 && !run.signaled, "\(c): \(run)")
        let summary = run.stderr.split(separator: "\n").first { $0.hasPrefix("mailtls: 1 file") } ?? ""
        for e in c.expect { #expect(summary.contains(e), "\(c): summary lacks '\(e)': \(run)") }
        #expect(run.maxRSSKiB <= maxRSSKiB, "\(c): peak RSS \(run.maxRSSKiB) KiB")
        return run
    }

    /// The lines of `Samples/*.log`, as bytes.
    static func sampleLines() throws -> [[UInt8]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples")
        var lines: [[UInt8]] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() where name.hasSuffix(".log") {
            let data = try Data(contentsOf: root.appendingPathComponent(name))
            lines += data.split(separator: 0x0A).map { Array($0) }
        }
        #expect(lines.count > 100)
        return lines
    }
}

private func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

/// A deterministic generator of the mutations (xorshift64*): the same file every run.
private struct Mix {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

private extension FileHandle {
    func text(_ s: String) throws { try write(contentsOf: Data(s.utf8)) }
    func line(_ s: String) throws { try text(s + "\n") }
}

/// A `mailtls` run and its peak RSS.
///
/// The test process cannot take the figure from its own `wait4`: Linux carries a process's peak RSS
/// across `execve`, and a child spawned from the test process (`vfork`, or `fork`, which copies the
/// page tables) starts with the test process's own RSS as its peak. GNU `time` forks the child from
/// its own small image, so its `%M` is the child's own peak; without it, `VmHWM` in
/// `/proc/<pid>/status` is polled every 2 ms (a lower bound: growth in the last moment is missed).
struct MeasuredRun: CustomStringConvertible {
    var exitStatus: Int32
    var signaled: Bool
    var maxRSSKiB: Int
    var stderr: String
    var seconds: Double

    var description: String {
        "\(signaled ? "signal" : "exit") \(exitStatus), peak RSS \(maxRSSKiB) KiB, \(String(format: "%.1f", seconds)) s; stderr: \(stderr.prefix(1500))"
    }

    static let time = "/usr/bin/time"

    /// Runs `mailtls args` with stdin from /dev/null and its output in files in `dir`.
    static func run(_ args: [String], in dir: Scratch) async throws -> MeasuredRun {
        let binary = try MailTLSBinary.path()
        let errPath = dir.path(".stderr"), rssPath = dir.path(".maxrss")
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let viaTime = FileManager.default.isExecutableFile(atPath: time)
        var env = ProcessInfo.processInfo.environment
        env["MAILTLS_DB"] = nil
        env["MAILTLS_FAULT_AFTER_ROWS"] = nil
        let started = Date()
        let p = viaTime
            ? try ChildProcess(time, ["-f", "%M", "-o", rssPath, binary] + args, environment: env, stderr: .file(errPath))
            : try ChildProcess(binary, args, environment: env, stderr: .file(errPath))
        var polled = 0
        while p.isRunning {
            if !viaTime { polled = max(polled, vmHWM(p.processIdentifier) ?? 0) }
            await threadSleep(seconds: 0.005)   // VmHWM is the peak so far: any look before the end sees it
        }
        let end = await p.wait()
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        var rss = polled
        if viaTime {
            let text = (try? String(contentsOfFile: rssPath, encoding: .utf8)) ?? ""
            // The last line is the figure (time writes a "Command exited with non-zero status" line first).
            rss = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? Int.max
        }
        return MeasuredRun(exitStatus: end.status, signaled: end.signaled,
                           maxRSSKiB: rss, stderr: err, seconds: Date().timeIntervalSince(started))
    }

    /// `VmHWM` of a running process, in KiB.
    static func vmHWM(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }
}
