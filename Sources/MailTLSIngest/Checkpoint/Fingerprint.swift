/// A content fingerprint: 64-bit FNV-1a as 16 hex digits.
///
/// Used to recognise a log file after logrotate renamed or compressed it (hash of its first bytes)
/// and to check that the bytes before a saved offset are still the same (hash of the 4 KiB before it).
public enum Fingerprint {
    /// Bytes hashed at the head and before the offset.
    public static let window = 4096

    public static func of<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100000001b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
