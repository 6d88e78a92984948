import MailTLSParser
import MailTLSStore

/// The `texts` ids a PostgreSQL writer has seen, keyed by the values' bytes: two generations of
/// `TextIDTable`, as the SQLite store's `TextIDs` keeps them.
///
/// A writer looks up about ten values per row (7 million for a 200 MiB log) and nearly all are
/// cached; `Dictionary<String, Int64>` spent a tenth of the writer's time hashing them (SipHash,
/// perf in docs/fleet.md). Bounded: values go into the current generation; when it is full it
/// becomes the previous one and a new one starts empty, and a value found only in the previous one
/// moves into the current one, so the values in use stay and a miss (a round trip to the server)
/// is a value not seen for a whole generation. Ids stay valid: texts are never deleted while
/// writers run.
final class TextIDCache {
    /// Two generations of up to 48 K values (3/4 of the slots) and 4 MiB of their bytes each: a
    /// 200 MiB log has ~53 K (sendmail) to 88 K (Exim) distinct values.
    static let slotCount = 1 << 16
    static let arenaLimit = 4 << 20
    private var current = TextIDTable(slotCount: TextIDCache.slotCount, arenaLimit: TextIDCache.arenaLimit)
    private var previous = TextIDTable(slotCount: TextIDCache.slotCount, arenaLimit: TextIDCache.arenaLimit)

    /// The values cached (both generations; one found in both counts twice).
    var count: Int { current.count + previous.count }

    @inline(__always) func id(_ s: String) -> Int64? {
        ByteSpan.with(s) { bytes in
            let h = TextIDTable.hash(bytes)
            if let id = current.find(bytes, hash: h) { return id }
            guard let id = previous.find(bytes, hash: h) else { return nil }
            remember(bytes, hash: h, id: id)
            return id
        }
    }

    /// Remembers `s`'s id (a value longer than a generation's arena is not cached).
    func insert(_ s: String, id: Int64) {
        ByteSpan.with(s) { bytes in
            let h = TextIDTable.hash(bytes)
            guard current.find(bytes, hash: h) == nil else { return }
            remember(bytes, hash: h, id: id)
        }
    }

    private func remember(_ bytes: ByteSpan, hash h: UInt64, id: Int64) {
        if !current.hasRoom(for: bytes.count) {
            guard bytes.count <= Self.arenaLimit else { return }
            swap(&current, &previous)
            current.clear()
        }
        current.insert(bytes, hash: h, id: id)
    }

    /// Forgets every value.
    func clear() {
        current.clear()
        previous.clear()
    }
}
