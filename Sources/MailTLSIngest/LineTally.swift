/// What the lines of one file counted, kept per part: a part's tally joins the run's summary only
/// once the part is committed (a failed file reports what it kept, not what was rolled back).
struct LineTally {
    var lines: Int64 = 0
    var skipped: Int64 = 0
    var malformed: Int64 = 0
    /// Field values cut to their limit (docs/parsing-limits.md).
    var truncatedFields: Int64 = 0
    /// Content bytes consumed.
    var bytes: Int64 = 0
    var samples: [MalformedSample] = []

    static func += (a: inout LineTally, b: LineTally) {
        a.lines += b.lines
        a.skipped += b.skipped
        a.malformed += b.malformed
        a.truncatedFields += b.truncatedFields
        a.bytes += b.bytes
        a.samples += b.samples
    }
}
