/// Errors of the store, with messages a user can act on.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// The database file could not be opened or created.
    case cannotOpen(path: String, message: String)
    /// SQLite refused a statement; `message` starts with the database's path (`/x/mailtls.db: file is
    /// not a database`).
    case sqlite(code: Int32, message: String, sql: String?)
    /// The store was written by a newer mailtls.
    case schemaTooNew(path: String, found: Int32, supported: Int32)
    /// The store's version is current but its tables are not those of that version.
    case damagedSchema(path: String, problem: String)
    /// A read-only open found a store of an older schema, which only a writing command can migrate.
    case needsMigration(path: String, found: Int32, current: Int32)
    /// Another process holds the store's write lock.
    case locked(path: String)
    /// A reader may not create the `-wal`/`-shm` files of a WAL store and they are missing, or it
    /// may not read them.
    case walFilesMissing(path: String, message: String, missing: Bool)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let message):
            return "cannot open store \(path): \(message)"
        case .sqlite(_, let message, _):
            return message
        case .schemaTooNew(let path, let found, let supported):
            return "store \(path) has schema version \(found), this mailtls supports up to \(supported): upgrade mailtls"
        case .damagedSchema(let path, let problem):
            return "store \(path) does not have the tables of its schema version (\(problem)): it was changed by "
                + "hand or damaged; restore it from a backup, or move it away and ingest the logs again"
        case .needsMigration(let path, let found, let current):
            return "store \(path) has schema version \(found) and needs migrating to \(current): "
                + "run `mailtls ingest` (or any command that writes) once as the store's owner"
        case .locked(let path):
            return "store \(path) is locked by another mailtls process"
        case .walFilesMissing(let path, let message, true):
            return "cannot read the store \(path) (\(message)): its -wal and -shm files are missing and this user "
                + "may not create them; the next `mailtls ingest` leaves them in place (docs/store.md: read-only users)"
        case .walFilesMissing(let path, let message, false):
            return "cannot read the store \(path) (\(message)): this user may not read \(path)-shm; give "
                + "\(path)-wal and -shm the store's group and mode (docs/store.md: read-only users)"
        }
    }

    /// True for SQLite's SQLITE_READONLY (8) and SQLITE_CANTOPEN (14), extended codes included: what
    /// a reader gets that may not create or write a file it needs.
    public var isPermissionDenied: Bool {
        guard case .sqlite(let code, _, _) = self else { return false }
        return code & 0xFF == 8 || code & 0xFF == 14
    }

    /// True for `.sqlite`: SQLite refused a statement.
    public var isSQLite: Bool {
        if case .sqlite = self { return true }
        return false
    }

    /// SQLite's own words, without the store's path (for messages that name the store themselves).
    public var sqliteMessage: String {
        switch self {
        case .sqlite(_, let message, _):
            if let colon = message.range(of: ": ") { return String(message[colon.upperBound...]) }
            return message
        case .cannotOpen(_, let message), .walFilesMissing(_, let message, _): return message
        default: return description
        }
    }
}
