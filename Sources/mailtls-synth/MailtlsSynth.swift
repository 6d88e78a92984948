#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mailtls-synth`: deterministic generator of realistic sendmail syslog files plus their truth.
@main
struct MailtlsSynth {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        let options: SynthOptions
        do {
            options = try SynthOptions.parse(args)
        } catch {
            if error.message.isEmpty {
                writeAll(1, SynthOptions.usage)
                exit(0)
            }
            writeAll(2, "mailtls-synth: \(error.message)\n\n\(SynthOptions.usage)")
            exit(2)
        }

        var fd: Int32 = 1
        if let path = options.out, path != "-" {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd < 0 { fail("cannot open \(path): \(String(cString: strerror(errno)))") }
        }
        switch options.mta {
        case "postfix": PostfixSynth.run(options: options, fd: fd)
        case "exim": EximSynth.run(options: options, fd: fd)
        default: runSendmail(options: options, fd: fd)
        }
    }

    /// The sendmail log and its truth.
    static func runSendmail(options: SynthOptions, fd: Int32) {
        var gen = LogGenerator(options: options, fd: fd)
        gen.run()
        if gen.sink.failed != 0 { fail("write failed: \(String(cString: strerror(gen.sink.failed)))") }
        if fd != 1 { close(fd) }

        let bytes = gen.sink.total
        let json = gen.truth.json(seed: options.seed, bytes: bytes, pids: gen.pids).serialized()
        let truthPath = options.truth!
        let tfd = open(truthPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if tfd < 0 { fail("cannot open \(truthPath): \(String(cString: strerror(errno)))") }
        writeAll(tfd, json)
        close(tfd)

        let t = gen.truth
        writeAll(2, "mailtls-synth: \(bytes) bytes, \(t.lines) lines, \(t.sessions) STARTTLS sessions "
            + "(\(t.byRole[0]) server, \(t.byRole[1]) client), \(t.days.count) days, seed \(options.seed); truth: \(truthPath)\n")
    }

    static func fail(_ message: String) -> Never {
        writeAll(2, "mailtls-synth: \(message)\n")
        exit(1)
    }

    static func writeAll(_ fd: Int32, _ s: String) {
        var bytes = Array(s.utf8)
        var off = 0
        bytes.withUnsafeMutableBytes { buf in
            while off < buf.count {
                let r = write(fd, buf.baseAddress! + off, buf.count - off)
                if r <= 0 { if r < 0 && errno == EINTR { continue }; return }
                off += r
            }
        }
    }
}
