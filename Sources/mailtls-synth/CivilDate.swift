import MailTLSParser

/// A calendar date of the generator; the arithmetic is `CivilTime`'s (the parser's), so generator and
/// parser cannot disagree about a date. All times in the generator are naive local time, counted as
/// if UTC.
struct CivilDate: Equatable {
    var year: Int
    var month: Int  // 1...12
    var day: Int    // 1...31

    static let monthAbbrev: [StaticString] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Days since 1970-01-01.
    var daysSinceEpoch: Int { CivilTime.days(year: year, month: month, day: day) }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    init(daysSinceEpoch: Int) {
        (year, month, day) = CivilTime.date(days: daysSinceEpoch)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parse `YYYY-MM-DD`.
    static func parse(_ s: String) -> CivilDate? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1 ... 12).contains(m), d >= 1, d <= daysInMonth(y, m)
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    var iso: String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for a time given in seconds since the epoch.
    static func isoTimestamp(_ secs: Int64) -> String { CivilTime.iso8601(secs) }
}
