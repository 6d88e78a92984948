import Foundation
@testable import MailTLSIngest
import MailTLSParser
import MailTLSStore
import MailTLSTestSupport
import Testing

/// `JSONStreamEncoder` writes the document `JSONEncoder` writes, which `JSONDecoder` reads back: for
/// every shape `Codable` makes, and for the linker state of real logs of the three MTAs.
@Suite struct JSONStreamEncoderTests {
    struct Pair: Codable, Hashable { var host: String; var pid: Int32 }
    enum Kind: String, Codable { case server, client }
    enum Event: Codable, Equatable { case opened(id: Int64, peer: String?), closed, moved(Int, String) }
    struct Inner: Codable, Equatable { var name: String; var ids: [Int64] }

    struct Sample: Codable, Equatable {
        var text = "quote \" backslash \\ slash / newline \n tab \t return \r bell \u{07} nul \u{00} é 😀 \u{7F}"
        var empty = ""
        var yes = true
        var no = false
        var int = -42
        var int8: Int8 = -128
        var uint8: UInt8 = 255
        var int32 = Int32.min
        var int64 = Int64.min
        var uint64 = UInt64.max
        var doubles: [Double] = [0.1, 1, -2.5e-10, 1e300, 123456789.125]
        var float: Float = 0.25
        var missing: String?
        var present: String? = "here"
        var optionals: [Int64?] = [1, nil, 3, nil]
        var byName: [String: Int64] = ["a": 1, "b/c": 2, "\"": 3]
        var byNumber: [Int64: Int64] = [65537: 1, -1: 2]
        var byPair: [Pair: Kind] = [Pair(host: "mx1", pid: 7): .server, Pair(host: "mx2", pid: 8): .client]
        var nested: [[Inner]] = [[Inner(name: "x", ids: [])], [], [Inner(name: "y", ids: [1, 2])]]
        var events: [Event] = [.opened(id: 9, peer: nil), .closed, .moved(3, "z")]
        var noKeys: [String: Int] = [:]
        var bytes = Data([0, 1, 2, 250, 255])
    }

    /// The two encoders' documents, parsed, are equal (the same value, the same order of calls).
    static func sameDocument<T: Encodable>(_ value: T) throws -> Bool {
        let stream = try JSONStreamEncoder().encode(value)
        let foundation = try JSONEncoder().encode(value)
        let a = try JSONSerialization.jsonObject(with: Data(stream), options: [.fragmentsAllowed]) as? NSObject
        let b = try JSONSerialization.jsonObject(with: foundation, options: [.fragmentsAllowed]) as? NSObject
        return a != nil && a == b
    }

    @Test func everyShapeReadsBackTheSame() throws {
        let value = Sample()
        let json = try JSONStreamEncoder().encode(value)
        #expect(try JSONDecoder().decode(Sample.self, from: Data(json)) == value)
        #expect(try Self.sameDocument(value))
        // Control bytes are escaped: the document has none raw.
        #expect(!json.contains { $0 < 0x20 })
    }

    @Test func topLevelValuesOfEveryKind() throws {
        #expect(try JSONStreamEncoder().encode("a\"b") == Array(#""a\"b""#.utf8))
        #expect(try JSONStreamEncoder().encode([Int64]()) == Array("[]".utf8))
        #expect(try JSONStreamEncoder().encode([String: [Int]]()) == Array("{}".utf8))
        #expect(try JSONStreamEncoder().encode([[1], [2, 3]]) == Array("[[1],[2,3]]".utf8))
        #expect(try JSONDecoder().decode(Int64?.self, from: Data(try JSONStreamEncoder().encode(nil as Int64?))) == nil)
    }

    @Test func aNumberJSONCannotHoldIsAnError() {
        #expect(throws: JSONStreamEncoder.EncodingFailure.self) { try JSONStreamEncoder().encode(["x": Double.nan]) }
        #expect(throws: JSONStreamEncoder.EncodingFailure.self) { try JSONStreamEncoder().encode([Float.infinity]) }
    }

    /// The linker's open sessions after real logs of each MTA (cut where sessions are still open): the
    /// document JSONEncoder writes, and a linker read back from it saves the same again.
    @Test(arguments: ["multihost.log", "outbound.log", "isp-relay.log", "postfix.log", "exim.log"])
    func theLinkerStateOfARealLog(sample: String) throws {
        let dir = try TempDir()
        let lines = try String(contentsOfFile: repositoryRoot.appendingPathComponent("Samples/\(sample)").path, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        // The first two thirds: a log cut while sessions are open, as at a part's commit.
        let log = try dir.write("maillog", lines.prefix(lines.count * 2 / 3).joined(separator: "\n") + "\n")
        let ingester = try Ingester(store: try Store(path: dir.path("t.db")),
                                    options: IngestOptions(year: 2026, timeZone: TimeZone(identifier: "UTC")!))
        let summary = ingester.ingest(paths: [log])
        #expect(summary.failedFiles.isEmpty)
        let linker = ingester.linker
        let json = try JSONStreamEncoder().encode(linker)
        #expect(json.count > 100, "a state with open sessions: \(String(decoding: json, as: UTF8.self))")
        #expect(try Self.sameDocument(linker))
        let readBack = try JSONDecoder().decode(SessionLinker.self, from: Data(json))
        #expect(try JSONStreamEncoder().encode(readBack).count == json.count)
        #expect(try Self.sameDocument(readBack))
    }
}
