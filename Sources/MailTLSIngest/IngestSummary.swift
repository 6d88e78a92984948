import MailTLSStore

/// A line that could not be parsed, kept to show the user where and why.
public struct MalformedSample: Sendable, Equatable {
    public var path: String
    public var line: Int64
    public var reason: String
    public var text: String
}

/// What an ingest run did.
public struct IngestSummary: Sendable {
    public var files = 0
    /// Files with nothing new since the last run.
    public var unchangedFiles = 0
    public var failedFiles: [IngestError] = []
    public var bytes: Int64 = 0
    public var lines: Int64 = 0
    public var rows = WriteCounts()
    public var skipped: Int64 = 0
    public var malformed: Int64 = 0
    /// Field values cut to their limit (a host name over 255 bytes, …; docs/parsing-limits.md). The
    /// lines were stored with the cut values.
    public var truncatedFields: Int64 = 0
    public var samples: [MalformedSample] = []
    public var seconds: Double = 0
    /// Transactions committed (each holds one part of a file, with its checkpoint).
    public var parts = 0

    public init() {}

    /// Adds what a file's committed parts counted.
    mutating func add(_ t: LineTally, parts p: Int) {
        lines += t.lines
        skipped += t.skipped
        malformed += t.malformed
        truncatedFields += t.truncatedFields
        bytes += t.bytes
        samples += t.samples
        parts += p
    }

    /// The one-line summary printed on stderr.
    public var line: String {
        var s = "\(files) file\(files == 1 ? "" : "s")"
        var notes: [String] = []
        if unchangedFiles > 0 { notes.append("\(unchangedFiles) unchanged") }
        if !failedFiles.isEmpty { notes.append("\(failedFiles.count) failed") }
        if !notes.isEmpty { s += " (" + notes.joined(separator: ", ") + ")" }
        // Local mail (command-line submissions, non-network deliveries) is counted, not stored as rows.
        let local = { (n: Int) in n > 0 ? " (+\(n) local, counted)" : "" }
        s += ", " + counted(lines, "line", "lines") + ", " + counted(rows.sessions, "TLS session", "TLS sessions")
            + ", " + counted(rows.messages, "message", "messages") + local(rows.localSubmissions)
            + ", " + counted(rows.deliveries, "delivery", "deliveries") + local(rows.localDeliveries)
        s += ", \(rows.auth) auth, " + counted(rows.failures, "TLS failure", "TLS failures")
            + ", \(skipped) skipped, \(malformed) unparsed"
        if truncatedFields > 0 { s += ", \(truncatedFields) field\(truncatedFields == 1 ? "" : "s") cut" }
        s += String(format: " in %.2fs", seconds)
        return s
    }
}
