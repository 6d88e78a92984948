/// Errors of the store, with messages a user can act on.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// The database file could not be opened or created.
    case cannotOpen(path: String, message: String)
    /// SQLite refused a statement.
    case sqlite(code: Int32, message: String, sql: String?)
    /// The store was written by a newer mailtls.
    case schemaTooNew(path: String, found: Int32, supported: Int32)
    /// The store's version is current but its tables are not those of that version.
    case damagedSchema(path: String, problem: String)
    /// A read-only open found a store of an older schema, which only a writing command can migrate.
    case needsMigration(path: String, found: Int32, current: Int32)
    /// Another process holds the store's write lock.
    case locked(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let message):
            return "cannot open store \(path): \(message)"
        case .sqlite(_, let message, _):
            return "SQLite error: \(message)"
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
        }
    }
}
