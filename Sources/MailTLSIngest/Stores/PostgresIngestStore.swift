import Foundation
import MailTLSParser
import MailTLSPostgres
import MailTLSStore

/// One ingesting host's part of the PostgreSQL fleet store as an ingest's target.
///
/// Each host keeps its own checkpoints (`sources` rows with its `ingest_host`), its own linker state and
/// its own map from linker numbers to store ids (`ingest_state` keys `linker` and `ids`): hosts ingest at
/// the same time, and the CLI holds the host's advisory lock so that one ingest per host runs at a time
/// (`PostgresStore.lockHost`). docs/fleet.md tells the whole story.
public final class PostgresIngestStore: IngestStore {
    public let store: PostgresStore
    public let ingestHost: String
    static let linkerKey = "linker"
    /// `PostgresWriter.IDState`: which block of store ids each block of linker numbers went to.
    static let idsKey = "ids"

    public init(_ store: PostgresStore, ingestHost: String) {
        self.store = store
        self.ingestHost = ingestHost
    }

    public var name: String { store.url.redacted }

    /// The writer of this ingest: its id map turns a re-read source's store ids back into linker numbers.
    private weak var writer: PostgresWriter?

    /// Tables of 8,192 slots: a PostgreSQL flush also builds the COPY text of every key and looks up
    /// their texts at once, and at 16,384 slots the ingest of a 100 MiB log peaked at 63-65 MiB.
    public var rollupKeys: Int { 6_144 - WriterThread.batchSize }

    public func makeWriter() throws -> any IngestWriter {
        let w = try PostgresWriter(store: store)
        writer = w
        return w
    }

    /// Linker numbers are the host's own (the writer maps them to store ids), so a host without saved
    /// state starts at 1.
    public func nextLinkerNumbers(savedState: Bool) throws -> (session: Int64, failure: Int64, delivery: Int64) { (1, 1, 1) }

    public func linkerState() throws -> String? { try store.state(ingestHost: ingestHost, Self.linkerKey) }

    public func saveLinkerState(_ json: String, writer: any IngestWriter) throws {
        try store.setState(ingestHost: ingestHost, Self.linkerKey, json)
        guard let w = writer as? PostgresWriter else { return }
        let ids = String(decoding: try JSONStreamEncoder().encode(w.idState), as: UTF8.self)
        try store.setState(ingestHost: ingestHost, Self.idsKey, ids)
    }

    public func restoreWriterState(_ writer: any IngestWriter) throws {
        guard let w = writer as? PostgresWriter,
              let json = try store.state(ingestHost: ingestHost, Self.idsKey) else { return }
        w.restore(try JSONDecoder().decode(PostgresWriter.IDState.self, from: Data(json.utf8)))
    }

    public func source(device: Int64, inode: Int64, size: Int64, mtime: Int64) throws -> SourceRecord? {
        try store.source(ingestHost: ingestHost, device: device, inode: inode, size: size, mtime: mtime)
    }
    public func headLengths() throws -> [Int] { try store.headLengths(ingestHost: ingestHost) }
    public func sources(headHash: String, headLength: Int) throws -> [SourceRecord] {
        try store.sources(ingestHost: ingestHost, headHash: headHash, headLength: headLength)
    }
    public func insertSource(_ r: SourceRecord) throws -> Int64 { try store.insertSource(ingestHost: ingestHost, r) }
    public func updateSource(_ r: SourceRecord) throws { try store.updateSource(r) }
    public func stateBefore(sourceID: Int64) throws -> String? { try store.stateBefore(sourceID: sourceID) }
    public func prunedBefore(sourceID: Int64) throws -> Int64? { try store.prunedBefore(sourceID: sourceID) }
    public func setStateBefore(sourceID: Int64, _ json: String) throws { try store.setStateBefore(sourceID: sourceID, json) }
    public func recordIngestRun(_ r: IngestRunRecord) throws { try store.recordIngestRun(ingestHost: ingestHost, r) }

    /// The source's rows go, with their rollup counts; their linker numbers (through the writer's id
    /// map, as saved by the runs that wrote them) are reused by the re-read so that rows of other files
    /// linked to them stay linked.
    public func removeForReingest(sourceID: Int64) throws -> (sessions: [Int64], failures: [Int64], deliveries: [Int64]) {
        let map = writer?.idState ?? PostgresWriter.IDState()
        let numbers = (
            PostgresWriter.IDState.numbers(of: try store.ids(of: CompactRows.allSessionRows, sourceID: sourceID), starts: map.sessions),
            PostgresWriter.IDState.numbers(of: try store.ids(of: "failure_rows", sourceID: sourceID), starts: map.failures),
            PostgresWriter.IDState.numbers(of: try store.ids(of: "delivery_rows", sourceID: sourceID), starts: map.deliveries))
        try store.saveCompletions(sourceID: sourceID)
        try store.keepRowsForReingest(sourceID: sourceID)
        try store.addToRollups(sourceID: sourceID, sign: -1)
        try store.deleteRows(sourceID: sourceID)
        return numbers
    }

    public func restoreKeptRows(table: String, offsets: [Int64]) throws -> Set<Int64> {
        try store.restoreKeptRows(table: table, offsets: offsets)
    }

    public func finishReingest(sourceID: Int64) throws {
        try store.restoreCompletions()
        try store.addToRollups(sourceID: sourceID, sign: 1)
    }
}
