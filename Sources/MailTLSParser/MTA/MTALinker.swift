/// Links one MTA's records: which TLS session carried which message, delivery or AUTH.
///
/// Every MTA logs this differently (sendmail by process, Postfix by process and queue id, Exim on the
/// message line itself), so each has its own linker, kept by `SessionLinker` beside the others and
/// saved with them between runs (`Codable`). Row ids come from the shared `RowIDs`, so rows of all MTAs
/// in one store never collide.
public protocol MTALinker: Sendable, Codable {
    /// Seconds without a line after which a session or connection is over.
    var sessionGap: Int64 { get set }

    /// Links one record of this MTA and passes it, and any rows it completes or releases, to `emit` in
    /// order. A linker may hold a record back until a later line decides it (Postfix learns that a
    /// connection used TLS only when it ends) and emit it then.
    mutating func link(_ record: consuming LogRecord, ids: inout RowIDs, emit: (consuming LogRecord) -> Void)

    /// Forgets what has been idle longer than the session gap; records still held for what it forgets
    /// are emitted. Called before the state is saved (a part's commit) and, with a gap of -1, at the end
    /// of all input (`SessionLinker.finish`). A linker keeps its memory bounded itself, as lines come,
    /// and not here: where parts and runs are cut must not change what its bound ends.
    mutating func compact(ids: inout RowIDs, emit: (consuming LogRecord) -> Void)

    /// Open sessions or connections remembered (for tests and status).
    var openKeys: Int { get }

    /// The store's source ids changed (`mailtls copy` gives each SQLite source a new id in the
    /// PostgreSQL store): the records a linker holds take their source's new id from `map`, so that
    /// they are written under it when they are released. Linkers that hold no records ignore it.
    mutating func renumberSources(_ map: [Int64: Int64])
}

extension MTALinker {
    /// For linkers that hold no records (sendmail's, Exim's).
    public mutating func renumberSources(_ map: [Int64: Int64]) {}
}
