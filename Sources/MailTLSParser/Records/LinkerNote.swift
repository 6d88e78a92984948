/// A fact an MTA's parser passes to its own linker without it becoming a row (`LogEvent.linkerNote`):
/// the end of a connection and what its counters say, a queue manager's sender and size, a warning
/// that gives the reason of the failure on the next line.
///
/// The fields are generic on purpose, so that no shared type names an MTA: `kind` is numbered by
/// the MTA that makes the note (Postfix: `PostfixNote`), and only that MTA's linker reads it.
public struct LinkerNote: Sendable, Equatable, Codable {
    /// What the note says, in the numbering of the MTA that made it.
    public var kind: UInt8
    /// The peer the line names, if any.
    public var relay: Relay?
    /// A text the line carries (a sender, a message id, a warning).
    public var text: String?
    /// Numbers the line carries (a size, a recipient count).
    public var size: Int?
    public var count: Int?
    /// A yes/no the line carries (Postfix: STARTTLS succeeded on the connection).
    public var flag: Bool

    public init(kind: UInt8, relay: Relay? = nil, text: String? = nil, size: Int? = nil, count: Int? = nil,
                flag: Bool = false) {
        self.kind = kind
        self.relay = relay
        self.text = text
        self.size = size
        self.count = count
        self.flag = flag
    }
}
