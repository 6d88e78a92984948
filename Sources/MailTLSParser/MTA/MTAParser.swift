/// What one MTA contributes to mailtls: it reads that MTA's log lines into `LogEvent`s and links them
/// (`MTALinker`). Each MTA is a folder (`Sendmail/`, `Postfix/`, `Exim/`) with one conformer, listed
/// once in `MTARegistry.parsers`; nothing else in mailtls names an MTA.
///
/// `LineParser` splits each line into its envelope (syslog's, or the MTA's own log format through
/// `envelope(_:)`), gives it to the first registered parser that `claims` the tag, and makes a
/// `LogRecord` of the result, which `SessionLinker` passes to the same MTA's linker.
public protocol MTAParser: Sendable {
    /// The linker of this MTA's records: its rules for which TLS session carried which message.
    associatedtype Linker: MTALinker

    /// The MTA this parser reads.
    static var mta: MTA { get }

    init()

    /// True when a syslog line with this program tag (`postfix/smtpd`, `exim`, `sm-mta`) is this MTA's.
    /// Parsers are asked in `MTARegistry` order; the last one may claim every tag (sendmail, whose tag
    /// is whatever its `-L` label says, is recognised by the content of its lines).
    static func claims(tag: ByteSpan) -> Bool

    /// The envelope of a line in the MTA's own log file format (Exim's main log, which is not syslog),
    /// or nil when the line is not one (then it is read as syslog). Asked before the syslog envelope,
    /// so it must reject other lines after a look at their first bytes.
    static func envelope(_ line: ByteSpan) -> SyslogEnvelope?

    /// Reads the message of one line whose tag this parser claimed.
    mutating func parse(_ envelope: SyslogEnvelope) -> MessageParseResult

    /// Field values cut to their `FieldLimits` so far (docs/parsing-limits.md).
    var truncatedFields: Int { get }

    /// A linker with an empty state for this MTA's records.
    static func makeLinker(sessionGap: Int64) -> Linker
}

extension MTAParser {
    public static func envelope(_ line: ByteSpan) -> SyslogEnvelope? { nil }

    /// `parse`, and the fields it cut on the way. Called on an existential, the parser is opened once:
    /// reading `truncatedFields` through the existential before and after copied it out of its box each
    /// time (callgrind).
    mutating func parseCountingCuts(_ envelope: SyslogEnvelope) -> (MessageParseResult, Int) {
        let before = truncatedFields
        let result = parse(envelope)
        return (result, truncatedFields - before)
    }
}
