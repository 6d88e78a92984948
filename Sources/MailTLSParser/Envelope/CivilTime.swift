/// Calendar arithmetic without Foundation: proleptic Gregorian dates <-> days since 1970-01-01.
public enum CivilTime {
    /// Days since 1970-01-01 of a date (Howard Hinnant's algorithm).
    @inlinable public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date of a day number since 1970-01-01.
    @inlinable public static func date(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Seconds since 1970 of a wall-clock time taken as UTC.
    @inlinable public static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        Int64(days(year: year, month: month, day: day)) * 86400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for seconds since 1970 (UTC).
    public static func iso8601(_ t: Int64) -> String {
        var d = Int(t / 86400)
        var s = Int(t % 86400)
        if s < 0 { s += 86400; d -= 1 }
        let (y, m, day) = date(days: d)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = (0..<1000).contains(y) ? String(String(y + 10000).dropFirst()) : String(y)  // always 4 digits
        return "\(year)-\(two(m))-\(two(day))T\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))Z"
    }

    /// `YYYY-MM-DD` (UTC) for seconds since 1970.
    public static func isoDate(_ t: Int64) -> String {
        String(iso8601(t).prefix(10))
    }
}
