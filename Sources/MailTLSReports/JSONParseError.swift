/// Why a JSON text could not be read.
public struct JSONParseError: Error, CustomStringConvertible, Equatable {
    /// Byte offset of the problem.
    public var offset: Int
    /// What was wrong.
    public var message: String
    /// `expected ':' at byte 12`.
    public var description: String { "\(message) at byte \(offset)" }
}
