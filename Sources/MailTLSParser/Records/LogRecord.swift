/// Where a line came from: the store's source id and the line's byte offset in that source.
public struct LineOrigin: Sendable, Hashable, Codable {
    public var source: Int64
    public var offset: Int64
    public init(source: Int64, offset: Int64) {
        self.source = source
        self.offset = offset
    }
}

/// One parsed log line: the syslog envelope's facts plus the event of its message.
public struct LogRecord: Sendable, Equatable, Codable {
    /// UTC, seconds since 1970.
    public var time: Int64
    /// The syslog host field ("" when the line had none).
    public var host: String
    /// The syslog pid (0 when the line had none).
    public var pid: Int32
    /// The MTA's queue id (message id for Exim), when the line had one.
    public var queueID: String?
    public var origin: LineOrigin
    public var event: LogEvent
    /// The row id the `SessionLinker` gave the row this record writes, for the tables whose rows
    /// later lines point at or complete: `tls_sessions`, `tls_failures`, `deliveries` (0 otherwise).
    ///
    /// The linker's results live here and in `sessionID`, beside the event rather than in it: setting
    /// a field inside an event's payload copies the payload (every String in it) into a new box.
    public var id: Int64
    /// The TLS session this line belongs to, set by the linker: the STARTTLS=server session a message
    /// or AUTH came over, the STARTTLS=client session that carried a delivery or client AUTH, the
    /// session of a certificate or of a read/write error. nil: none (for AUTH: AUTH in clear).
    public var sessionID: Int64?
    /// The MTA that logged the line (its parser's `MTAParser.mta`).
    public var mta: MTA

    public init(time: Int64, host: String, pid: Int32, queueID: String?, origin: LineOrigin, event: LogEvent,
                id: Int64 = 0, sessionID: Int64? = nil, mta: MTA = .sendmail) {
        self.time = time
        self.host = host
        self.pid = pid
        self.queueID = queueID
        self.origin = origin
        self.event = event
        self.id = id
        self.sessionID = sessionID
        self.mta = mta
    }
}
