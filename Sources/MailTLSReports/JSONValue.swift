/// A JSON value that keeps the order of object keys, as written by SQLite's `json_object()`.
///
/// The summary is built as one JSON document by `Queries/summary.sql`; this type reads it back so it
/// can be printed (keys in the query's order), rendered as a table, or checked by scripts and tests.
/// Numbers keep their text, so they print exactly as SQLite wrote them.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as written (`3`, `0.6667`, `1.0e-05`).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order.
    case object([(key: String, value: JSONValue)])

    /// The member `key` of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// The element at `index` of an array (nil when out of range or not an array).
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// The value as an integer, when it is a whole number.
    public var int: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }

    /// The value as a floating-point number.
    public var double: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    /// The value as a string, when it is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// True for strings, numbers, booleans and null.
    public var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    /// Equal values; numbers compare by value (`1.0` equals `1.00`), object members in order.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y || (Double(x) != nil && Double(x) == Double(y))
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}
