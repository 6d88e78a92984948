#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The name an ingesting host goes by in the fleet store (`sources.ingest_host`, `ingest_state`):
/// `--ingest-host`, else the machine's hostname as `gethostname` gives it.
public enum IngestHost {
    /// The machine's hostname (`gethostname`), or `localhost` when it has none.
    public static var current: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
