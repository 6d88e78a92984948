/// Parses Postfix lines (log-formats.md §3). Not written yet: claims Postfix's tags and skips them.
public struct PostfixParser: MTAParser {
    public static let mta = MTA.postfix
    public private(set) var truncatedFields = 0

    public init() {}

    /// `postfix/smtpd`, `postfix/submission/smtpd`, `postfix-out/smtp`, …
    public static func claims(tag: ByteSpan) -> Bool { tag.hasPrefix("postfix") }

    public static func makeLinker(sessionGap: Int64) -> PostfixLinker { PostfixLinker(sessionGap: sessionGap) }

    public mutating func parse(_ envelope: SyslogEnvelope) -> MessageParseResult { .skipped }
}
