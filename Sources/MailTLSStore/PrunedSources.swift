import Foundation

/// The sources each `prune` deleted rows of, and its cutoff: saved in `ingest_state` (key
/// `Store.prunedBeforeKey`) so that a `--reingest` leaves out exactly the lines whose rows a prune
/// deleted (their rollup counts are kept).
///
/// Per source, not one cutoff for the store: a file ingested after a prune keeps its rows before the
/// cutoff (prune never saw them), and its re-read must store them again; on PostgreSQL, where hosts
/// ingest while a prune runs, only the sources the deletes returned count. A source's lines appended
/// after the prune with times before its cutoff (a clock set back) would be left out too; nothing else.
public struct PrunedSources: Equatable, Sendable {
    /// The latest cutoff (Unix seconds) of a prune that deleted rows of each source (by `sources.id`).
    public private(set) var cutoffs: [Int64: Int64] = [:]

    public init(json: String?) {
        guard let json, let map = try? JSONDecoder().decode([String: Int64].self, from: Data(json.utf8)) else { return }
        for (k, v) in map { if let id = Int64(k) { cutoffs[id] = v } }
    }

    /// A prune with `cutoff` deleted rows of `source` (an earlier cutoff does not move a later one back).
    public mutating func note(source: Int64, cutoff: Int64) {
        cutoffs[source] = max(cutoffs[source] ?? Int64.min, cutoff)
    }

    /// The same sources under new ids (`mailtls copy`); those without one are dropped.
    public func renumbered(_ map: [Int64: Int64]) -> PrunedSources {
        var r = PrunedSources(json: nil)
        for (id, cutoff) in cutoffs { if let new = map[id] { r.note(source: new, cutoff: cutoff) } }
        return r
    }

    /// Adds another store's record (`mailtls copy`).
    public mutating func merge(_ other: PrunedSources) {
        for (id, cutoff) in other.cutoffs { note(source: id, cutoff: cutoff) }
    }

    /// As saved: a JSON object of source ids (text) to cutoffs, in id order.
    public var json: String {
        let pairs = cutoffs.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }
        return "{" + pairs.joined(separator: ",") + "}"
    }
}
