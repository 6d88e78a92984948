/// Errors of the PostgreSQL fleet store, with messages a user can act on.
///
/// As GRDB's `DatabaseError` does, a failed statement's error carries the SQL that failed (cut to a
/// readable length), so a report names what was asked and not only what the server answered.
public enum PostgresError: Error, CustomStringConvertible, Equatable {
    /// The server could not be reached or refused the login; `url` has any password taken out.
    case cannotConnect(url: String, message: String)
    /// The server refused a statement. `sqlState` is PostgreSQL's five-character code (`23505`, …).
    case statement(message: String, sqlState: String?, sql: String)
    /// A `COPY … FROM STDIN` into `table` failed.
    case copy(table: String, message: String, sqlState: String?)
    /// The database holds a newer mailtls schema than this build writes.
    case schemaTooNew(url: String, found: Int, supported: Int)
    /// The schema must be created or upgraded and this role may not (an ingest or read-only role).
    case cannotMigrate(url: String, found: Int, current: Int, message: String)
    /// Another ingest holds the lock of this (ingesting host, source path) and `wait` was false.
    case sourceBusy(ingestHost: String, path: String)
    /// The URL is not a PostgreSQL connection URL.
    case notAPostgresURL(String)
    /// The database holds no mailtls store but other tables (`tables`: a few of their names): mailtls
    /// does not put its schema beside another application's.
    case notAMailtlsDatabase(url: String, tables: [String])
    /// libpq could not be loaded (mailtls opens it at the first PostgreSQL connection, it does not link
    /// it); `reason` is the loader's (the file not found, or a function it lacks).
    case libpqMissing(reason: String)

    public var description: String {
        switch self {
        case .cannotConnect(let url, let message):
            return "cannot connect to the PostgreSQL store \(url): \(message.trimmed) (passwords come from ~/.pgpass or "
                + "PGPASSWORD, never the URL; check host, port, database and role)"
        case .statement(let message, let state, let sql):
            // A refusal for missing rights says first what to do; the SQL that failed comes last.
            return Self.refusal(state) + "PostgreSQL: \(message.trimmed)" + (state.map { " [SQLSTATE \($0)]" } ?? "")
                + " in: \(Self.shorten(sql))"
        case .copy(let table, let message, let state):
            return Self.refusal(state) + "PostgreSQL: COPY into \(table) failed: \(message.trimmed)"
                + (state.map { " [SQLSTATE \($0)]" } ?? "")
        case .schemaTooNew(let url, let found, let supported):
            return "the PostgreSQL store \(url) has schema version \(found), this mailtls supports up to \(supported): "
                + "upgrade mailtls on this host"
        case .cannotMigrate(let url, let found, let current, let message):
            let what = found == 0 ? "has no mailtls schema yet" : "has schema version \(found), this mailtls writes \(current)"
            return "the PostgreSQL store \(url) \(what), and this role cannot change it (\(message.trimmed)): run any mailtls "
                + "command once as the database's owner, e.g. `mailtls status --db postgresql://OWNER@HOST/DB` (docs/fleet.md)"
        case .sourceBusy(let host, let path):
            return "another ingest on \(host) is reading \(path) into this store right now; try again when it is done"
        case .notAMailtlsDatabase(let url, let tables):
            return "the PostgreSQL database \(url) holds other tables (\(tables.joined(separator: ", "))) and no mailtls store: "
                + "mailtls creates its schema only in a database of its own (createdb -O mailtls --template=template0 "
                + "--locale=C.UTF-8 mailtls; docs/fleet.md); check the database name in the URL"
        case .notAPostgresURL(let s):
            return "\(s) is not a PostgreSQL URL: use postgresql://user@host:port/dbname (the password in ~/.pgpass)"
        case .libpqMissing(let reason):
            return "PostgreSQL support needs libpq (Debian: apt-get install libpq5; set MAILTLS_LIBPQ to its path if it "
                + "is elsewhere): \(reason.trimmed). SQLite stores work without it."
        }
    }

    public var sqlState: String? {
        switch self {
        case .statement(_, let s, _), .copy(_, _, let s): return s
        default: return nil
        }
    }

    /// What to do about a refusal the user can act on, put before the database's words: "insufficient
    /// privilege" (42501) is a role used for what another role does (docs/fleet.md, "Setting up").
    static func refusal(_ sqlState: String?) -> String {
        guard sqlState == "42501" else { return "" }
        return "this role may not do that: run it as a role that may (docs/fleet.md). `mailtls ingest` and "
            + "`mailtls copy` into a new host name need the grants of mailtls_ingest, reports and `check` those of "
            + "mailtls_read (scripts/pg-roles.sql, run by the database's owner); prune, rebuild-rollups, "
            + "--reingest and `copy --replace` need the owner's role. "
    }

    /// The SQL as one line of at most 300 characters.
    static func shorten(_ sql: String) -> String {
        let one = sql.split(whereSeparator: { $0 == "\n" }).map { $0.trimmingSpaces }.joined(separator: " ")
        return one.count > 300 ? String(one.prefix(300)) + " …" : one
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and newlines (libpq's messages end with a newline).
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" { s = s.dropLast() }
        return String(s)
    }
    fileprivate var trimmingSpaces: String { trimmed }
}
