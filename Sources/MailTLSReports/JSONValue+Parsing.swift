extension JSONValue {
    /// Parses one JSON document (RFC 8259), keeping object keys in order.
    public init(parsing text: String) throws {
        var parser = JSONParser(bytes: Array(text.utf8))
        self = try parser.document()
    }
}
