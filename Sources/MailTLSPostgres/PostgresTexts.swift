/// The ids of repeated text in the store's `texts` dictionary, shared by every writer of the store.
///
/// New values are added on a connection of their own, in short autocommitted statements, never in a
/// writer's long transaction: two writers that meet the same new peer then never wait for each other's
/// part to commit, and an id once handed out stays valid whatever happens to the part that asked for
/// it (so the cache survives a rollback). Values are added in sorted batches (`INSERT … SELECT
/// unnest($1) ORDER BY 1 ON CONFLICT DO NOTHING RETURNING`), so two writers adding overlapping
/// batches lock them in the same order; the values another writer added first are then read back.
/// The cache is bounded: past `cacheLimit` values it starts again empty.
final class PostgresTexts {
    static let cacheLimit = 262_144
    private let connection: PostgresConnection
    private var ids: [String: Int64] = [:]
    /// Values set in rows while not cached (`noteNew`), resolved by `resolveNew` at the flush.
    private var new = Set<String>()
    /// Round trips to the server so far (for tests and measurements).
    private(set) var lookups = 0

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    func cachedID(_ s: String) -> Int64? { ids[s] }

    func noteNew(_ s: String) { new.insert(s) }

    /// Resolves every value noted since the last call (all of them cached afterwards).
    func resolveNew() throws {
        guard !new.isEmpty else { return }
        try resolve(new, all: true)
        new.removeAll(keepingCapacity: true)
    }

    /// The id of `s`, asked of the server when it is not cached.
    func id(_ s: String?) throws -> Int64? {
        guard let s else { return nil }
        if let id = ids[s] { return id }
        try resolve([s])
        return ids[s]
    }

    /// Makes sure every value of `values` is cached, adding the new ones to `texts`.
    /// `all`: ask for every value (the noted ones): the cache may have been emptied since they were noted.
    func resolve<S: Sequence>(_ values: S, all: Bool = false) throws where S.Element == String {
        var missing = Set<String>()
        for v in values where all || ids[v] == nil { missing.insert(v) }
        guard !missing.isEmpty else { return }
        if ids.count + missing.count > Self.cacheLimit { ids.removeAll(keepingCapacity: true) }
        let sorted = missing.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let array = Self.arrayLiteral(sorted)
        lookups += 1
        for row in try connection.query("""
            INSERT INTO texts(value) SELECT v FROM unnest($1::text[]) AS v ORDER BY v COLLATE "C"
            ON CONFLICT (value) DO NOTHING RETURNING id, value
            """, [array]) {
            ids[row[1]!] = Int64(row[0]!)!
        }
        let rest = sorted.filter { ids[$0] == nil }
        guard !rest.isEmpty else { return }
        lookups += 1
        for row in try connection.query("SELECT id, value FROM texts WHERE value = ANY($1::text[])",
                                        [Self.arrayLiteral(rest)]) {
            ids[row[1]!] = Int64(row[0]!)!
        }
        if let lost = rest.first(where: { ids[$0] == nil }) {
            throw PostgresError.statement(message: "text not found after insert: \(lost)", sqlState: nil,
                                          sql: "SELECT id, value FROM texts WHERE value = ANY($1::text[])")
        }
    }

    /// A PostgreSQL array literal of text: `{"a","b\"c"}` (NUL left out, as COPY does).
    static func arrayLiteral(_ values: [String]) -> String {
        var out = "{"
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            out += "\""
            for ch in v.unicodeScalars {
                switch ch {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\0": break
                default: out.unicodeScalars.append(ch)
                }
            }
            out += "\""
        }
        return out + "}"
    }
}
