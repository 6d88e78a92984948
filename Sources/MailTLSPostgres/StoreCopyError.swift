/// Why `mailtls copy` refused or failed, with what to do about it. Nothing has been written to the
/// PostgreSQL store when one of these is thrown (the copy is one transaction).
public enum StoreCopyError: Error, CustomStringConvertible, Equatable {
    /// The PostgreSQL store already holds checkpoints (or ingest state) of this ingesting host:
    /// copying would put the same lines in twice.
    case hostAlreadyThere(url: String, ingestHost: String, sources: Int)
    /// An ingest on this host is reading one of the store's files into the PostgreSQL store right now.
    case ingestRunning(url: String, ingestHost: String)
    /// The SQLite store's saved open-session state cannot be read by this build.
    case unreadableLinkerState(path: String, message: String)

    public var description: String {
        switch self {
        case .hostAlreadyThere(let url, let host, let sources):
            return "the PostgreSQL store \(url) already holds \(sources) checkpoint(s) of the ingesting host \(host): "
                + "copying would count their lines twice. Pass --replace to replace what \(host) has there by this "
                + "store's rows, or --ingest-host NAME if this store holds another host's logs"
        case .ingestRunning(let url, let host):
            return "an ingest as host \(host) is writing into \(url) right now: stop the cron job that ingests "
                + "into PostgreSQL on \(host) and copy again"
        case .unreadableLinkerState(let path, let message):
            return "the SQLite store \(path) holds open-session state this mailtls cannot read (\(message)): run "
                + "`mailtls ingest --db \(path)` once with this release, then copy again"
        }
    }
}
