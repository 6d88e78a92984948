/// Where a line came from: the store's source id and the line's byte offset in that source.
public struct LineOrigin: Sendable, Equatable, Codable {
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
    /// The sendmail queue id, when the message had one.
    public var queueID: String?
    public var origin: LineOrigin
    public var event: LogEvent

    public init(time: Int64, host: String, pid: Int32, queueID: String?, origin: LineOrigin, event: LogEvent) {
        self.time = time
        self.host = host
        self.pid = pid
        self.queueID = queueID
        self.origin = origin
        self.event = event
    }
}
