/// A stream of bytes: a file, standard input, or a decompressor over one of those.
public protocol ByteSource: AnyObject {
    /// Reads up to `capacity` bytes into `buffer`; returns 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int
}
