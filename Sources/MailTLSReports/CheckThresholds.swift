/// What `mailtls check` measures, and the limits it judges them by.
public enum CheckMetric: String, Sendable, CaseIterable {
    /// Share of inbound messages that were encrypted (rates.sql); judged against a minimum.
    case inboundRate
    /// Share of outbound deliveries that were encrypted (rates.sql); judged against a minimum.
    case outboundRate
    /// Weak TLS sessions (weak.sql); judged against a maximum.
    case weak
    /// Passwords sent in clear: AUTH=server PLAIN/LOGIN without TLS; judged against a maximum.
    case plaintextAuth
    /// Rows of `report downgrades` for the period against the history before; judged against a maximum.
    case downgrades
    /// TLS sessions, inbound messages and outbound deliveries in the period (check.sql), judged against
    /// a minimum: an empty period is more often a stopped ingest than a quiet server.
    case traffic

    /// True for rates (fractions from 0 to 1); false for counts (whole numbers).
    public var isRate: Bool { self == .inboundRate || self == .outboundRate }

    /// True when the figure is bad *below* its limit (the rates, the traffic); false when above.
    public var isMinimum: Bool { isRate || self == .traffic }

    /// The option name without `--warn-` / `--crit-`: `min-inbound-rate`, `max-weak`.
    public var option: String {
        switch self {
        case .inboundRate: return "min-inbound-rate"
        case .outboundRate: return "min-outbound-rate"
        case .weak: return "max-weak"
        case .plaintextAuth: return "max-plaintext-auth"
        case .downgrades: return "max-downgrades"
        case .traffic: return "min-traffic"
        }
    }

    /// The performance-data label.
    public var perfLabel: String {
        switch self {
        case .inboundRate: return "inbound_rate"
        case .outboundRate: return "outbound_rate"
        case .weak: return "weak_sessions"
        case .plaintextAuth: return "plaintext_auth"
        case .downgrades: return "downgrades"
        case .traffic: return "traffic"
        }
    }

    /// The name in the detail lines.
    public var label: String {
        switch self {
        case .inboundRate: return "inbound rate"
        case .outboundRate: return "outbound rate"
        case .weak: return "weak sessions"
        case .plaintextAuth: return "plaintext passwords"
        case .downgrades: return "downgrades"
        case .traffic: return "traffic"
        }
    }
}

/// The warning and critical limit of one metric; nil means no limit at that level.
///
/// A rate (and the traffic) is bad when it is *below* its limit, a count when it is *above*: a value
/// equal to the limit is fine (`--max-weak 0` allows 0 weak sessions, `--min-inbound-rate 0.9` allows
/// 90 %, `--min-traffic 1` one session, message or delivery).
public struct CheckLimits: Sendable, Equatable {
    public var warning: Double?
    public var critical: Double?

    public init(warning: Double? = nil, critical: Double? = nil) {
        self.warning = warning
        self.critical = critical
    }
}

/// A limit that cannot be used (a rate outside 0...1, a negative or fractional count).
public struct InvalidThreshold: Error, CustomStringConvertible, Equatable {
    public let option: String
    public let value: Double

    public init(option: String, value: Double) {
        self.option = option
        self.value = value
    }

    public var description: String {
        option.contains("rate")
            ? "--\(option) takes a fraction from 0 to 1 (0.9 means 90 %), not \(CheckThresholds.number(value))"
            : "--\(option) takes a whole number of 0 or more, not \(CheckThresholds.number(value))"
    }
}

/// The limits of every metric of `mailtls check`.
public struct CheckThresholds: Sendable, Equatable {
    private var limits: [CheckMetric: CheckLimits] = [:]

    /// No limits: every status is OK (the check then only reports the figures).
    public init() {}

    /// The limits of `metric`.
    public subscript(metric: CheckMetric) -> CheckLimits {
        get { limits[metric] ?? CheckLimits() }
        set { limits[metric] = newValue }
    }

    /// Throws `InvalidThreshold` for a rate outside 0...1 or a count that is negative or fractional.
    public func validate() throws {
        for metric in CheckMetric.allCases {
            for (level, value) in [("warn-", self[metric].warning), ("crit-", self[metric].critical)] {
                if let value { try Self.validate(value, for: metric, option: level + metric.option) }
            }
        }
    }

    /// Throws `InvalidThreshold` naming `option` when `value` cannot be a limit of `metric`.
    public static func validate(_ value: Double, for metric: CheckMetric, option: String) throws {
        let ok = metric.isRate ? (0...1).contains(value) : value >= 0 && value == value.rounded() && value < 1e15
        if !ok { throw InvalidThreshold(option: option, value: value) }
    }

    /// The status of `value` (nil: nothing to judge, e.g. a rate without mail) against `metric`'s limits.
    public func status(of value: Double?, for metric: CheckMetric) -> CheckStatus {
        guard let value else { return .ok }
        let limits = self[metric]
        func broken(_ limit: Double?) -> Bool {
            guard let limit else { return false }
            return metric.isMinimum ? value < limit : value > limit
        }
        if broken(limits.critical) { return .critical }
        if broken(limits.warning) { return .warning }
        return .ok
    }

    /// A number as typed: `0.9`, `3`.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }
}

/// A Nagios plugin status, with its exit code.
public enum CheckStatus: Int32, Sendable, Comparable, CaseIterable {
    case ok = 0, warning = 1, critical = 2, unknown = 3

    /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`.
    public var label: String {
        switch self {
        case .ok: return "OK"
        case .warning: return "WARNING"
        case .critical: return "CRITICAL"
        case .unknown: return "UNKNOWN"
        }
    }

    public static func < (a: CheckStatus, b: CheckStatus) -> Bool { a.rawValue < b.rawValue }
}
