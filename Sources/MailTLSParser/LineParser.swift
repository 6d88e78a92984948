/// The outcome of parsing one log line.
public enum LineOutcome: Sendable, Equatable {
    case record(LogRecord)
    /// Another program's line, or an MTA line of no interest.
    case skipped
    /// A line that could not be read: no syslog envelope, or a recognised line with broken fields.
    case malformed(reason: String)
}

/// Parses whole syslog lines: envelope, timestamp, then the MTA parser chosen by the tag.
///
/// One per input stream; it keeps the timestamp resolver and a cache of recent host names, so the
/// hot path creates no String for the envelope.
public struct LineParser: Sendable {
    public var resolver: TimestampResolver
    private var sendmail = SendmailParser()
    /// The host names seen recently, by their bytes: a merged log switches between a few hosts all the
    /// time, and each line would otherwise make a new String (the linker then compares them by identity).
    private var hosts = ByteCache<String>()

    /// Syslog hosts cut to `FieldLimits.hostName` so far.
    private var truncatedHosts = 0

    /// Field values cut to their `FieldLimits` so far, in all lines this parser read: the record was
    /// kept with the cut value (docs/parsing-limits.md).
    public var truncatedFields: Int { sendmail.truncatedFields + truncatedHosts }

    public init(resolver: TimestampResolver) {
        self.resolver = resolver
    }

    public mutating func parse(_ line: ByteSpan, origin: LineOrigin) -> LineOutcome {
        guard let env = EnvelopeParser.parse(line) else {
            return line.trimmed.isEmpty ? .skipped : .malformed(reason: "no syslog header (tag[pid]:) found")
        }
        // Other MTAs get their own parsers (a later issue); until then their lines are skipped.
        if env.tag.hasPrefix("postfix") || env.tag.hasPrefix("exim") { return .skipped }
        let result = sendmail.parse(message: env.message)
        switch consume result {
        case .skipped:
            return .skipped
        case .malformed(let reason):
            return .malformed(reason: reason)
        case .event(let qid, let event):
            let time = resolver.resolve(env.timestamp) ?? resolver.referenceUTC
            return .record(LogRecord(time: time, host: host(env.host), pid: env.pid, queueID: qid, origin: origin,
                                     event: event))
        }
    }

    private mutating func host(_ span: ByteSpan) -> String {
        hosts.value(for: FieldLimits.cut(span, FieldLimits.hostName, &truncatedHosts)) { $0.lowercasedString }
    }
}
