import Foundation
import Testing
@testable import MailTLSParser

// Shared helpers for the parser tests: owned copies of envelopes, shortcuts into the result enums,
// and a pipeline that runs raw syslog lines through LineParser + SessionLinker.

let utcZone = TimeZone(identifier: "UTC")!
let berlin = TimeZone(identifier: "Europe/Berlin")!

/// UTC seconds of a civil time (the spec's instants, written out by hand in the tests).
func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
    CivilTime.seconds(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
}

/// A `SyslogEnvelope` with its spans copied into Strings (spans die with the buffer).
struct Envelope: Equatable, CustomStringConvertible {
    var timestamp: SyslogTimestamp
    var host: String
    var tag: String
    var pid: Int32
    var message: String

    var description: String { "\(timestamp) host=\(host) tag=\(tag) pid=\(pid) msg=\(message)" }
}

func envelope(_ line: String) -> Envelope? {
    ByteSpan.with(line) { envelope(span: $0) }
}

func envelope(bytes: [UInt8]) -> Envelope? {
    bytes.withUnsafeBufferPointer { envelope(span: ByteSpan($0)) }
}

private func envelope(span: ByteSpan) -> Envelope? {
    guard let e = EnvelopeParser.parse(span) else { return nil }
    return Envelope(timestamp: e.timestamp, host: e.host.string, tag: e.tag.string, pid: e.pid,
                    message: e.message.string)
}

/// Runs the sendmail message parser on the message part of a line.
func parseMessage(_ message: String) -> MessageParseResult {
    ByteSpan.with(message) { var parser = SendmailParser(); return parser.parse(message: $0) }
}

extension MessageParseResult {
    var parsedEvent: LogEvent? {
        if case .event(_, let e) = self { return e }
        return nil
    }
    var parsedQueueID: String? {
        if case .event(let q, _) = self { return q }
        return nil
    }
    var isSkipped: Bool { self == .skipped }
    var isMalformed: Bool {
        if case .malformed = self { return true }
        return false
    }
}

extension LogEvent {
    var asSession: TLSSession? {
        if case .tlsSession(let s) = self { return s }
        return nil
    }
    var asCertificate: Certificate? {
        if case .certificate(let c) = self { return c }
        return nil
    }
    var asFailure: TLSFailure? {
        if case .failure(let f) = self { return f }
        return nil
    }
    var asAuth: AuthEvent? {
        if case .auth(let a) = self { return a }
        return nil
    }
    var asMessage: InboundMessage? {
        if case .message(let m) = self { return m }
        return nil
    }
    var asDelivery: Delivery? {
        if case .delivery(let d) = self { return d }
        return nil
    }
    var asConnect: Relay? {
        if case .connect(let r) = self { return r }
        return nil
    }
}

extension LineOutcome {
    var record: LogRecord? {
        if case .record(let r) = self { return r }
        return nil
    }
    var isMalformed: Bool {
        if case .malformed = self { return true }
        return false
    }
}

/// Parses one whole line with a fresh LineParser (year 2026, UTC unless given).
func parseLine(_ line: String, resolver: TimestampResolver = TimestampResolver(year: 2026, timeZone: utcZone))
    -> LineOutcome
{
    var p = LineParser(resolver: resolver)
    return ByteSpan.with(line) { p.parse($0, origin: LineOrigin(source: 1, offset: 0)) }
}

/// LineParser + SessionLinker over a list of raw lines; collects what the linker emits.
struct Pipeline {
    var parser: LineParser
    var linker: SessionLinker
    private(set) var records: [LogRecord] = []
    private(set) var outcomes: [LineOutcome] = []

    init(resolver: TimestampResolver = TimestampResolver(year: 2026, timeZone: utcZone),
         sessionGap: Int64 = 30 * 60, firstSessionID: Int64 = 1) {
        parser = LineParser(resolver: resolver)
        linker = SessionLinker(sessionGap: sessionGap, firstSessionID: firstSessionID)
    }

