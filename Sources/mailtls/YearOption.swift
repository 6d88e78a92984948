import ArgumentParser

/// `--year`: the year of BSD syslog timestamps, which carry none.
enum YearOption {
    /// Throws a usage error unless `year` is nil or a 4-digit year (a 2-digit `26` is a typo, not
    /// the year 26).
    static func validate(_ year: Int?) throws {
        guard let year else { return }
        guard (1000...9999).contains(year) else {
            throw ValidationError("--year takes a 4-digit year such as 2026, not \(year)")
        }
    }
}
