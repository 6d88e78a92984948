/// Why an input (or the run) failed, naming the file so the user can act.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened (missing, permission denied, a directory, …).
    case cannotOpen(path: String, reason: String)
    /// Reading failed part way (I/O error).
    case readFailed(path: String, reason: String)
    /// A compressed file is damaged or truncated.
    case corrupt(path: String, format: String, detail: String)
    /// The store refused a write (disk full, read-only, …).
    case store(path: String, message: String)
    /// Another ingest holds the store's lock.
    case locked(path: String, waited: Double)
    /// Another ingest as the same host holds that host's lock on a PostgreSQL store.
    case hostLocked(store: String, host: String, waited: Double)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot open: \(reason)"
        case .readFailed(let path, let reason): return "\(path): read error: \(reason)"
        case .corrupt(let path, let format, let detail): return "\(path): corrupt \(format) data: \(detail)"
        case .store(let path, let message): return "\(path): not stored: \(message)"
        case .locked(let path, let waited):
            let w = waited > 0 ? "after waiting \(Int(waited))s" : "(use --wait SECONDS to wait for it)"
            return "\(path): another mailtls ingest is writing to this store; giving up \(w)"
        case .hostLocked(let store, let host, let waited):
            let w = waited > 0 ? "after waiting \(Int(waited))s" : "(use --wait SECONDS to wait for it)"
            return "\(store): another mailtls ingest as host \(host) is writing to this store; giving up \(w)"
        }
    }

    public var path: String {
        switch self {
        case .cannotOpen(let p, _), .readFailed(let p, _), .corrupt(let p, _, _), .store(let p, _), .locked(let p, _),
             .hostLocked(let p, _, _): return p
        }
    }
}
