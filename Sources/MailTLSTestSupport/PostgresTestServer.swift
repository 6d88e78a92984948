import Foundation
import MailTLSPostgres

/// The PostgreSQL server the tests use: `$MAILTLS_TEST_PG` (a URL to a database the tests may create
/// databases next to), as `scripts/pg-test-server start` exports it and `.ci/run` does.
///
/// Without it the PostgreSQL tests are skipped (shown as skipped, not passed), except under CI
/// (`CI` set, as `.ci/run` and CI runners do): there they run and fail, since a CI run that cannot
/// start its server must not look green.
public enum PostgresTestServer {
    public static let url: String? = {
        let v = ProcessInfo.processInfo.environment["MAILTLS_TEST_PG"] ?? ""
        return v.isEmpty ? nil : v
    }()

    public static var inCI: Bool {
        let v = ProcessInfo.processInfo.environment["CI"] ?? ""
        return !v.isEmpty && v != "0" && v != "false"
    }

    /// Whether the PostgreSQL tests run: a server is configured, or this is CI (where they then fail).
    public static var enabled: Bool { url != nil || inCI }

    /// A new, empty database for one test, dropped when the value goes away.
    public static func database() throws -> TestDatabase {
        guard let url else {
            throw TestServerMissing()
        }
        return try TestDatabase(serverURL: url)
    }
}

public struct TestServerMissing: Error, CustomStringConvertible {
    public init() {}
    public var description: String {
        "CI is set but MAILTLS_TEST_PG is not: .ci/run starts a throwaway server with scripts/pg-test-server; "
            + "it did not start (see its log above), or the tests were run without it"
    }
}

/// A database of its own for one test (`mailtls_t_<random>`), on the server of `MAILTLS_TEST_PG`.
public final class TestDatabase {
    public let admin: PostgresConnection
    public let name: String
    public let url: PostgresURL

    public init(serverURL: String) throws {
        guard let base = PostgresURL(serverURL) else { throw PostgresError.notAPostgresURL(serverURL) }
        admin = try PostgresConnection(url: base)
        name = "mailtls_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try admin.execute("CREATE DATABASE \(name)")
        url = PostgresURL(Self.replacingDatabase(in: serverURL, with: name))!
    }

    deinit {
        try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// `postgresql://u@h/db?x` with `db` replaced.
    public static func replacingDatabase(in url: String, with db: String) -> String {
        let (head, query) = url.firstIndex(of: "?").map { (String(url[..<$0]), String(url[$0...])) } ?? (url, "")
        let schemeEnd = head.range(of: "://")!.upperBound
        let slash = head[schemeEnd...].firstIndex(of: "/") ?? head.endIndex
        return String(head[..<slash]) + "/" + db + query
    }
}
