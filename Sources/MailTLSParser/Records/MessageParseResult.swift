/// What an MTA parser made of one syslog message.
public enum MessageParseResult: Sendable, Equatable {
    /// A fact worth storing.
    case event(queueID: String?, LogEvent)
    /// Several facts on one line, in order (an Exim `<=` line is a TLS session, the message and its
    /// AUTH at once); each becomes a record of its own.
    case events(queueID: String?, [LogEvent])
    /// A line of no interest (another program, or an MTA line that carries no TLS/message fact).
    case skipped
    /// A line that looked like one we handle but whose fields could not be read.
    case malformed(reason: String)
}
