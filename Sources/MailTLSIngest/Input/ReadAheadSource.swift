import Foundation

/// Runs a decompressor on a thread of its own, a few chunks ahead of the reader.
///
/// Inflating is a large part of the reading thread's work on compressed input (zlib inflates at
/// about 400 MiB/s here). On its own thread it shares the two cores with parsing and SQLite instead of
/// parsing waiting for it. The reader gets exactly the bytes and errors the decompressor would have
/// given it, in order: a corrupt stream fails at the same place, after the data before it.
///
/// After creation only the read-ahead thread touches `upstream`; the reader sees the upstream's
/// position (e.g. compressed bytes read, for the progress bar) as of the data it has read.
final class ReadAheadSource: ByteSource {
    /// Four chunks of 256 KiB: 1 MiB read ahead. Chunks of 1 MiB held 4 MiB, 7 % of the ingest's peak
    /// RSS, and read no faster (docs/performance.md, "Peak memory of ingest").
    static let chunkSize = 256 << 10
    static let chunkCount = 4

    /// What both threads touch: chunk buffers and their metadata, in raw memory (a Swift array shared by
    /// two threads would copy on write), handed over with the two semaphores.
    private final class Shared: @unchecked Sendable {
        let buffers = UnsafeMutableRawPointer.allocate(byteCount: ReadAheadSource.chunkSize * ReadAheadSource.chunkCount,
                                                       alignment: 16)
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: ReadAheadSource.chunkCount)
        let positions = UnsafeMutablePointer<Int64>.allocate(capacity: ReadAheadSource.chunkCount)
        let errors = UnsafeMutablePointer<Error?>.allocate(capacity: ReadAheadSource.chunkCount)
        /// Chunks ready for the reader.
        let filled = DispatchSemaphore(value: 0)
        /// Chunks free for the read-ahead thread.
        let empty = DispatchSemaphore(value: ReadAheadSource.chunkCount)
        private let lock = NSLock()
        private var cancelledFlag = false

        init() {
            lengths.initialize(repeating: 0, count: ReadAheadSource.chunkCount)
            positions.initialize(repeating: 0, count: ReadAheadSource.chunkCount)
            errors.initialize(repeating: nil, count: ReadAheadSource.chunkCount)
        }

        deinit {
            errors.deinitialize(count: ReadAheadSource.chunkCount)
            errors.deallocate()
            positions.deallocate()
            lengths.deallocate()
            buffers.deallocate()
        }

        var cancelled: Bool {
            get { lock.lock(); defer { lock.unlock() }; return cancelledFlag }
            set { lock.lock(); cancelledFlag = newValue; lock.unlock() }
        }

        func buffer(_ slot: Int) -> UnsafeMutableRawPointer { buffers + slot * ReadAheadSource.chunkSize }
    }

    /// Carries the upstream to the read-ahead thread, which is its only user from then on.
    private struct Producer: @unchecked Sendable {
        let upstream: ByteSource
        let position: () -> Int64
        let shared: Shared

        func run() {
            var slot = 0
            while true {
                shared.empty.wait()
                if shared.cancelled { return }
                let buffer = shared.buffer(slot)
                var n = 0
                var failure: Error?
                do {
                    while n < ReadAheadSource.chunkSize {
                        let k = try upstream.read(into: buffer + n, capacity: ReadAheadSource.chunkSize - n)
                        if k == 0 { break }
                        n += k
                    }
                } catch {
                    failure = error
                }
                shared.lengths[slot] = n
                shared.positions[slot] = position()
                shared.errors[slot] = failure
                shared.filled.signal()
                if n == 0 || failure != nil { return }
                slot = (slot + 1) % ReadAheadSource.chunkCount
            }
        }
    }

    private let shared = Shared()
    /// The chunk being read (-1 before the first), and how far.
    private var slot = -1
    private var offset = 0
    private var length = 0
    private var atEnd = false
    private var failure: Error?
    /// The upstream's position as of the data read so far.
    private(set) var upstreamPosition: Int64 = 0

    /// Starts reading `upstream` ahead. `position` is asked on the read-ahead thread after each chunk.
    init(_ upstream: ByteSource, position: @escaping () -> Int64) {
        let producer = Producer(upstream: upstream, position: position, shared: shared)
        let thread = Thread { producer.run() }
        thread.name = "mailtls.read-ahead"
        thread.start()
    }

    deinit {
        // Let the read-ahead thread finish: it holds the upstream and the buffers until it returns.
        // One signal more than the ring holds: left before the end (a file that failed), the thread may
        // hold every chunk filled and take one more signal to see the flag, and libdispatch traps when
        // a semaphore is freed with a value under its initial one (ReadAheadSourceTests).
        shared.cancelled = true
        for _ in 0...Self.chunkCount { shared.empty.signal() }
    }

    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        while true {
            if slot >= 0 && offset < length {
                let n = min(capacity, length - offset)
                buffer.copyMemory(from: shared.buffer(slot) + offset, byteCount: n)
                offset += n
                return n
            }
            if let failure { throw failure }
            if atEnd { return 0 }
            if slot >= 0 {
                if let e = shared.errors[slot] {
                    failure = e
                    throw e
                }
                if length == 0 {
                    atEnd = true
                    return 0
                }
                shared.empty.signal()
            }
            shared.filled.wait()
            slot = (slot + 1) % Self.chunkCount
            offset = 0
            length = shared.lengths[slot]
            upstreamPosition = shared.positions[slot]
        }
    }
}
