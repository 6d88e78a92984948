/// Compression formats, detected by magic bytes (never by file name).
public enum Compression: String, Sendable, CaseIterable {
    case none, gzip, bzip2, xz

    /// The format whose magic bytes start `head`.
    public static func detect(_ head: [UInt8]) -> Compression {
        if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B { return .gzip }
        if head.count >= 3 && head[0] == 0x42 && head[1] == 0x5A && head[2] == 0x68 { return .bzip2 }   // "BZh"
        if head.count >= 6 && head[0] == 0xFD && head[1] == 0x37 && head[2] == 0x7A && head[3] == 0x58
            && head[4] == 0x5A && head[5] == 0x00 { return .xz }
        return .none
    }
}
