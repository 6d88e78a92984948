import MailTLSParser

/// The ids of repeated text in the store's `texts` dictionary, shared by every writer of the store.
///
/// New values are added on a connection of their own, in short autocommitted statements, never in a
/// writer's long transaction: two writers that meet the same new peer then never wait for each other's
/// part to commit, and an id once handed out stays valid whatever happens to the part that asked for
/// it (so the cache survives a rollback). Values are added in sorted batches (`INSERT … SELECT
/// unnest($1) ORDER BY 1 ON CONFLICT DO NOTHING RETURNING`), so two writers adding overlapping
/// batches lock them in the same order; the values another writer added first are then read back.
/// The cache (`TextIDCache`) is bounded: two generations, the values not used for a whole one forgotten.
///
/// Values not cached are noted as rows are built (`noteNew`) and sent `earlyBatch` at a time without
/// waiting (`PostgresConnection.send`): the server adds them while the writer goes on, and the flush
/// (`resolveNew`) mostly collects ids that are ready instead of waiting a round trip for them all.
final class PostgresTexts {
    /// New values sent at once while rows are built (512 for the writer's default flushes; fewer for
    /// small flushes, so tests with tiny flushes send early too).
    let earlyBatch: Int
    static let insertSQL = """
        INSERT INTO texts(value) SELECT v FROM unnest($1::text[]) AS v ORDER BY v COLLATE "C"
        ON CONFLICT (value) DO NOTHING RETURNING id, value
        """
    static let selectSQL = "SELECT id, value FROM texts WHERE value = ANY($1::text[])"
    private let connection: PostgresConnection
    private let ids = TextIDCache()
    /// Values set in rows while not cached (`noteNew`), each once, in the order first set; their ids
    /// (`newIDs`, same order) come from `resolveNew` at the flush.
    private var new: [TextKey] = []
    private var newIndex: [TextKey: Int] = [:]
    private var newIDs: [Int64] = []
    /// `new[..<sentCount]` are sent (`inFlight`, not collected yet) or resolved (`resolved`).
    private var sentCount = 0
    private var inFlight: [TextKey] = []
    private var resolved: [TextKey: Int64] = [:]
    /// A failure of an early send, thrown by the next `resolveNew`.
    private var earlyError: Error?
    /// Round trips to the server so far (for tests and measurements).
    private(set) var lookups = 0

    init(connection: PostgresConnection, earlyBatch: Int = 512) {
        self.connection = connection
        self.earlyBatch = max(1, earlyBatch)
    }

    /// The id of `s` when cached. The values of the last `resolve` are always there: a batch and its
    /// lookups fit in one of the cache's generations, so at most one generation is started on the way
    /// and the one before is kept (`StoreCopy`'s `TextIDMap` resolves 20,000 values, then reads them).
    @inline(__always) func cachedID(_ s: String) -> Int64? { ids.id(s) }

    /// Notes a value not cached; returns its index among the new values (for `newID` after `resolveNew`).
    func noteNew(_ s: String) -> Int {
        let key = TextKey(s)
        if let k = newIndex[key] { return k }
        new.append(key)
        newIndex[key] = new.count - 1
        if new.count - sentCount >= earlyBatch { sendEarly() }
        return new.count - 1
    }

    /// Sends the values noted since the last send (collecting the one before).
    private func sendEarly() {
        guard earlyError == nil else { return }
        do {
            try collectEarly()
            let batch = Array(new[sentCount...])
            try connection.send(Self.insertSQL, [Self.arrayLiteral(batch.lazy.map(\.value))])
            lookups += 1
            inFlight = batch
            sentCount = new.count
        } catch {
            earlyError = error
        }
    }

    /// Takes the ids of the values in flight (reading back those another writer added first).
    private func collectEarly() throws {
        guard !inFlight.isEmpty else { return }
        let batch = inFlight
        inFlight = []
        var found = Self.ids(of: batch, in: try connection.collect())
        let rest = batch.filter { found[$0] == nil }
        if !rest.isEmpty { found.merge(try select(rest)) { a, _ in a } }
        for (v, id) in found {
            resolved[v] = id
            ids.insert(v.value, id: id)
        }
    }

    /// Resolves every value noted since the last `clearNew` (cached afterwards, unless the cache
    /// filled up meanwhile: `newID` does not depend on it).
    func resolveNew() throws {
        if let e = earlyError {
            earlyError = nil
            throw e
        }
        guard newIDs.count < new.count else { return }
        try collectEarly()
        if sentCount < new.count {
            for (v, id) in try resolve(distinct: Array(new[sentCount...])) { resolved[v] = id }
            sentCount = new.count
        }
        newIDs = new.map { resolved[$0]! }
    }

