#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writing to standard output, for reports and streamed exports.
final class ReportOutput {
    private var buffer: [UInt8] = []
    private let limit = 1 << 16

    init() { buffer.reserveCapacity(limit + 4096) }

    /// True when standard output is a terminal.
    static var isTerminal: Bool { isatty(1) != 0 }

    /// The columns report tables fit into: the terminal's width, or 100 when standard output is
    /// not a terminal (a cron mail, a pipe) or the terminal does not say.
    static var columns: Int {
        guard isTerminal else { return 100 }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 else { return 100 }
        return Int(size.ws_col)
    }

    func put(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { flush() }
    }

    func flush() {
        var off = 0
        buffer.withUnsafeBytes { raw in
            while off < raw.count {
                let n = write(1, raw.baseAddress! + off, raw.count - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                off += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
