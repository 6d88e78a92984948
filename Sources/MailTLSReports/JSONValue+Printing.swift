extension JSONValue {
    /// The value on one line: `{"a": 1, "b": [2, 3]}`.
    public var compactText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return JSONText.quote(s)
        case .array(let items): return "[" + items.map(\.compactText).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { JSONText.quote($0.key) + ": " + $0.value.compactText }.joined(separator: ", ") + "}"
        }
    }

    /// The value indented by two spaces per level, keys in order. Objects and arrays that hold only
    /// scalars stay on one line, so a daily entry or a `by_role` reads as one row.
    public var prettyText: String {
        var out = ""
        pretty(into: &out, indent: "")
        return out
    }

    private var isFlat: Bool {
        switch self {
        case .array(let items): return items.allSatisfy(\.isScalar)
        case .object(let members): return members.allSatisfy { $0.value.isScalar }
        default: return true
        }
    }

    private func pretty(into out: inout String, indent: String) {
        if isFlat { out += compactText; return }
        let inner = indent + "  "
        switch self {
        case .array(let items):
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                item.pretty(into: &out, indent: inner)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let members):
            out += "{\n"
            for (i, m) in members.enumerated() {
                out += inner + JSONText.quote(m.key) + ": "
                m.value.pretty(into: &out, indent: inner)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += indent + "}"
        default:
            out += compactText
        }
    }
}