    /// The id of the new value `k` (`noteNew`'s index), once `resolveNew` has run.
    @inline(__always) func newID(_ k: Int) -> Int64 { newIDs[k] }

    /// Forgets the new values (their rows are encoded, or rolled back); their ids stay cached.
    func clearNew() {
        try? collectEarly()   // after a rollback: the values are added all the same (ids stay valid)
        earlyError = nil
        new.removeAll(keepingCapacity: true)
        newIndex.removeAll(keepingCapacity: true)
        newIDs.removeAll(keepingCapacity: true)
        resolved.removeAll(keepingCapacity: true)
        inFlight = []
        sentCount = 0
    }

    /// The id of `s`, asked of the server when it is not cached.
    func id(_ s: String?) throws -> Int64? {
        guard let s else { return nil }
        if let id = ids.id(s) { return id }
        let key = TextKey(s)
        return try resolve(distinct: [key])[key]
    }

    /// The ids of `values` (repeats allowed), from the cache or else the server, which adds the new ones;
    /// `cachedID` finds every one of them afterwards, until the next `resolve` (for at most
    /// `TextIDCache.slotCount / 2` values: half a generation). `all`: ask the server
    /// for every value, cached or not.
    @discardableResult
    func resolve<S: Sequence>(_ values: S, all: Bool = false) throws -> [TextKey: Int64] where S.Element == String {
        var found: [TextKey: Int64] = [:]
        var missing = Set<TextKey>()
        for v in values {
            let key = TextKey(v)
            guard found[key] == nil else { continue }
            if !all, let id = ids.id(v) { found[key] = id } else { missing.insert(key) }
        }
        if !missing.isEmpty { found.merge(try resolve(distinct: Array(missing))) { a, _ in a } }
        return found
    }

    /// Asks the server for the ids of `values` (all distinct), adding the new ones to `texts`, and caches them.
    /// The server sorts them before inserting, so writers adding overlapping batches lock in one order.
    private func resolve(distinct values: [TextKey]) throws -> [TextKey: Int64] {
        guard !values.isEmpty else { return [:] }
        lookups += 1
        var found = Self.ids(of: values, in: try connection.query(Self.insertSQL, [Self.arrayLiteral(values.lazy.map(\.value))]))
        let rest = values.filter { found[$0] == nil }
        if !rest.isEmpty { found.merge(try select(rest)) { a, _ in a } }
        for (v, id) in found { ids.insert(v.value, id: id) }
        return found
    }

    /// The ids of values already in `texts` (added by another writer, or earlier).
    private func select(_ values: [TextKey]) throws -> [TextKey: Int64] {
        lookups += 1
        let found = Self.ids(of: values, in: try connection.query(Self.selectSQL, [Self.arrayLiteral(values.lazy.map(\.value))]))
        if let lost = values.first(where: { found[$0] == nil }) {
            throw PostgresError.statement(message: "text not found after insert: \(lost.value)", sqlState: nil, sql: Self.selectSQL)
        }
        return found
    }

    /// The ids of the values asked for (`batch`) among the server's rows (id, value as stored), keyed by
    /// the values as asked: PostgreSQL text holds no NUL, so a value with one is stored without it
    /// (`arrayLiteral` leaves it out, as COPY does) and comes back so.
    static func ids(of batch: [TextKey], in rows: [[String?]]) -> [TextKey: Int64] {
        var byStored: [TextKey: Int64] = [:]
        byStored.reserveCapacity(rows.count)
        for row in rows { byStored[TextKey(row[1]!)] = Int64(row[0]!)! }
        var found: [TextKey: Int64] = [:]
        found.reserveCapacity(batch.count)
        for key in batch {
            let hasNUL = ByteSpan.with(key.value) { $0.firstIndex(of: 0) != nil }
            let stored = hasNUL ? TextKey(String(key.value.unicodeScalars.filter { $0 != "\0" }.map(Character.init))) : key
            if let id = byStored[stored] { found[key] = id }
        }
        return found
    }

    /// A PostgreSQL array literal of text: `{"a","b\"c"}` (NUL left out, as COPY does).
    static func arrayLiteral<C: Collection>(_ values: C) -> String where C.Element == String {
        var out: [UInt8] = [0x7B]
        out.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(0x22)
            for b in v.utf8 {
                switch b {
                case 0x22, 0x5C: out.append(0x5C); out.append(b)
                case 0x00: break
                default: out.append(b)
                }
            }
            out.append(0x22)
        }
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }
}
