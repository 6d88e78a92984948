import Foundation
import MailTLSParser

/// The filters every section and export accepts, turned into the named parameters of `Queries/`.
///
/// Each property maps to one parameter (`since` → `:since`, …); a nil property leaves its parameter
/// NULL, which every query reads as "no filter", the same as running the file with `sqlite3`.
public struct ReportFilter: Sendable, Equatable {
    /// Which side of the conversation: `server` is inbound (they connected to us), `client` outbound.
    public enum Role: String, Sendable, CaseIterable {
        case server, client

        /// Reads `server`/`inbound`/`in` or `client`/`outbound`/`out`.
        /// Reads a role name; throws `ReportError.invalidRole` for anything else.
        public init(name: String) throws {
            switch name.lowercased() {
            case "server", "inbound", "in": self = .server
            case "client", "outbound", "out": self = .client
            default: throw ReportError.invalidRole(name)
            }
        }
    }

    /// How `rates` groups its rows (`:by`).
    public enum Grouping: String, Sendable, CaseIterable {
        case day, week, month, host, peer
        /// The hour of the day (00-23, UTC or in `--timezone`): `Queries/rates-by-hour.sql`.
        case hour
        /// Outbound by recipient domain, inbound by sender domain and by the peer's registered
        /// domain: `Queries/rates-by-domain.sql`, peers merged by `RatesByDomain`.
        case domain

        /// Reads a grouping name; throws `ReportError.invalidGrouping` for anything else.
        public init(name: String) throws {
            guard let g = Grouping(rawValue: name.lowercased()) else { throw ReportError.invalidGrouping(name) }
            self = g
        }
    }

    /// The names `--mta` takes: every registered MTA (`MTARegistry`), by code.
    public static var mtaNames: [String] { MTARegistry.all.map(\.name) }

    /// The MTA name `name` (any case) as the store holds it; throws `ReportError.invalidMTA` for a
    /// name that is not a registered MTA.
    public static func mtaName(_ name: String) throws -> String {
        guard let mta = MTARegistry.mta(named: name.lowercased()) else { throw ReportError.invalidMTA(name) }
        return mta.name
    }

    /// Rows at or after this instant (`:since`).
    public var since: Date?
    /// Rows before this instant (`:until`, exclusive).
    public var until: Date?
    /// Syslog host, GLOB pattern (`:host`).
    public var host: String?
    /// `:role`.
    public var role: Role?
    /// Only rows this MTA logged (`sendmail`, `postfix`, `exim`: `MTARegistry`) (`:mta`).
    public var mta: String?
    /// Peer name or IP, GLOB pattern with `*` (`:peer`); matched lowercased, as peers are stored.
    public var peer: String?
    /// Count loopback peers (127.0.0.0/8, ::1, localhost) too (`:include_local`).
    public var includeLocal = false
    /// At most this many rows (`:limit`).
    public var limit: Int?
    /// Grouping of `rates` (`:by`).
    public var by: Grouping?
    /// Only peers with a session using this cipher, GLOB pattern (`peers`: `:cipher`).
    public var cipher: String?
    /// Only peers with a session of this version, GLOB pattern (`peers`: `:version`).
    public var version: String?
    /// Cut days, weeks and months in the process's `TZ` zone instead of UTC (`:localtime`).
    public var localTime = false
    /// `downgrades`: seconds of the recent window compared with the earlier history (`:recent`);
    /// nil means `ReportFilter.defaultRecent`.
    public var recent: TimeInterval?
    /// `policy`: the fewest outbound sessions a peer needs to be suggested for `enforce` (`:min`; the
    /// `contact` rows are peers with no session); nil means
    /// `ReportFilter.defaultMinSessions`.
    public var minSessions: Int?
    /// `downgrades --min-sessions`: the fewest earlier sessions a reported peer has (see
    /// `keepingHistory`); not a query parameter: applied to the rows of `Queries/downgrades.sql`.
    public var minHistory: Int?

