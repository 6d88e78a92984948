/// An input file the store has read, and how far: the checkpoint of incremental ingest.
public struct SourceRecord: Sendable, Equatable {
    public var id: Int64
    /// Where it was last seen.
    public var path: String
    public var device: Int64?
    public var inode: Int64?
    public var size: Int64?
    public var mtime: Int64?
    /// Bytes of decompressed content consumed (after the last complete line).
    public var offset: Int64
    public var headLength: Int?
    public var headHash: String?
    public var tailHash: String?
    public var compression: String?
    public var lines: Int64
    public var lastIngest: String?

    public init(id: Int64 = 0, path: String, device: Int64? = nil, inode: Int64? = nil, size: Int64? = nil,
                mtime: Int64? = nil, offset: Int64 = 0, headLength: Int? = nil, headHash: String? = nil,
                tailHash: String? = nil, compression: String? = nil, lines: Int64 = 0, lastIngest: String? = nil) {
        self.id = id
        self.path = path
        self.device = device
        self.inode = inode
        self.size = size
        self.mtime = mtime
        self.offset = offset
        self.headLength = headLength
        self.headHash = headHash
        self.tailHash = tailHash
        self.compression = compression
        self.lines = lines
        self.lastIngest = lastIngest
    }
}
