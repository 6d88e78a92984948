import MailTLSReports

/// The truth file is written with the reports' JSON type and printer (`MailTLSReports.JSONValue`),
/// the one JSON writer of the project; these are the generator's shorthands for it.
extension JSONValue {
    static func int(_ v: Int) -> JSONValue { .number(String(v)) }
    static func uint(_ v: UInt64) -> JSONValue { .number(String(v)) }
    /// A ratio rounded to 4 decimals, as the reports print rates (`0.7778`, `1.0`).
    static func rate(_ d: Double) -> JSONValue { .number("\((d * 10000).rounded() / 10000)") }

    /// The document with object keys sorted, pretty-printed, ending with a newline: a truth file
    /// that diffs well between seeds and versions.
    func serialized() -> String {
        sortedKeys.prettyText + "\n"
    }

    private var sortedKeys: JSONValue {
        switch self {
        case .object(let members):
            return .object(members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { (key: $0.key, value: $0.value.sortedKeys) })
        case .array(let items):
            return .array(items.map(\.sortedKeys))
        default:
            return self
        }
    }
}
