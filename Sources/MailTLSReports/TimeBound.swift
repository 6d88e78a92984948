import Foundation

/// Reads `--since` / `--until` values: dates, times, and ages such as `7d`.
///
/// Accepted:
/// - an age before `now`: `90m`, `24h`, `7d`, `2w` (minutes, hours, days, weeks);
/// - a date `YYYY-MM-DD`: midnight in `timeZone`;
/// - a time `YYYY-MM-DDTHH:MM[:SS[.fff]]` (or a space instead of `T`), in `timeZone` unless it ends
///   with `Z` or an offset (`+01:00`, `+0100`, `-05`).
public enum TimeBound {
    /// The instant `text` names.
    public static func parse(_ text: String, now: Date = Date(), timeZone: TimeZone = TimeZone(identifier: "UTC")!) throws -> Date {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let age = age(t) { return now.addingTimeInterval(-age) }
        guard let date = absolute(t, timeZone: timeZone) else { throw ReportError.invalidTime(text) }
        return date
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC, the form of the store's `ts` columns.
    public static func iso(_ date: Date) -> String {
        var seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86400
        seconds -= days * 86400
        if seconds < 0 { seconds += 86400; days -= 1 }
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = String(y)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(m) + "-" + two(d)
            + "T" + two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60) + "Z"
    }

    /// Seconds for `90m`, `24h`, `7d`, `2w`.
    static func age(_ t: String) -> TimeInterval? {
        guard let unit = t.last, let n = Int(t.dropLast()), n >= 0, t.count > 1 else { return nil }
        switch unit {
        case "m": return TimeInterval(n) * 60
        case "h": return TimeInterval(n) * 3600
        case "d": return TimeInterval(n) * 86400
        case "w": return TimeInterval(n) * 7 * 86400
        default: return nil
        }
    }

    /// A date or time, with its zone or in `timeZone`.
    static func absolute(_ t: String, timeZone: TimeZone) -> Date? {
        var s = Substring(t)
        func number(_ digits: Int) -> Int? {
            guard s.count >= digits else { return nil }
            let part = s.prefix(digits)
            guard part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            s = s.dropFirst(digits)
            return Int(part)
        }
        func expect(_ c: Character) -> Bool {
            guard s.first == c else { return false }
            s = s.dropFirst()
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else { return nil }
        var hour = 0, minute = 0, second = 0
        var zone = timeZone
        if !s.isEmpty {
            guard s.first == "T" || s.first == " " else { return nil }
            s = s.dropFirst()
            guard let h = number(2), expect(":"), let mi = number(2) else { return nil }
            hour = h
            minute = mi
            if expect(":") {
                guard let se = number(2) else { return nil }
                second = se
                if expect(".") { while let c = s.first, c.isASCII, c.isNumber { s = s.dropFirst() } }
            }
            if expect("Z") || expect("z") {
                zone = TimeZone(identifier: "UTC")!
            } else if let sign = s.first, sign == "+" || sign == "-" {
                s = s.dropFirst()
                guard let oh = number(2) else { return nil }
                _ = expect(":")
                let om = s.isEmpty ? 0 : number(2)
                guard let om, oh < 24, om < 60,
                      let z = TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * (oh * 3600 + om * 60)) else { return nil }
                zone = z
            }
            guard s.isEmpty else { return nil }
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day else { return nil }  // rejects 2026-02-30
        return date
    }
}
