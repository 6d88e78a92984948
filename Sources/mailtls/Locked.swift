import ArgumentParser
import MailTLSIngest

/// Runs `body` holding the store's write lock, the way every command that writes the store does:
/// a store another process holds exits 75 (EX_TEMPFAIL, cron may retry), any other failure prints
/// its message and exits 1.
func withStoreLock<T>(_ store: StoreOptions, wait: Double, _ body: () throws -> T) throws -> T {
    try withStoreLock(path: store.path, wait: wait, body)
}

/// `withStoreLock(_:wait:_:)` for the store at `path`.
func withStoreLock<T>(path: String, wait: Double, _ body: () throws -> T) throws -> T {
    try exitingOnFailure {
        let lock = try StoreLock(storePath: path, wait: wait)
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }
}

/// Runs `body`; a failure prints its message and exits: 75 (EX_TEMPFAIL, cron may retry) when another
/// ingest holds the store's lock or the host's (`IngestError.locked`, `.hostLocked`), 1 otherwise.
func exitingOnFailure<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as IngestError {
        Console.error("mailtls: \(e)")
        switch e {
        case .locked, .hostLocked: throw ExitCode(75)
        default: throw ExitCode(1)
        }
    } catch {
        Console.error("mailtls: \(error)")
        throw ExitCode(1)
    }
}
