/// Parses Exim lines (log-formats.md §4). Not written yet: claims Exim's tags and skips them.
public struct EximParser: MTAParser {
    public static let mta = MTA.exim
    public private(set) var truncatedFields = 0

    public init() {}

    /// `exim`, `exim4`
    public static func claims(tag: ByteSpan) -> Bool { tag.hasPrefix("exim") }

    public static func makeLinker(sessionGap: Int64) -> EximLinker { EximLinker(sessionGap: sessionGap) }

    public mutating func parse(_ envelope: SyslogEnvelope) -> MessageParseResult { .skipped }
}
