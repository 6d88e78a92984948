#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailTLSReports

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
                #if canImport(Glibc)
                let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
                #else
                let n = Darwin.write(2, buf.baseAddress! + off, buf.count - off)
                #endif
                if n <= 0 { break }
                off += n
            }
        }
    }

    /// Prints `mailtls: warning: TEXT` on stderr.
    static func warning(_ text: String) {
        error("mailtls: warning: " + text)
    }

    /// `text` safe to print on a terminal: control characters (which could move the cursor, change
    /// colours or retitle the window when a log holds binary junk) are shown as `\xNN`, as the
    /// report tables show them.
    static func printable(_ text: String) -> String {
        TableRenderer.printable(text)
    }

    /// True when stderr is a terminal (progress output goes there only then).
    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