    /// Feeds lines; the line's index (counting earlier feeds) is its origin offset.
    mutating func feed(_ lines: [String]) {
        for line in lines {
            let offset = Int64(outcomes.count)
            let outcome = ByteSpan.with(line) { parser.parse($0, origin: LineOrigin(source: 7, offset: offset)) }
            outcomes.append(outcome)
            var records: [LogRecord] = []
            if case .record(let r) = outcome { records = [r] }
            if case .records(let rs) = outcome { records = rs }
            for r in records {
                var emitted: [LogRecord] = []
                linker.link(r) { emitted.append($0) }
                collect(emitted)
            }
        }
    }

    /// The end of a run that a later run continues: what the linker holds keeps waiting for it, so
    /// there is nothing to collect.
    mutating func flush() {}

    /// A part's commit: the linker's sweep before saving (`SessionLinker.compact`), its state saved
    /// as JSON and read back, as the next run (or the next part after a kill) starts from it.
    mutating func commit() throws {
        var emitted: [LogRecord] = []
        linker.compact { emitted.append($0) }
        collect(emitted)
        linker = try JSONDecoder().decode(SessionLinker.self, from: try JSONEncoder().encode(linker))
    }

    /// The end of all input (`SessionLinker.finish`): what the linker holds is emitted and collected.
    mutating func finish() {
        var emitted: [LogRecord] = []
        linker.finish { emitted.append($0) }
        collect(emitted)
    }

    /// Appends rows; a completion updates its row, as the store's UPDATE does.
    private mutating func collect(_ emitted: [LogRecord]) {
        for r in emitted {
            if case .deliveryCompletion(let c) = r.event,
               let i = records.lastIndex(where: { $0.event.asDelivery != nil && $0.id == c.deliveryID }),
               var d = records[i].event.asDelivery {
                d.recipients += "," + c.recipients
                d.recipientCount += c.recipientCount
                d.continued = c.continued
                records[i].event = .delivery(d)
                continue
            }
            guard case .failureCompletion(let c) = r.event else { records.append(r); continue }
            guard let i = records.lastIndex(where: { $0.event.asFailure != nil && $0.id == c.failureID }),
                  var f = records[i].event.asFailure else { records.append(r); continue }
            if f.relay == nil { f.relay = c.relay }
            f.ruleset = c.ruleset ?? f.ruleset
            f.rulesetArg = c.rulesetArg ?? f.rulesetArg
            f.reject = c.reject ?? f.reject
            records[i].event = .failure(f)
        }
    }

    var sessions: [Linked<TLSSession>] { linked(\.asSession) }
    var messages: [Linked<InboundMessage>] { linked(\.asMessage) }
    var deliveries: [Linked<Delivery>] { linked(\.asDelivery) }
    var failures: [Linked<TLSFailure>] { linked(\.asFailure) }
    var auths: [Linked<AuthEvent>] { linked(\.asAuth) }
    var certificates: [Linked<Certificate>] { linked(\.asCertificate) }

    private func linked<E>(_ kind: KeyPath<LogEvent, E?>) -> [Linked<E>] {
        records.compactMap { r in r.event[keyPath: kind].map { Linked(event: $0, id: r.id, sessionID: r.sessionID) } }
    }
}

/// One event of a kind, with what the linker set on its record (`LogRecord.id`, `.sessionID`).
@dynamicMemberLookup
struct Linked<Event> {
    var event: Event
    var id: Int64
    var sessionID: Int64?
    subscript<T>(dynamicMember member: KeyPath<Event, T>) -> T { event[keyPath: member] }
}

/// Runs the lines through a fresh pipeline and flushes it.
func linked(_ lines: [String], sessionGap: Int64 = 30 * 60, firstSessionID: Int64 = 1) -> Pipeline {
    var p = Pipeline(sessionGap: sessionGap, firstSessionID: firstSessionID)
    p.feed(lines)
    p.flush()
    return p
}

/// sendmail's `shortenstring(s, m)` (libsmutil/snprintf.c, log-formats.md §2.4), used to build the
/// names `to=` lines carry for long relays.
func shortenstring(_ s: String, _ m: Int = 40) -> String {
    let chars = Array(s)
    guard chars.count >= m else { return s }
    let k = (m - 3) / 2
    return String(chars[0..<k]) + "..." + String(chars[(chars.count - k)...])
}
