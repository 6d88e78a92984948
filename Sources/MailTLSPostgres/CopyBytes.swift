#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable byte buffer of COPY text for one table, written through a raw pointer.
///
/// `PostgresRowBuffer.encode` writes every row of a flush here, a row's worth of room reserved at a
/// time (`reserve`), so the bytes go in without a capacity check per byte, as `[UInt8].append` makes;
/// then `CopySender` sends them on its own thread while the next rows are built. Reused from flush to
/// flush (`removeAll` keeps the memory).
final class CopyBytes: @unchecked Sendable {   // owned by one thread at a time: handed over through CopySender's queue
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1 << 20) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `n` more bytes; returns where they go.
    @inline(__always) func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { grow(count + n) }
        return base + count
    }

    private func grow(_ needed: Int) {
        var c = capacity
        while c < needed { c *= 2 }
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        p.update(from: base, count: count)
        base.deallocate()
        base = p
        capacity = c
    }

    /// Takes `n` bytes written at `reserve`'s pointer.
    @inline(__always) func commit(_ n: Int) { count += n }

    func removeAll() { count = 0 }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
