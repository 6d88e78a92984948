import Foundation

/// Lengths of time as users type them (`90m`, `24h`, `7d`, `2w`): the one reader for `--since`,
/// `--until`, `--recent`, `--history` and `prune --older-than`, and the one way they are printed.
public enum Age {
    /// Seconds for `90m`, `24h`, `7d`, `2w` (minutes, hours, days, weeks; zero allowed), or `45s`
    /// (what `text` prints for a length of no whole minutes); nil for anything else.
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let unit = t.last, let n = Int(t.dropLast()), n >= 0, t.count > 1 else { return nil }
        switch unit {
        case "s": return Double(n)
        case "m": return Double(n) * 60
        case "h": return Double(n) * 3600
        case "d": return Double(n) * 86400
        case "w": return Double(n) * 7 * 86400
        default: return nil
        }
    }

    /// Seconds for a positive length given to `option`; throws `InvalidDuration` naming both.
    public static func parse(_ text: String, option: String) throws -> Double {
        guard let seconds = seconds(text), seconds > 0 else { throw InvalidDuration(text: text, option: option) }
        return seconds
    }

    /// A length in the largest unit that divides it (weeks as days): `7d`, `36h`, `90m`, `45s`.
    public static func text(_ seconds: Double) -> String {
        let s = Int64(seconds.rounded())
        for (unit, size) in [("d", Int64(86400)), ("h", 3600), ("m", 60)] where s > 0 && s % size == 0 {
            return "\(s / size)\(unit)"
        }
        return "\(s)s"
    }
}
