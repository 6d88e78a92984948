/// One decompression library as `DecompressingSource` drives it: feed input, take output, notice the
/// end of a stream. Implemented by `GzipCodec` (zlib), `Bzip2Codec` (libbz2) and `XzCodec`
/// (liblzma); each is a class, so the library's stream struct, which zlib checks by address, stays
/// where it was initialised.
protocol DecompressionCodec: AnyObject {
    /// The format's name in messages: `corrupt gzip data: …`.
    static var format: String { get }
    /// The bytes that start another stream after one ended (a second gzip member, a pbzip2 block
    /// stream), for libraries that stop at the end of each; nil when the library reads concatenated
    /// streams by itself (liblzma) or when nothing may follow.
    static var nextStreamMagic: [UInt8]? { get }

    /// A fresh decoder; throws the library's complaint.
    init() throws(DecompressionFailure)
    /// Decompresses from `input` into `output`; `inputEnded` says no more input will follow. Returns
    /// the bytes consumed and produced, and whether a stream ended. No progress at all means it needs
    /// more input.
    func step(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, inputEnded: Bool)
        throws(DecompressionFailure) -> (consumed: Int, produced: Int, streamEnded: Bool)
    /// Gets ready for the next stream after one ended.
    func restart() throws(DecompressionFailure)
}

/// What a decompression library said about the data.
struct DecompressionFailure: Error {
    var detail: String
}

/// A `ByteSource` that decompresses another: the read loop every format shares (input buffering,
/// concatenated streams, truncation), with the library behind a `DecompressionCodec`.
final class DecompressingSource<Codec: DecompressionCodec>: ByteSource {
    private let upstream: ByteSource
    private let path: String
    private var codec: Codec
    private let input: UnsafeMutableRawPointer
    private let inputCapacity = 256 * 1024
    private var inputStart = 0
    private var inputCount = 0
    private var upstreamDone = false
    private var finished = false

    /// Decompresses `upstream`, the content of the file at `path` (named in errors).
    init(upstream: ByteSource, path: String) throws {
        self.upstream = upstream
        self.path = path
        do {
            codec = try Codec()
        } catch {
            throw IngestError.corrupt(path: path, format: Codec.format, detail: error.detail)
        }
        input = .allocate(byteCount: inputCapacity, alignment: 1)
    }

    deinit {
        input.deallocate()
    }

    /// Reads more compressed input once all of the last read was consumed.
    private func refill() throws {
        guard inputCount == 0 && !upstreamDone else { return }
        let n = try upstream.read(into: input, capacity: inputCapacity)
        if n == 0 { upstreamDone = true }
        inputStart = 0
        inputCount = n
    }

    /// True when the unconsumed input starts with `magic`; reads more first when fewer bytes are left
    /// (a read may end inside the next stream's magic).
    private func inputStarts(with magic: [UInt8]) throws -> Bool {
        while inputCount < magic.count && !upstreamDone {
            if inputStart > 0 {
                input.copyMemory(from: input + inputStart, byteCount: inputCount)
                inputStart = 0
            }
            let n = try upstream.read(into: input + inputCount, capacity: inputCapacity - inputCount)
            if n == 0 { upstreamDone = true }
            inputCount += n
        }
        guard inputCount >= magic.count else { return false }
        return magic.indices.allSatisfy { input.load(fromByteOffset: inputStart + $0, as: UInt8.self) == magic[$0] }
    }

    private func corrupt(_ detail: String) -> IngestError {
        .corrupt(path: path, format: Codec.format, detail: detail)
    }

    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        if finished || capacity == 0 { return 0 }
        var stalls = 0
        while true {
            try refill()
            let r: (consumed: Int, produced: Int, streamEnded: Bool)
            do {
                r = try codec.step(UnsafeRawBufferPointer(start: input + inputStart, count: inputCount),
                                   into: UnsafeMutableRawBufferPointer(start: buffer, count: capacity),
                                   inputEnded: upstreamDone)
            } catch {
                throw corrupt(error.detail)
            }
            inputStart += r.consumed
            inputCount -= r.consumed
            if r.streamEnded {
                try refill()
                if let magic = Codec.nextStreamMagic, try inputStarts(with: magic) {
                    do { try codec.restart() } catch { throw corrupt(error.detail) }
                    if r.produced > 0 { return r.produced }
                    continue
                }
                finished = true  // the end, or trailing padding or garbage, which gzip(1) ignores too
                return r.produced
            }
            if r.produced > 0 { return r.produced }
            if r.consumed == 0 {
                // No progress: the data stops before its end, or the library is stuck.
                if inputCount == 0 && upstreamDone { throw corrupt("unexpected end of file (truncated?)") }
                stalls += 1
                if stalls > 1 { throw corrupt("no progress decoding") }
            } else {
                stalls = 0
            }
        }
    }
}
