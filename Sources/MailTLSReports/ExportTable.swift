/// The tables `mailtls export` streams, each through `Queries/export/<name>.sql`.
public enum ExportTable: String, Sendable, CaseIterable {
    /// `tls_sessions`: one row per completed TLS handshake.
    case sessions
    /// `messages`: one row per `from=` line.
    case messages
    /// `deliveries`: one row per `to=` line.
    case deliveries
    /// `auth_events`: AUTH successes and failures.
    case auth
    /// `tls_failures`: failed handshakes, TLS ruleset rejects, read/write errors.
    case failures

    /// The query's path below `Queries/`.
    public var query: String { "export/" + rawValue }

    /// The table called `name`.
    public static func named(_ name: String) throws -> ExportTable {
        guard let t = ExportTable(rawValue: name.lowercased()) else { throw ReportError.unknownTable(name) }
        return t
    }
}
