#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc setting for an ingest: a large buffer goes back to the system when it is freed.
///
/// glibc serves a request of at least 128 KiB with its own mapping and unmaps it when freed, but each
/// such free raises that threshold to the freed size (up to 32 MiB). After an ingest had freed its
/// first few large buffers (the PostgreSQL writer's staged rollup counts, 4 MiB; grown COPY buffers),
/// later ones came from the heap, whose freed memory stays resident: a 1 GiB log into PostgreSQL
/// peaked at 68 MiB of RSS instead of 63. A fixed threshold (which `mallopt` setting it makes) keeps
/// every large buffer a mapping of its own; the time of a 200 MiB ingest did not change measurably
/// (docs/performance.md, "Memory of a PostgreSQL ingest").
///
/// `mallopt` is not in Swift's Glibc module (it lives in `malloc.h`); it is looked up by name, so on
/// a C library without it nothing changes.
enum MallocSettings {
    /// The threshold, glibc's default starting value.
    static let mmapThreshold: Int32 = 128 << 10

    /// Applies the setting once per process (every `Ingester` asks; the first one sets it), and says
    /// whether the C library took it.
    @discardableResult static func apply() -> Bool { applied }

    private static let applied: Bool = {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mMmapThreshold: Int32 = -3   // M_MMAP_THRESHOLD in glibc's malloc.h
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        return unsafeBitCast(symbol, to: Mallopt.self)(mMmapThreshold, mmapThreshold) == 1
        #else
        return false
        #endif
    }()
}
