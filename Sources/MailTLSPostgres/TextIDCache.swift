import MailTLSParser
import MailTLSStore

/// The `texts` ids a PostgreSQL writer has seen, keyed by the values' bytes: a `TextIDTable` (two
/// generations), as the SQLite store's `TextIDs` keeps them, with Strings in and out.
///
/// A writer looks up about ten values per row (7 million for a 200 MiB log) and nearly all are
/// cached; `Dictionary<String, Int64>` spent a tenth of the writer's time hashing them (SipHash,
/// perf in docs/fleet.md). Bounded: values go into the current generation; when it is full it
/// becomes the previous one and a new one starts empty, and a value found only in the previous one
/// moves into the current one, so the values in use stay and a miss (a round trip to the server)
/// is a value not seen for a whole generation. Ids stay valid: texts are never deleted while
/// writers run.
final class TextIDCache {
    /// Two generations of up to 48 K values (3/4 of the slots) and 2 MiB of their bytes each: a
    /// 200 MiB log has ~53 K (sendmail) to 88 K (Exim) distinct values, about 30 bytes each. (4 MiB
    /// took a log of long unique AUTH ids to 70 MiB at its peak, over the 64 MiB bound.)
    static let slotCount = 1 << 16
    static let arenaLimit = 2 << 20
    private let table = TextIDTable(slotCount: TextIDCache.slotCount, arenaLimit: TextIDCache.arenaLimit)

    /// The values cached (both generations; one found in both counts twice).
    var count: Int { table.count }

    @inline(__always) func id(_ s: String) -> Int64? {
        ByteSpan.with(s) { table.find($0, hash: TextIDTable.hash($0)) }
    }

    /// Remembers `s`'s id (a value longer than a generation's arena is not cached).
    func insert(_ s: String, id: Int64) {
        ByteSpan.with(s) { bytes in
            let h = TextIDTable.hash(bytes)
            guard table.find(bytes, hash: h) == nil else { return }
            table.insert(bytes, hash: h, id: id)
        }
    }

    /// Forgets every value.
    func clear() { table.clear() }
}
