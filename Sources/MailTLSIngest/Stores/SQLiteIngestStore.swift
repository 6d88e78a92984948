import MailTLSParser
import MailTLSStore

/// The SQLite store as an ingest's target: one file, one writer at a time (the CLI holds its lock).
/// Linker numbers are the row ids themselves.
public final class SQLiteIngestStore: IngestStore {
    public let store: Store
    static let linkerStateKey = "linker"

    public init(_ store: Store) { self.store = store }

    public var name: String { store.path }

    public func makeWriter() throws -> any IngestWriter { try StoreWriter(store: store) }

    /// Tables of 16,384 slots (about 5 MB for all six): half as many flushes as at 8,192 slots, whose
    /// repeated upserts cost 2-7 % more CPU on a 200 MiB log.
    public var rollupKeys: Int { 12_288 - WriterThread.batchSize }

    public func nextLinkerNumbers(savedState: Bool) throws -> (session: Int64, failure: Int64, delivery: Int64) {
        (try store.nextSessionID(scan: !savedState), try store.nextFailureID(), try store.nextDeliveryID())
    }

    public func linkerState() throws -> String? { try store.state(Self.linkerStateKey) }
    public func saveLinkerState(_ json: String, writer: any IngestWriter) throws { try store.setState(Self.linkerStateKey, json) }
    public func restoreWriterState(_ writer: any IngestWriter) throws {}

    public func source(device: Int64, inode: Int64, size: Int64, mtime: Int64) throws -> SourceRecord? {
        try store.source(device: device, inode: inode, size: size, mtime: mtime)
    }
    public func headLengths() throws -> [Int] { try store.headLengths() }
    public func sources(headHash: String, headLength: Int) throws -> [SourceRecord] {
        try store.sources(headHash: headHash, headLength: headLength)
    }
    public func insertSource(_ r: SourceRecord) throws -> Int64 { try store.insertSource(r) }
    public func updateSource(_ r: SourceRecord) throws { try store.updateSource(r) }
    public func stateBefore(sourceID: Int64) throws -> String? { try store.stateBefore(sourceID: sourceID) }
    public func prunedBefore(sourceID: Int64) throws -> Int64? { try store.prunedBefore(sourceID: sourceID) }
    public func setStateBefore(sourceID: Int64, _ json: String) throws { try store.setStateBefore(sourceID: sourceID, json) }
    public func recordIngestRun(_ r: IngestRunRecord) throws { try store.recordIngestRun(r) }

    public func removeForReingest(sourceID: Int64) throws -> (sessions: [Int64], failures: [Int64], deliveries: [Int64]) {
        let ids = (try store.sessionIDs(sourceID: sourceID), try store.failureIDs(sourceID: sourceID),
                   try store.deliveryIDs(sourceID: sourceID))
        try store.saveCompletions(sourceID: sourceID)
        try store.keepRowsForReingest(sourceID: sourceID)
        try store.removeFromRollups(sourceID: sourceID)
        try store.deleteRows(sourceID: sourceID)
        return ids
    }

    public func restoreKeptRows(table: String, offsets: [Int64]) throws -> Set<Int64> {
        try store.restoreKeptRows(table: table, offsets: offsets)
    }

    public func finishReingest(sourceID: Int64) throws {
        try store.restoreCompletions()
        try store.dropKeptRows()
        try store.addToRollups(sourceID: sourceID)
    }
}
