import MailTLSParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `texts` value as a dictionary key: hashed with `FastHash` and compared byte for byte, as the
/// database compares it.
///
/// A String key hashes every byte with SipHash (a tenth of the PostgreSQL writer's instructions went
/// to the dictionaries of new values), and compares by Unicode canonical equivalence, under which two
/// values that differ in their bytes (a precomposed and a decomposed "é") are one key though they are
/// two rows in `texts`.
struct TextKey: Hashable {
    let value: String
    /// `FastHash` of the bytes, computed once: a key moves from dictionary to dictionary.
    let bytesHash: UInt64

    init(_ value: String) {
        self.value = value
        bytesHash = FastHash.of(value)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(bytesHash) }

    static func == (a: TextKey, b: TextKey) -> Bool {
        guard a.bytesHash == b.bytesHash else { return false }
        return ByteSpan.with(a.value) { x in
            ByteSpan.with(b.value) { y in x.count == y.count && (x.count == 0 || memcmp(x.base, y.base, x.count) == 0) }
        }
    }
}
