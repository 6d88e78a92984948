import Foundation

/// Encodes a value as JSON straight into bytes: the linker's open sessions, saved with every part's
/// checkpoint (`Ingester.saveLinker`).
///
/// Foundation's `JSONEncoder` first builds the whole document as a tree of dictionaries and arrays,
/// then writes it: for the 190 KB of a busy sendmail log's open sessions, about 6 MB of heap at each
/// part's commit (the ingest's peak of memory: docs/performance.md, "Memory of a PostgreSQL ingest")
/// and 65 M instructions. This one writes each value as it is given, so it holds nothing but the
/// output. `JSONDecoder` reads what it writes: the same JSON (object keys in the order they were
/// encoded, `/` not escaped, numbers as Swift prints them).
///
/// It relies on what `Codable` code does anyway: a container is written to until the next value of
/// an enclosing container is; an open container is closed (`}` or `]`) when its parent writes again,
/// or at the end.
struct JSONStreamEncoder {
    enum EncodingFailure: Error, CustomStringConvertible {
        case notFinite(Double, codingPath: [CodingKey])

        var description: String {
            switch self {
            case .notFinite(let v, let path):
                return "cannot encode \(v) as JSON at \(path.map(\.stringValue).joined(separator: "."))"
            }
        }
    }

    /// The JSON of `value`.
    func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let state = StreamState()
        try state.write(value, depth: 0, codingPath: [])
        state.close(downTo: 0)
        return state.out
    }
}

/// The output and the containers open in it, outermost first.
private final class StreamState {
    var out: [UInt8] = []
    /// Each open container: whether it is an object (else an array), and how many members it has.
    var open: [(isObject: Bool, members: Int)] = []

    init() { out.reserveCapacity(64 * 1024) }

    /// Closes the containers deeper than `depth` (those of values already written).
    func close(downTo depth: Int) {
        while open.count > depth {
            out.append(open.removeLast().isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    /// Opens a container for a value at `depth` (closing what is left of a sibling's first).
    func openContainer(object: Bool, depth: Int) {
        close(downTo: depth)
        out.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        open.append((object, 0))
    }

    /// Starts the next member of the container at index `container`: a comma after the first.
    func startMember(of container: Int) {
        close(downTo: container + 1)
        if open[container].members > 0 { out.append(UInt8(ascii: ",")) }
        open[container].members += 1
    }

    func writeKey(_ key: String) {
        writeString(key)
        out.append(UInt8(ascii: ":"))
    }

    /// Writes `value`, whose containers (if any) open at `depth`.
    func write<T: Encodable>(_ value: T, depth: Int, codingPath: [CodingKey]) throws {
        // The primitives first: the containers' overloads for them end up here too.
        switch value {
        case let v as String: writeString(v)
        case let v as Bool: writeLiteral(v ? "true" : "false")
        case let v as Int64: writeLiteral(String(v))
        case let v as Int: writeLiteral(String(v))
        case let v as any BinaryInteger: writeLiteral(String(describing: v))
        case let v as Double: try writeDouble(v, codingPath)
        case let v as Float:
            guard v.isFinite else { throw JSONStreamEncoder.EncodingFailure.notFinite(Double(v), codingPath: codingPath) }
            writeLiteral("\(v)")
        // What JSONDecoder reads by default: Data as base64, a URL as its string.
        case let v as Data: writeString(v.base64EncodedString())
        case let v as URL: writeString(v.absoluteString)
        default:
            let before = out.count
            try value.encode(to: StreamEncoder(state: self, depth: depth, codingPath: codingPath))
            if out.count == before { writeLiteral("{}") }   // a value that wrote nothing: as JSONEncoder
            close(downTo: depth)
        }
    }

    func writeLiteral(_ s: String) {
        out.append(contentsOf: s.utf8)
    }

    func writeDouble(_ v: Double, _ codingPath: [CodingKey]) throws {
        guard v.isFinite else { throw JSONStreamEncoder.EncodingFailure.notFinite(v, codingPath: codingPath) }
        writeLiteral(v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)")
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string: `"` and `\` escaped, control bytes as `\n`, `\t`, … or `\u00XX`; other bytes
    /// (UTF-8) as they are.
    func writeString(_ s: String) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                start = i + 1
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            Self.hex[Int(b >> 4)], Self.hex[Int(b & 0xF)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The `Encoder` a value writes itself to: its containers open at `depth`.
private struct StreamEncoder: Encoder {
    let state: StreamState
    let depth: Int
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy: Key.Type) -> KeyedEncodingContainer<Key> {
        state.openContainer(object: true, depth: depth)
        return KeyedEncodingContainer(StreamKeyedContainer<Key>(state: state, index: depth, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        state.openContainer(object: false, depth: depth)
        return StreamUnkeyedContainer(state: state, index: depth, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        StreamSingleValueContainer(state: state, depth: depth, codingPath: codingPath)
    }
}

/// A key for `superEncoder` and for the members of unkeyed containers in coding paths.
private struct StreamKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

private struct StreamKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: StreamState
    /// This container's place in `state.open` (its members' containers open one deeper).
    let index: Int
    let codingPath: [CodingKey]

    private func member(_ key: CodingKey) {
        state.startMember(of: index)
        state.writeKey(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        member(key)
        state.writeLiteral("null")
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        member(key)
        try state.write(value, depth: index + 1, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        member(key)
        return StreamEncoder(state: state, depth: index + 1, codingPath: codingPath + [key]).container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        member(key)
        return StreamEncoder(state: state, depth: index + 1, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        member(StreamKey(stringValue: "super"))
        return StreamEncoder(state: state, depth: index + 1, codingPath: codingPath + [StreamKey(stringValue: "super")])
    }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        member(key)
        return StreamEncoder(state: state, depth: index + 1, codingPath: codingPath + [key])
    }
}

private struct StreamUnkeyedContainer: UnkeyedEncodingContainer {
    let state: StreamState
    let index: Int
    let codingPath: [CodingKey]
    var count: Int { state.open.count > index ? state.open[index].members : 0 }

    private func path() -> [CodingKey] { codingPath + [StreamKey(intValue: count)] }

    mutating func encodeNil() throws {
        state.startMember(of: index)
        state.writeLiteral("null")
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let p = path()
        state.startMember(of: index)
        try state.write(value, depth: index + 1, codingPath: p)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let p = path()
        state.startMember(of: index)
        return StreamEncoder(state: state, depth: index + 1, codingPath: p).container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let p = path()
        state.startMember(of: index)
        return StreamEncoder(state: state, depth: index + 1, codingPath: p).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        let p = path()
        state.startMember(of: index)
        return StreamEncoder(state: state, depth: index + 1, codingPath: p)
    }
}

private struct StreamSingleValueContainer: SingleValueEncodingContainer {
    let state: StreamState
    let depth: Int
    let codingPath: [CodingKey]

    mutating func encodeNil() throws { state.writeLiteral("null") }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try state.write(value, depth: depth, codingPath: codingPath)
    }
}
