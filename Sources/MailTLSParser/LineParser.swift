/// The outcome of parsing one log line.
public enum LineOutcome: Sendable, Equatable {
    case record(LogRecord)
    /// The records of a line that carries several facts (`MessageParseResult.events`), in order.
    case records([LogRecord])
    /// Another program's line, or an MTA line of no interest.
    case skipped
    /// A line that could not be read: no syslog envelope, or a recognised line with broken fields.
    case malformed(reason: String)
}

/// Parses whole log lines: envelope, timestamp, then the parser of the MTA that wrote the line.
///
/// The MTA parsers are those of `MTARegistry`, asked in its order: first whether the line is in the
/// MTA's own log format (Exim's main log), else the syslog envelope is read and the first parser that
/// claims its tag reads the message. One per input stream; it keeps the timestamp resolver, each MTA
/// parser's caches, and a cache of recent host names, so the hot path creates no String for the
/// envelope.
public struct LineParser: Sendable {
    public var resolver: TimestampResolver
    private var parsers: [any MTAParser] = MTARegistry.parsers.map { $0.init() }
    /// `MTARegistry.parsers`, held here: reading the global on every line cost a `swift_once` and a
    /// retain of the array.
    private let types: [any MTAParser.Type] = MTARegistry.parsers
    /// The host names seen recently, by their bytes: a merged log switches between a few hosts all the
    /// time, and each line would otherwise make a new String (the linker then compares them by identity).
    private var hosts = ByteCache<String>()

    /// Field values cut to their `FieldLimits` so far, in all lines this parser read (syslog hosts,
    /// and each MTA parser's cuts of the lines it read): the record was kept with the cut value
    /// (docs/parsing-limits.md). Kept as a sum, as the read loop asks after every line.
    public private(set) var truncatedFields = 0
    /// The host of lines that name none: Exim writes its main log itself, without syslog's host
    /// field. Lowercased, at most `FieldLimits.hostName` bytes; empty by default.
    public let hostOfHostlessLines: String

    public init(resolver: TimestampResolver, hostOfHostlessLines: String = "") {
        self.resolver = resolver
        var cut = 0
        self.hostOfHostlessLines = ByteSpan.with(hostOfHostlessLines) {
            FieldLimits.cut($0, FieldLimits.hostName, &cut).lowercasedString
        }
    }

    public mutating func parse(_ line: ByteSpan, origin: LineOrigin) -> LineOutcome {
        var envelope: SyslogEnvelope?
        var index = -1
        for i in types.indices {
            if let e = types[i].envelope(line) {
                envelope = e
                index = i
                break
            }
        }
        if envelope == nil { envelope = EnvelopeParser.parse(line) }
        guard let env = envelope else {
            return line.trimmed.isEmpty ? .skipped : .malformed(reason: "no syslog header (tag[pid]:) found")
        }
        if index < 0 {
            guard let i = types.firstIndex(where: { $0.claims(tag: env.tag) }) else { return .skipped }
            index = i
        }
        let (result, cut) = parsers[index].parseCountingCuts(env)
        truncatedFields += cut
        switch consume result {
        case .skipped:
            return .skipped
        case .malformed(let reason):
            return .malformed(reason: reason)
        case .event(let qid, let event):
            let time = resolver.resolve(env.timestamp) ?? resolver.referenceUTC
            return .record(LogRecord(time: time, host: host(env.host), pid: env.pid, queueID: qid, origin: origin,
                                     event: event, mta: types[index].mta))
        case .events(let qid, let events):
            let time = resolver.resolve(env.timestamp) ?? resolver.referenceUTC
            let h = host(env.host), mta = types[index].mta
            return .records(events.map {
                LogRecord(time: time, host: h, pid: env.pid, queueID: qid, origin: origin, event: $0, mta: mta)
            })
        }
    }

    private mutating func host(_ span: ByteSpan) -> String {
        if span.count == 0 { return hostOfHostlessLines }
        return hosts.value(for: FieldLimits.cut(span, FieldLimits.hostName, &truncatedFields)) { $0.lowercasedString }
    }
}
