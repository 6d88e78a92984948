import Foundation
import MailTLSPostgres
import MailTLSStore

/// Reports over a PostgreSQL fleet store (docs/fleet.md): the same `Queries/` as SQLite (or the
/// `.postgres.sql` file beside one, where the SQL must differ), with `:name` parameters sent as typed
/// `$n` ones and values typed as SQLite would return them (`PostgresConnection.stream`).
public final class PostgresReportDatabase: ReportDatabase {
    public let connection: PostgresConnection

    /// The parameters that hold integers (the rest hold text): their type when unset (NULL), which
    /// PostgreSQL cannot always infer (`$1 IS NULL`).
    static let integerParameters: Set<String> = [":include_local", ":limit", ":localtime", ":min", ":recent"]

    /// Opens the store at `url` for reading: no write, no lock. The session's time zone is the
    /// process's (`TZ`, as SQLite's `localtime` reads it: `--timezone` sets it), JIT compilation is
    /// off (it costs more than it saves on queries of a fraction of a second) and `random_page_cost` is
    /// 1.1, the value for data in cache or on SSD, instead of the default 4 (made for spinning disks):
    /// with 4 the planner hashed all 60,583 texts of the 200 MiB store once per text column to name
    /// `failures`' 3,221 groups, where it now looks each up by its key (backend CPU 70-80 ms -> 30-40 ms;
    /// docs/fleet.md, "Latency").
    ///
    /// Errors: an unreachable server or missing database is `PostgresError.cannotConnect` (the URL
    /// without its password); a database without the mailtls schema is `ReportError.noPostgresStore`; one
    /// of an older schema is migrated when this role may, else `ReportError.schemaTooOld`.
    public init(url: PostgresURL) throws {
        connection = try PostgresConnection(url: url)
        let version: Int64
        do {
            version = try connection.scalarInt("SELECT max(version) FROM schema_migrations") ?? 0
        } catch let e as PostgresError where e.sqlState == "42P01" {
            throw ReportError.noPostgresStore(url: url.redacted)
        }
        if version < PostgresStore.version {
            do {
                _ = try PostgresStore(url: url)
            } catch {
                throw ReportError.schemaTooOld(path: url.redacted, found: Int32(version), current: Int32(PostgresStore.version))
            }
        } else if version > PostgresStore.version {
            throw PostgresError.schemaTooNew(url: url.redacted, found: Int(version), supported: PostgresStore.version)
        }
        let zone = ProcessInfo.processInfo.environment["TZ"].map { $0.hasPrefix(":") ? String($0.dropFirst()) : $0 }
            .flatMap { $0.isEmpty ? nil : $0 } ?? TimeZone.current.identifier
        do {
            try connection.query("SELECT set_config('TimeZone', $1, false)", [zone])
        } catch {
            throw ReportError.invalidTimeZone(zone)
        }
        try connection.execute("SET jit = off; SET random_page_cost = 1.1; SET default_transaction_read_only = on")
    }

    public var dialect: SQLDialect { .postgres }
    public var location: String { connection.url }

    public func run(_ sql: String, query: String, parameters: [String: SQLParameter],
                    columns: ([String]) throws -> Void, row: ([SQLValue]) throws -> Void) throws {
        let positional = NamedParameters(sql)
        let values: [PostgresConnection.Parameter] = positional.names.map { name in
            switch parameters[name] {
            case .text(let s)?: return .text(s)
            case .integer(let n)?: return .integer(n)
            case nil: return Self.integerParameters.contains(name) ? .integer(nil) : .text(nil)
            }
        }
        do {
            try connection.stream(positional.sql, values, columns: columns, row: row)
        } catch let e as PostgresError {
            if case .statement(let message, let state, _) = e {
                throw ReportError.queryFailed(query: query, message: message.trimmingCharacters(in: .whitespacesAndNewlines)
                    + (state.map { " [SQLSTATE \($0)]" } ?? ""))
            }
            throw e
        }
    }
}
