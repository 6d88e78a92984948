#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to the terminal's streams.
enum Console {
    static func error(_ text: String) {
        write(text + "\n")
    }

    /// Writes `text` to stderr as is.
    static func write(_ text: String) {
        var line = text
        line.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { break }
                off += n
            }
        }
    }

    /// True when stderr is a terminal (progress output goes there only then).
    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
