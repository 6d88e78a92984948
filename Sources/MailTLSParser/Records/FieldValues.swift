/// How every MTA parser turns field bytes into values: each is cut to its `FieldLimits` (and the cut
/// counted), a short value becomes a String, a longer repeated one is made once and shared, and a peer
/// is parsed once per distinct text.
///
/// One per parser; the parsers differ only in how their peers are written, which `relay` takes as a
/// function.
struct FieldValues: Sendable {
    /// Field values and peers seen recently: repeated values are not made again.
    private var strings = StringCache(slots: 8192)
    /// Peers are the field with the most distinct values: a busy server talks to thousands of them (the
    /// generated 50 MiB Exim log, over a thousand in every 10 MiB). With 1,024 direct-mapped slots, many
    /// were parsed again, and the writer then had to look up their new Strings by their bytes. 8,192
    /// slots (about 1.5 MiB) cut the Exim writer thread's time by 6 % (docs/performance.md, store v5).
    private var relays = ByteCache<Relay>(slots: 8192)
    /// Field values cut to their `FieldLimits` so far (each cut value once): `MTAParser.truncatedFields`.
    private(set) var truncated = 0

    /// `v` cut to `limit` bytes, counted in `truncated` when it was longer.
    mutating func cut(_ v: ByteSpan, _ limit: Int) -> ByteSpan {
        FieldLimits.cut(v, limit, &truncated)
    }

    /// A field value as a String (at most `limit` bytes), shared with the last time the same bytes were
    /// seen. Up to 15 bytes a String is stored inline (no allocation, no reference counting): making it
    /// is cheaper than a lookup.
    mutating func text(_ v: ByteSpan, _ limit: Int = FieldLimits.token) -> String {
        let v = cut(v, limit)
        return v.count <= 15 ? v.string : strings.value(for: v) { $0.string }
    }

    /// A field value as a new String of at most `limit` bytes (values that seldom repeat).
    mutating func string(_ v: ByteSpan, _ limit: Int) -> String {
        cut(v, limit).string
    }

    /// The peer written as `v`, parsed by `parse` (which cuts its parts to their limits and counts the
    /// cuts), shared with the last time the same bytes were seen. Cached values are short, below every
    /// limit: a hit has no cut to count.
    mutating func relay(_ v: ByteSpan, _ parse: (ByteSpan, inout Int) -> Relay) -> Relay {
        var cuts = 0
        let relay = relays.value(for: v) { parse($0, &cuts) }
        truncated += cuts
        return relay
    }
}
