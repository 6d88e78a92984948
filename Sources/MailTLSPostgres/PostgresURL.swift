/// A PostgreSQL connection URL as the user gave it (`postgresql://user@host:port/dbname?…`).
///
/// libpq reads the URL itself (`PQconnectdb` takes URIs), and with it the usual places for what the URL
/// leaves out: `~/.pgpass` and `PGPASSWORD` for the password, `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`,
/// `PGSSLMODE`, … for the rest. This type only recognises such URLs and makes a form fit for messages.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public let text: String

    /// `postgresql://…` or `postgres://…`, else nil (a path to an SQLite store).
    public init?(_ text: String) {
        guard Self.isPostgres(text) else { return nil }
        self.text = text
    }

    public static func isPostgres(_ s: String) -> Bool {
        s.hasPrefix("postgresql://") || s.hasPrefix("postgres://")
    }

    /// The URL with any password replaced by `***` (`postgresql://u:secret@h/db` -> `postgresql://u:***@h/db`),
    /// and `password=` query parameters likewise.
    public var redacted: String {
        var s = text
        if let scheme = s.range(of: "://") {
            let rest = s[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"),
               let colon = rest[..<at].firstIndex(of: ":") {
                s.replaceSubrange(s.index(after: colon)..<at, with: "***")
            }
        }
        if let r = s.range(of: "password=") {
            let end = s[r.upperBound...].firstIndex(of: "&") ?? s.endIndex
            s.replaceSubrange(r.upperBound..<end, with: "***")
        }
        return s
    }

    public var description: String { redacted }
}
