/// Command-line options, parsed by hand.
struct SynthOptions {
    var size = 0
    var seed: UInt64 = 1
    var out: String?
    var truth: String?
    var start = CivilDate(year: 2026, month: 11, day: 1)
    var hosts = 3
    /// Whose log to write: `sendmail` (default), `postfix` or `exim`.
    var mta = "sendmail"
    static let mtas = ["sendmail", "postfix", "exim"]

    static let usage = """
        usage: mailtls-synth SIZE [--seed N] [--out FILE] [--truth FILE] [--year Y] [--start YYYY-MM-DD] [--hosts N]
                             [--mta sendmail|postfix|exim]

          SIZE            approximate output size: plain bytes or with a K, M or G suffix (binary: 300K, 5M, 1G)
          --seed N        PRNG seed (default 1); the same seed and options give byte-identical output
          --out FILE      log file to write (default: standard output)
          --truth FILE    JSON truth file (default: FILE.truth.json; required when writing to standard output)
          --year Y        year of the first day (default 2026, or the year of --start)
          --start DATE    first day, YYYY-MM-DD (default 2026-11-01)
          --hosts N       number of syslog hosts, 1...64 (default 3: mx1, mx2, out1)
          --mta NAME      whose log to write: sendmail (default), postfix or exim

        """

    struct UsageError: Error {
        var message: String
    }

    static func parseSize(_ s: String) -> Int? {
        var digits = Substring(s)
        var mult = 1
        let lower = s.lowercased()
        for (suffixes, m) in [(["k", "kb", "kib"], 1 << 10), (["m", "mb", "mib"], 1 << 20), (["g", "gb", "gib"], 1 << 30)] {
            for suf in suffixes where lower.hasSuffix(suf) && lower.count > suf.count {
                let candidate = s.dropLast(suf.count)
                if candidate.allSatisfy(\.isNumber) { digits = candidate; mult = m }
            }
        }
        if digits.hasSuffix("b") || digits.hasSuffix("B") { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }), let n = Int(digits) else { return nil }
        let (v, overflow) = n.multipliedReportingOverflow(by: mult)
        return overflow || v <= 0 ? nil : v
    }

    static func parse(_ args: [String]) throws(UsageError) -> SynthOptions {
        var o = SynthOptions()
        var sizeSeen = false
        var year: Int?
        var i = 0
        func value(_ name: String, _ inline: String?) throws(UsageError) -> String {
            if let inline { return inline }
            i += 1
            guard i < args.count else { throw UsageError(message: "\(name) needs a value") }
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            var name = a
            var inline: String?
            if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
                name = String(a[..<eq])
                inline = String(a[a.index(after: eq)...])
            }
            switch name {
            case "-h", "--help":
                throw UsageError(message: "")
            case "--seed":
                let v = try value(name, inline)
                guard let n = UInt64(v) else { throw UsageError(message: "bad --seed: \(v)") }
                o.seed = n
            case "--out", "-o":
                o.out = try value(name, inline)
            case "--truth":
                o.truth = try value(name, inline)
            case "--year":
                let v = try value(name, inline)
                guard let y = Int(v), (1970 ... 9999).contains(y) else { throw UsageError(message: "bad --year: \(v)") }
                year = y
            case "--start":
                let v = try value(name, inline)
                guard let d = CivilDate.parse(v), d.year >= 1970 else { throw UsageError(message: "bad --start (want YYYY-MM-DD): \(v)") }
                o.start = d
            case "--hosts":
                let v = try value(name, inline)
                guard let n = Int(v), (1 ... 64).contains(n) else { throw UsageError(message: "bad --hosts (1...64): \(v)") }
                o.hosts = n
            case "--mta":
                let v = try value(name, inline)
                guard Self.mtas.contains(v) else { throw UsageError(message: "bad --mta (sendmail, postfix or exim): \(v)") }
                o.mta = v
            default:
                if a.hasPrefix("-") && a.count > 1 { throw UsageError(message: "unknown option: \(a)") }
                guard !sizeSeen else { throw UsageError(message: "unexpected argument: \(a)") }
                guard let n = parseSize(a) else { throw UsageError(message: "bad SIZE: \(a)") }
                o.size = n
                sizeSeen = true
            }
            i += 1
        }
        guard sizeSeen else { throw UsageError(message: "missing SIZE") }
        if let y = year {
            // --year replaces the year of the start date (Feb 29 falls back to Feb 28).
            o.start.year = y
            o.start.day = min(o.start.day, CivilDate.daysInMonth(y, o.start.month))
        }
        if o.truth == nil {
            guard let out = o.out else { throw UsageError(message: "--truth FILE is required when writing to standard output") }
            o.truth = out + ".truth.json"
        }
        if let out = o.out, out == o.truth { throw UsageError(message: "--out and --truth must differ") }
        return o
    }
}
