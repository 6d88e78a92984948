import Foundation
import MailTLSPostgres
import MailTLSTestSupport

/// The PostgreSQL server of the CLI tests (`PostgresTestServer`: `$MAILTLS_TEST_PG`; skipped without
/// it, failing under CI), with databases whose URL carries a password that messages must not show (the
/// test server trusts its socket and ignores it).
enum PostgresServer {
    static var enabled: Bool { PostgresTestServer.enabled }

    final class Database {
        private let database: TestDatabase
        var name: String { database.name }
        let url: String

        init() throws {
            database = try PostgresTestServer.database()
            let text = database.url.text
            url = text + (text.contains("?") ? "&" : "?") + "password=hunter2secret"
        }

        func count(_ sql: String) throws -> Int64? {
            try PostgresStore(url: PostgresURL(url)!).connection.scalarInt(sql)
        }
    }
}
