import Foundation

extension ReportFilter {
    /// `downgrades`: the recent window when `--recent` is not given (7 days; the SQL's default too).
    public static let defaultRecent: TimeInterval = 7 * 86400
    /// `policy`: the fewest sessions when `--min` is not given (3; the SQL's default too).
    public static let defaultMinSessions = 3
}

/// A length such as `--recent 7d` that could not be read.
public struct InvalidDuration: Error, CustomStringConvertible, Equatable {
    public let text: String
    public let option: String

    public init(text: String, option: String) {
        self.text = text
        self.option = option
    }

    public var description: String {
        "cannot read the length '\(text)' of \(option): use a positive number of minutes, hours, days or weeks (90m, 24h, 7d, 2w)"
    }
}

/// The settings of the "watch over time" sections and how they read and print.
public enum WatchDefaults {
    /// Seconds for a positive length `90m`, `24h`, `7d`, `2w`.
    public static func duration(_ text: String, option: String) throws -> TimeInterval {
        guard let seconds = TimeBound.age(text.trimmingCharacters(in: .whitespaces)), seconds > 0 else {
            throw InvalidDuration(text: text, option: option)
        }
        return seconds
    }

    /// A length in the largest unit that divides it (weeks as days): `7d`, `36h`, `90m`, `45s`.
    public static func durationText(_ seconds: TimeInterval) -> String {
        let s = Int64(seconds.rounded())
        for (unit, size) in [("d", Int64(86400)), ("h", 3600), ("m", 60)] where s > 0 && s % size == 0 {
            return "\(s / size)\(unit)"
        }
        return "\(s)s"
    }
}