    /// A filter; every property defaults to "no filter".
    public init(since: Date? = nil, until: Date? = nil, host: String? = nil, role: Role? = nil, peer: String? = nil,
                includeLocal: Bool = false, limit: Int? = nil, by: Grouping? = nil, cipher: String? = nil,
                version: String? = nil, localTime: Bool = false) {
        self.since = since
        self.until = until
        self.host = host
        self.role = role
        self.peer = peer
        self.includeLocal = includeLocal
        self.limit = limit
        self.by = by
        self.cipher = cipher
        self.version = version
        self.localTime = localTime
    }

    /// Every parameter name a query may use. A query using another name is a bug (a test checks it).
    public static let parameterNames: Set<String> = [
        ":since", ":until", ":host", ":role", ":peer", ":include_local", ":limit", ":by", ":cipher", ":version",
        ":localtime", ":recent", ":min", ":mta",
    ]

    /// The parameters that are set, by name (`":since"`); unset ones are absent and stay NULL.
    public var parameters: [String: SQLParameter] {
        var p: [String: SQLParameter] = [:]
        if let since { p[":since"] = .text(TimeBound.iso(since)) }
        if let until { p[":until"] = .text(TimeBound.iso(until)) }
        if let host { p[":host"] = .text(host) }
        if let role { p[":role"] = .text(role.rawValue) }
        if let mta { p[":mta"] = .text(mta.lowercased()) }  // MTA names are stored lowercase
        if let peer { p[":peer"] = .text(peer.lowercased()) }
        if includeLocal { p[":include_local"] = .integer(1) }
        if let limit { p[":limit"] = .integer(Int64(limit)) }
        if let by { p[":by"] = .text(by.rawValue) }
        if let cipher { p[":cipher"] = .text(cipher) }
        if let version { p[":version"] = .text(version) }
        if localTime { p[":localtime"] = .integer(1) }
        // Not filters but settings with a default: always bound (the SQL applies the same defaults
        // when they are NULL, for sqlite3 users).
        p[":recent"] = .integer(Int64((recent ?? Self.defaultRecent).rounded()))
        p[":min"] = .integer(Int64(minSessions ?? Self.defaultMinSessions))
        return p
    }

    /// The common filters as `mailtls report` options (`--host 'mx*' --role client`), quoted for a
    /// shell: for the commands a check or a digest prints. Times and section options are the caller's.
    public var commandLineOptions: [String] {
        var words: [String] = []
        if let host { words += ["--host", Self.shellWord(host)] }
        if let role { words += ["--role", role.rawValue] }
        if let peer { words += ["--peer", Self.shellWord(peer)] }
        if let mta { words += ["--mta", mta] }
        if includeLocal { words.append("--include-local") }
        return words
    }

    /// `text` as one shell word: as it is when it holds only letters, digits and `._-:/@+=,`, else in
    /// single quotes (a quote inside as `'\''`).
    public static func shellWord(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-:/@+=,".unicodeScalars.contains($0)
        }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The filters that are set, for a human (`since 2026-03-01T00:00:00Z, peer *.example.org`).
    public var summary: String {
        var parts: [String] = []
        if let since { parts.append("since \(TimeBound.iso(since))") }
        if let until { parts.append("until \(TimeBound.iso(until))") }
        if let host { parts.append("host \(host)") }
        if let role { parts.append("role \(role.rawValue)") }
        if let mta { parts.append("mta \(mta)") }
        if let peer { parts.append("peer \(peer.lowercased())") }
        if let cipher { parts.append("cipher \(cipher)") }
        if let version { parts.append("version \(version)") }
        if let limit { parts.append("limit \(limit)") }
        if let recent { parts.append("recent \(Age.text(recent))") }
        if let minSessions { parts.append("enforce: at least " + (minSessions == 1 ? "1 verified session" : "\(minSessions) verified sessions")) }
        if let minHistory { parts.append("at least \(minHistory) earlier") }
        // --timezone changes the days and hours (the CLI sets TZ for SQLite's localtime).
        if localTime { parts.append("days in " + (getenv("TZ").map { String(cString: $0) } ?? "local time")) }
        parts.append(includeLocal ? "loopback peers included" : "loopback peers excluded")
        return parts.joined(separator: ", ")
    }
}
