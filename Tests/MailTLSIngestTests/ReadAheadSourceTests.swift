import Foundation
@testable import MailTLSIngest
import Testing

/// The read-ahead thread must hand over exactly the upstream's bytes, then its end or its error.
@Suite struct ReadAheadSourceTests {
    struct Broken: Error, Equatable {}

    /// A deterministic stream of `total` bytes, read in uneven pieces, that fails after `failAfter` bytes.
    final class Pattern: ByteSource {
        let total: Int
        let failAfter: Int?
        var produced = 0
        var calls = 0
        init(total: Int, failAfter: Int? = nil) {
            self.total = total
            self.failAfter = failAfter
        }
        static func byte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: i &* 31 &+ i >> 8) }
        func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
            calls += 1
            let limit = failAfter ?? total
            if produced >= limit, failAfter != nil { throw Broken() }
            let n = min(capacity, limit - produced, 1 + (calls * 7919) % 300_000)
            for k in 0..<n { buffer.storeBytes(of: Self.byte(produced + k), toByteOffset: k, as: UInt8.self) }
            produced += n
            return n
        }
    }

    /// Reads everything with reads of `capacity` bytes; returns the bytes and the error, if any.
    static func drain(_ s: ByteSource, capacity: Int) -> (bytes: [UInt8], error: Error?) {
        var out: [UInt8] = []
        let buf = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
        defer { buf.deallocate() }
        do {
            while true {
                let n = try s.read(into: buf, capacity: capacity)
                if n == 0 { return (out, nil) }
                out.append(contentsOf: UnsafeRawBufferPointer(start: buf, count: n))
            }
        } catch {
            return (out, error)
        }
    }

    @Test("same bytes as the upstream, for any read size", arguments: [997, 4096, 1 << 20, 3 << 20])
    func sameBytes(capacity: Int) {
        let total = ReadAheadSource.chunkSize * 5 + 12345   // more chunks than the ring holds
        let upstream = Pattern(total: total)
        let s = ReadAheadSource(upstream, position: { Int64(upstream.produced) })
        let (bytes, error) = Self.drain(s, capacity: capacity)
        #expect(error == nil)
        #expect(bytes.count == total)
        #expect(bytes.indices.allSatisfy { bytes[$0] == Pattern.byte($0) })
        // At the end it stays at the end, and the position is the upstream's.
        let buf = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 1)
        defer { buf.deallocate() }
        #expect((try? s.read(into: buf, capacity: 16)) == 0)
        #expect(s.upstreamPosition == Int64(total))
    }

    @Test func emptyUpstreamIsAnEmptyStream() {
        let s = ReadAheadSource(Pattern(total: 0), position: { 0 })
        let (bytes, error) = Self.drain(s, capacity: 4096)
        #expect(bytes.isEmpty && error == nil)
    }

    @Test("an upstream error arrives after the bytes before it, and again on the next read")
    func errorAfterData() {
        let failAfter = ReadAheadSource.chunkSize * 2 + 777
        let s = ReadAheadSource(Pattern(total: .max, failAfter: failAfter), position: { 0 })
        let (bytes, error) = Self.drain(s, capacity: 65536)
        #expect(bytes.count == failAfter)
        #expect(error as? Broken == Broken())
        let buf = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 1)
        defer { buf.deallocate() }
        #expect(throws: Broken.self) { try s.read(into: buf, capacity: 16) }
    }

    @Test("dropping the reader early stops the read-ahead thread")
    func dropEarly() throws {
        let upstream = Pattern(total: ReadAheadSource.chunkSize * 100)
        do {
            let s = ReadAheadSource(upstream, position: { 0 })
            let buf = UnsafeMutableRawPointer.allocate(byteCount: 10, alignment: 1)
            defer { buf.deallocate() }
            #expect(try s.read(into: buf, capacity: 10) == 10)
        }
        // The thread reads at most the ring's chunks (plus the one it was filling), then stops.
        var last = -1
        for _ in 0..<200 where upstream.produced != last {
            last = upstream.produced
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(upstream.produced <= ReadAheadSource.chunkSize * (ReadAheadSource.chunkCount + 1))
    }

    /// An upstream that says when the read-ahead thread has filled every chunk of the ring.
    final class Filling: ByteSource, @unchecked Sendable {
        let full = DispatchSemaphore(value: 0)
        private(set) var produced = 0
        func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
            buffer.initializeMemory(as: UInt8.self, repeating: 0x41, count: capacity)
            produced += capacity
            if produced == ReadAheadSource.chunkSize * ReadAheadSource.chunkCount { full.signal() }
            return capacity
        }
    }

    /// A file that fails mid-way drops its reader while the read-ahead thread holds every chunk filled:
    /// the thread must stop, and the source go away without a trap (libdispatch traps when a semaphore
    /// is freed with a value under its initial one, which the ingest of a failing file hit).
    @Test func dropWithTheRingFull() throws {
        let upstream = Filling()
        do {
            let s = ReadAheadSource(upstream, position: { 0 })
            let buf = UnsafeMutableRawPointer.allocate(byteCount: 10, alignment: 1)
            defer { buf.deallocate() }
            #expect(try s.read(into: buf, capacity: 10) == 10)
            #expect(upstream.full.wait(timeout: .now() + 30) == .success)
        }
        #expect(upstream.produced == ReadAheadSource.chunkSize * ReadAheadSource.chunkCount)
    }
}
