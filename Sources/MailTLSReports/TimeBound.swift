import Foundation
import MailTLSParser

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
        if let age = Age.seconds(t) { return now.addingTimeInterval(-age) }
        guard let date = absolute(t, timeZone: timeZone) else { throw ReportError.invalidTime(text) }
        return date
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC, the form of the store's `ts` columns (`CivilTime.iso8601`, the
    /// one formatter the store writes with too).
    public static func iso(_ date: Date) -> String {
        CivilTime.iso8601(Int64(date.timeIntervalSince1970.rounded(.down)))
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
