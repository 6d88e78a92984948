/// A wall-clock time as a log line wrote it, before the year and zone are known.
public struct LocalDateTime: Sendable, Equatable, Hashable {
    /// nil for BSD syslog timestamps, which carry no year.
    public var year: Int?
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int?, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Seconds within a year, for ordering against a reference point.
    var secondsIntoYear: Int { ((((month * 32) + day) * 24 + hour) * 60 + minute) * 60 + second }
}

/// The timestamp of a syslog line.
public enum SyslogTimestamp: Sendable, Equatable {
    /// The line had no timestamp (pasted from `tag[pid]:`).
    case none
    /// Local wall-clock time; the `TimestampResolver` supplies the year and zone.
    case local(LocalDateTime)
    /// An absolute instant (the line carried an offset): seconds since 1970, UTC.
    case utc(Int64)
}

/// The parts of a syslog line around the program's message.
public struct SyslogEnvelope: Sendable {
    public var timestamp: SyslogTimestamp
    /// The host field; empty when the line has none.
    public var host: ByteSpan
    /// The program tag (`sm-mta`, `sendmail`, `postfix/smtpd`, …).
    public var tag: ByteSpan
    /// The pid in `tag[pid]`, 0 when absent.
    public var pid: Int32
    /// The message after `tag[pid]: ` (and after a Solaris `[ID n fac.lvl] `).
    public var message: ByteSpan
}
