import Foundation

/// Turns syslog timestamps into UTC seconds: supplies the year BSD timestamps lack and the zone of
/// timestamps without an offset.
///
/// Year rule: a file's lines are never later than its modification time, so a line is given the
/// reference year unless its month/day/time lies after the reference point (plus one day of slack for
/// clock skew), in which case it belongs to the year before. That handles the Dec -> Jan rollover.
/// Standard input uses "now" as the reference; `--year Y` uses the end of year Y.
public struct TimestampResolver: Sendable {
    /// The reference point in local wall-clock time, with its year.
    public let reference: LocalDateTime
    public let timeZone: TimeZone
    /// The reference point in UTC seconds: the time given to lines that carry no timestamp.
    public let referenceUTC: Int64
    private var offsetCache: [Int64: Int64] = [:]
    /// The hour looked up last and its offset: consecutive lines nearly always share it.
    private var lastHour = Int64.min
    private var lastOffset: Int64 = 0

    /// - Parameters:
    ///   - reference: the newest moment the input can contain (file mtime), in UTC seconds.
    ///   - timeZone: the zone of timestamps that carry no offset.
    public init(referenceTime: Int64, timeZone: TimeZone) {
        self.timeZone = timeZone
        self.referenceUTC = referenceTime
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(referenceTime))))
        let local = referenceTime + offset
        let (y, m, d) = CivilTime.date(days: Int(local / 86400))
        let s = Int(local % 86400)
        self.reference = LocalDateTime(year: y, month: m, day: d, hour: s / 3600, minute: s / 60 % 60, second: s % 60)
    }

    /// A resolver whose BSD timestamps all fall in `year` (the `--year` option).
    public init(year: Int, timeZone: TimeZone) {
        self.timeZone = timeZone
        self.reference = LocalDateTime(year: year, month: 12, day: 31, hour: 23, minute: 59, second: 59)
        let wall = CivilTime.seconds(year: year, month: 12, day: 31, hour: 23, minute: 59, second: 59)
        self.referenceUTC = wall - Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall))))
    }

    /// UTC seconds for a timestamp; nil for `.none`.
    public mutating func resolve(_ ts: SyslogTimestamp) -> Int64? {
        switch ts {
        case .none:
            return nil
        case .utc(let t):
            return t
        case .local(let l):
            var year = l.year ?? reference.year!
            if l.year == nil {
                // More than a day after the reference point: last year's line.
                let slack = 24 * 3600
                if l.secondsIntoYear > reference.secondsIntoYear + slack { year -= 1 }
            }
            let wall = CivilTime.seconds(year: year, month: l.month, day: l.day, hour: l.hour, minute: l.minute,
                                         second: l.second)
            return wall - offset(forWall: wall)
        }
    }

    /// The zone's UTC offset at a local wall-clock time, cached per hour.
    private mutating func offset(forWall wall: Int64) -> Int64 {
        let hour = wall >= 0 ? wall / 3600 : (wall - 3599) / 3600
        if hour == lastHour { return lastOffset }
        lastHour = hour
        if let o = offsetCache[hour] { lastOffset = o; return o }
        let guess = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall))))
        var o = guess
        let second = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall - guess))))
        if second != guess { o = second }
        if offsetCache.count > 100_000 { offsetCache.removeAll(keepingCapacity: true) }
        offsetCache[hour] = o
        lastOffset = o
        return o
    }
}
