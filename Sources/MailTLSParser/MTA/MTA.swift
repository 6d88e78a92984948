/// A mail transfer agent whose logs mailtls reads: sendmail, Postfix, Exim.
///
/// Every record and every stored row carries the MTA that logged it (the `mta` column). `code` is what
/// the store keeps in its rows (`mtas.id`); codes are fixed once released: never reuse or renumber one.
/// Each MTA declares its value in its own folder (`MTA.postfix` in `Postfix/`) and registers its
/// parser in `MTARegistry`.
public struct MTA: Sendable, Hashable, CustomStringConvertible {
    /// The stored code (`mtas.id`), also the index of the MTA's linker in `SessionLinker`.
    public let code: UInt8
    /// The name users filter by (`--mta postfix`) and the `mta` column shows.
    public let name: String

    public init(code: UInt8, name: String) {
        self.code = code
        self.name = name
    }

    public var description: String { name }

    public static func == (a: MTA, b: MTA) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }
}

/// Saved (in the linker state that records held back by a linker are part of) as the MTA's name.
extension MTA: Codable {
    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let mta = MTARegistry.mta(named: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown MTA '\(name)'"))
        }
        self = mta
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
