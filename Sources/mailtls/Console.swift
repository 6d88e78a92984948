#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to the terminal's streams.
enum Console {
    static func error(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = write(2, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { break }
                off += n
            }
        }
    }

    /// True when stderr is a terminal (progress output goes there only then).
    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
