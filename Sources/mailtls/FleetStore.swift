import ArgumentParser
import Foundation
import MailTLSIngest
import MailTLSPostgres

/// Opening the PostgreSQL fleet store from the command line: the connection (which migrates the schema),
/// and the ingesting host's lock for commands that write as that host.
enum FleetStore {
    /// Connects (and migrates an older schema); a failure prints its message and exits 1.
    static func open(_ url: PostgresURL) throws -> PostgresStore {
        do {
            return try PostgresStore(url: url)
        } catch {
            Console.error("mailtls: \(error)")
            throw ExitCode(1)
        }
    }

    /// Runs `body` holding `host`'s ingest lock on the store at `url`: another ingest as the same host
    /// exits 75 (EX_TEMPFAIL, cron may retry) after `wait` seconds; other hosts are not held up. Any
    /// other failure prints its message and exits 1.
    static func withHostLock<T>(_ url: PostgresURL, host: String, wait: Double, _ body: (PostgresStore) throws -> T) throws -> T {
        let store = try open(url)
        return try exitingOnFailure {
            guard try store.lockHost(host, wait: wait) else {
                throw IngestError.hostLocked(store: url.redacted, host: host, waited: wait)
            }
            defer { try? store.unlockHost(host) }
            return try body(store)
        }
    }
}
