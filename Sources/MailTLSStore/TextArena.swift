/// One buffer that holds the text of the row being inserted, so fields can be bound to SQLite
/// without a copy per field (`SQLITE_STATIC`): the buffer is only reused after the row is written.
final class TextArena {
    private let capacity = 256 * 1024
    private let base: UnsafeMutablePointer<UInt8>
    private var used = 0

    init() {
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    func reset() { used = 0 }

    /// Copies `value` into the arena and binds it; false when it does not fit (bind it otherwise).
    func bind(_ s: Statement, _ i: Int32, _ value: String) -> Bool {
        var v = value
        return v.withUTF8 { buf in
            guard used + buf.count <= capacity else { return false }
            let p = base + used
            if let src = buf.baseAddress { p.update(from: src, count: buf.count) }
            used += buf.count
            s.bindStatic(i, p, buf.count)
            return true
        }
    }
}
