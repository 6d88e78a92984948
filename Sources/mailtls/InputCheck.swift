import Foundation
import MailTLSIngest
import MailTLSParser

/// A look at the inputs before an ingest, to warn (naming the input) about what is most likely a
/// mistake: a folder with no files, a file that looks binary (skipped: its bytes would only be
/// counted as unparsed, and would have been echoed as samples), and a file whose start holds no line
/// of any MTA mailtls reads (read anyway: it may still hold some further on). The files of a folder
/// are looked at one by one, so the warning names the file.
///
/// A plain file's first 64 KiB decide whether it is binary; an MTA line is looked for in up to its
/// first `mtaSearchSize` bytes (a syslog file may hold other programs' lines for megabytes before the
/// first mail line); compressed files are left to the ingest, which reports corrupt data itself.
enum InputCheck {
    /// How much of a file's start is read first.
    static let headSize = 64 * 1024
    /// How far into a file an MTA line is looked for before the warning (read in `headSize` pieces,
    /// stopping at the first such line).
    static let mtaSearchSize = 16 << 20
    /// How much of that decides whether it is binary.
    static let binarySample = 4096

    /// The paths to read and the warnings to print. A folder is read as its files (in rotation order,
    /// `RotationOrder.expand`), each looked at as if it were named on the command line: a binary file
    /// in a log folder is skipped, and one with no mail-server line is named.
    static func check(_ paths: [String]) -> (read: [String], warnings: [String]) {
        var read: [String] = []
        var warnings: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                read.append(path)  // standard input, or a missing file the ingest reports by name
                continue
            }
            guard isDirectory.boolValue else {
                checkFile(path, &read, &warnings)
                continue
            }
            let files = RotationOrder.expand([path])
            if files.isEmpty {
                warnings.append("\(Console.printable(path)): folder has no files to read")
                read.append(path)
            }
            for file in files { checkFile(file, &read, &warnings) }
        }
        return (read, warnings)
    }

    /// Adds the file to `read` unless it looks binary, with a warning when it looks like no mail log.
    private static func checkFile(_ path: String, _ read: inout [String], _ warnings: inout [String]) {
        guard let head = self.head(of: path), Compression.detect(Array(head.prefix(6))) == .none else {
            read.append(path)
            return
        }
        if looksBinary(head) {
            warnings.append("\(Console.printable(path)): looks like a binary file, not a log (NUL or control bytes "
                            + "in its first \(binarySample) bytes); skipped")
            return
        }
        if !head.isEmpty && !hasMTALine(head, complete: head.count < headSize) {
            if let searched = searchFurther(path) {
                warnings.append("\(Console.printable(path)): no \(mtaNames) line in its first "
                                + (searched.complete ? "\(searched.bytes) bytes" : "\(mtaSearchSize >> 20) MiB")
                                + "; is it a mail log?")
            }
        }
        read.append(path)
    }

    /// Reads on past the head, in pieces of `headSize` (each from its first whole line), until an
    /// MTA line or `mtaSearchSize`: nil when a line was found, else how far it read and whether
    /// that was the whole file.
    static func searchFurther(_ path: String) -> (bytes: Int, complete: Bool)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return (0, false) }
        defer { try? handle.close() }
        var offset = 0
        var carry: [UInt8] = []
        while offset < mtaSearchSize {
            guard let data = try? handle.read(upToCount: headSize), !data.isEmpty else { return (offset, true) }
            offset += data.count
            var piece = carry + [UInt8](data)
            let complete = data.count < headSize
            // Keep the cut last line for the next piece.
            if !complete, let nl = piece.lastIndex(of: 0x0A) {
                carry = Array(piece[(nl + 1)...])
                piece.removeSubrange((nl + 1)...)
            } else {
                carry = []
            }
            if hasMTALine(piece, complete: true) { return nil }
            if complete { return (offset, true) }
        }
        return (offset, false)
    }

    /// Up to `headSize` bytes from the start of the file, or nil when it cannot be read.
    static func head(of path: String) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: headSize) else { return nil }
        return [UInt8](data)
    }

    /// True when the sample holds a NUL byte or more than 5 % control bytes other than tab, line
    /// feed, carriage return and form feed: log text has neither.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(binarySample)
        if sample.contains(0) { return true }
        let controls = sample.filter { ($0 < 0x20 && ![0x09, 0x0A, 0x0D, 0x0C].contains($0)) || $0 == 0x7F }.count
        return controls * 20 > sample.count
    }

    /// The MTAs mailtls reads, for the warning: "sendmail, postfix or exim".
    static var mtaNames: String {
        let names = MTARegistry.all.map(\.name)
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// True when a line of `bytes` is one an MTA parser reads as a record; the last line is left out
    /// unless the file ended there (`complete`), as it may be cut.
    static func hasMTALine(_ bytes: [UInt8], complete: Bool) -> Bool {
        var parser = LineParser(resolver: TimestampResolver(year: 2000, timeZone: TimeZone(identifier: "UTC")!))
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
        if !complete && bytes.last != 0x0A && !lines.isEmpty { lines.removeLast() }
        for line in lines {
            let outcome = line.withUnsafeBufferPointer { parser.parse(ByteSpan($0), origin: LineOrigin(source: 0, offset: 0)) }
            switch outcome {
            case .record, .records: return true
            case .malformed, .skipped: continue
            }
        }
        return false
    }
}
