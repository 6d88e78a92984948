/// A reference to bytes stored in a `TokenArena`.
struct Tok {
    var off: Int32
    var len: Int32

    static let empty = Tok(off: 0, len: 0)

    var isEmpty: Bool { len == 0 }
}

/// All strings that the hot loop writes (peer names, relays, addresses, table values) live in
/// one contiguous byte arena, so writing a token is a single memcpy with no ARC traffic.
struct TokenArena {
    private var bytes: [UInt8] = [0]

    mutating func add(_ s: String) -> Tok {
        let off = bytes.count
        bytes.append(contentsOf: s.utf8)
        return Tok(off: Int32(off), len: Int32(bytes.count - off))
    }

    func string(_ t: Tok) -> String {
        String(decoding: bytes[Int(t.off) ..< Int(t.off + t.len)], as: UTF8.self)
    }

    /// Copy the arena into a stable, never-freed buffer for the writer.
    func freeze() -> UnsafePointer<UInt8> {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        bytes.withUnsafeBufferPointer { p.initialize(from: $0.baseAddress!, count: $0.count) }
        return UnsafePointer(p)
    }
}
