/// The MTAs mailtls reads, in the order their parsers are asked to claim a line.
///
/// Adding an MTA: a folder with its `MTAParser` and `MTALinker`, its `MTA` value (a new code), one
/// line here, and its tests (docs/parsing.md, "Adding an MTA"). sendmail comes last: it claims every
/// tag and recognises its lines by their content.
public enum MTARegistry {
    public static let parsers: [any MTAParser.Type] = [PostfixParser.self, EximParser.self, SendmailParser.self]

    /// Every registered MTA, by code.
    public static let all: [MTA] = parsers.map { $0.mta }.sorted { $0.code < $1.code }

    /// The MTA with this name (`postfix`), or nil.
    public static func mta(named name: String) -> MTA? {
        all.first { $0.name == name }
    }
}
