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
    /// colours or retitle the window when a log holds binary junk) are shown as `\xNN`.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0 and C1 control characters and DEL.
    private static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value)
    }

    /// True when stderr is a terminal (progress output goes there only then).
    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
