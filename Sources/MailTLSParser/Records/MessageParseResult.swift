/// What an MTA parser made of one syslog message.
public enum MessageParseResult: Sendable, Equatable {
    /// A fact worth storing.
    case event(queueID: String?, LogEvent)
    /// A line of no interest (another program, or an MTA line that carries no TLS/message fact).
    case skipped
    /// A line that looked like one we handle but whose fields could not be read.
    case malformed(reason: String)
}

/// Parses the message part of a syslog line written by one MTA.
///
/// The sendmail parser is one conformer; a Postfix or Exim parser is another file behind the same
/// `LogEvent` types, chosen by `LineParser` from the syslog tag.
public protocol MessageParser: Sendable {
    mutating func parse(message: ByteSpan) -> MessageParseResult
}
