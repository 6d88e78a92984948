import Foundation
import MailTLSPostgres
import Testing

/// The PostgreSQL server of the CLI tests that need one: `$MAILTLS_TEST_PG`, as for MailTLSPostgresTests.
/// Without it those tests are skipped, except under CI (`CI` set), where they run and fail.
enum PostgresServer {
    static let url: String? = {
        let v = ProcessInfo.processInfo.environment["MAILTLS_TEST_PG"] ?? ""
        return v.isEmpty ? nil : v
    }()

    static var inCI: Bool {
        let v = ProcessInfo.processInfo.environment["CI"] ?? ""
        return !v.isEmpty && v != "0" && v != "false"
    }

    /// A new database on the test server, dropped at the end; its URL carries a password the
    /// messages must not show (the test server trusts its socket and ignores it).
    final class Database {
        let admin: PostgresConnection
        let name: String
        let url: String

        init() throws {
            let server = try #require(PostgresServer.url, "CI is set but MAILTLS_TEST_PG is not")
            admin = try PostgresConnection(url: try #require(PostgresURL(server)))
            name = "mailtls_c_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try admin.execute("CREATE DATABASE \(name)")
            let (head, query) = server.firstIndex(of: "?").map { (String(server[..<$0]), String(server[$0...])) }
                ?? (server, "")
            let schemeEnd = head.range(of: "://")!.upperBound
            let slash = head[schemeEnd...].firstIndex(of: "/") ?? head.endIndex
            url = String(head[..<slash]) + "/" + name + (query.isEmpty ? "?" : query + "&") + "password=hunter2secret"
        }

        deinit { try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

        func count(_ sql: String) throws -> Int64? {
            try PostgresStore(url: PostgresURL(url)!).connection.scalarInt(sql)
        }
    }

    static var enabled: Bool { url != nil || inCI }
}
