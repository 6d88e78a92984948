import MailTLSStore

/// The `texts` ids of a SQLite store turned into the ids of the same values in a PostgreSQL store:
/// what `StoreCopy` puts in every dictionary column it copies.
///
/// Built by value: the SQLite dictionary is read in id order, in batches, and each batch is added
/// to (or found in) the PostgreSQL `texts` through `PostgresTexts`, as a writer adds its new values:
/// on a connection of its own, autocommitted and sorted, so a copy never makes an ingesting host wait
/// for its transaction. A SQLite store numbers its texts 1, 2, 3, …, so the map is a flat array
/// indexed by the SQLite id: 8 bytes per value (about 24 MB for the 3 million distinct values of a
/// large store), whatever the number of rows copied afterwards. Ids far beyond the count (a store
/// edited by hand) go to a dictionary instead.
final class TextIDMap {
    /// Values resolved per round trip.
    static let batch = 20_000
    private var dense: [Int64] = []
    private var sparse: [Int64: Int64] = [:]
    private(set) var count = 0

    /// Reads every value of `sqlite`'s `texts` and finds or adds it in the PostgreSQL store.
    init(from sqlite: Store, into texts: PostgresTexts, progress: (_ done: Int, _ total: Int) -> Void) throws {
        let total = Int(try sqlite.database.scalarInt("SELECT count(*) FROM texts") ?? 0)
        let maxID = try sqlite.database.scalarInt("SELECT max(id) FROM texts") ?? 0
        if maxID <= Int64(total) * 4 + 1_000_000 {
            dense = Array(repeating: 0, count: Int(max(maxID, 0)) + 1)
        }
        let s = try sqlite.database.prepare("SELECT id, value FROM texts ORDER BY id")
        var ids: [Int64] = [], values: [String] = []
        ids.reserveCapacity(Self.batch)
        values.reserveCapacity(Self.batch)
        func flush() throws {
            guard !values.isEmpty else { return }
            // `all`: every value of the batch is asked for, so the cache holds the whole batch
            // afterwards (a batch and its lookups fit in one of its generations: at most one is started
            // on the way, and the one before is kept).
            try texts.resolve(values, all: true)
            for (id, value) in zip(ids, values) {
                guard let pg = texts.cachedID(value) else {
                    throw PostgresError.statement(message: "text not found after insert: \(value)", sqlState: nil,
                                                  sql: "INSERT INTO texts(value) …")
                }
                set(id, pg)
            }
            count += values.count
            progress(count, total)
            ids.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
        }
        while try s.step() {
            ids.append(s.int64(0))
            // PostgreSQL text cannot hold NUL; the writer leaves it out, so the copy does too.
            let v = s.string(1) ?? ""
            values.append(v.utf8.contains(0) ? String(v.unicodeScalars.filter { $0 != "\0" }.map(Character.init)) : v)
            if values.count == Self.batch { try flush() }
        }
        try flush()
    }

    private func set(_ sqlite: Int64, _ pg: Int64) {
        if sqlite >= 0 && sqlite < Int64(dense.count) { dense[Int(sqlite)] = pg } else { sparse[sqlite] = pg }
    }

    /// The PostgreSQL id of the SQLite text id `sqlite`, nil when the SQLite store has no such text
    /// (a dangling id: the column becomes NULL, as the view showed it).
    func id(_ sqlite: Int64) -> Int64? {
        if sqlite >= 0 && sqlite < Int64(dense.count) {
            let v = dense[Int(sqlite)]
            return v == 0 ? nil : v
        }
        return sparse[sqlite]
    }
}
