/// Links records to the TLS sessions that carried them, for every MTA: each record goes to its MTA's
/// linker (`MTALinker`), and all of them take row ids from one `RowIDs`.
///
/// It is a value type: copy it to snapshot the state before a file, restore the copy if the file
/// fails. It is `Codable` so the open sessions (and records a linker holds back) are saved between
/// runs, in the same transaction as the rows and the checkpoint.
public struct SessionLinker: Sendable, Codable {
    /// Seconds without a line from a session after which it is over (pids and connections are reused).
    /// Set on every MTA's linker (`--session-gap` applies to states saved by an earlier run too).
    public var sessionGap: Int64 {
        didSet { for i in linkers.indices { linkers[i].sessionGap = sessionGap } }
    }
    /// The row ids handed out so far.
    public private(set) var ids: RowIDs
    /// One linker per registered MTA, at the index of its code.
    private var linkers: [any MTALinker]

    public init(sessionGap: Int64 = 30 * 60, firstSessionID: Int64 = 1) {
        self.sessionGap = sessionGap
        self.ids = RowIDs(firstSession: firstSessionID)
        self.linkers = Self.emptyLinkers(sessionGap: sessionGap)
    }

    private static func emptyLinkers(sessionGap: Int64) -> [any MTALinker] {
        var linkers: [(UInt8, any MTALinker)] = []
        for p in MTARegistry.parsers { linkers.append((p.mta.code, p.makeLinker(sessionGap: sessionGap))) }
        precondition(linkers.map { Int($0.0) }.sorted() == Array(0..<linkers.count), "MTA codes must be 0..<n")
        return linkers.sorted { $0.0 < $1.0 }.map { $0.1 }
    }

    public var nextSessionID: Int64 { ids.nextSession }
    public var nextFailureID: Int64 { ids.nextFailure }
    public var nextDeliveryID: Int64 { ids.nextDelivery }

    /// Open sessions and connections remembered, all MTAs together.
    public var openKeys: Int { linkers.reduce(0) { $0 + $1.openKeys } }

    /// Hands out `ids` (in order) before new ones: re-reading a file gives its rows back their old ids,
    /// so rows of other files that point at them stay linked.
    public mutating func reuseSessionIDs(_ ids: [Int64]) { self.ids.reuseSessions(ids) }
    public mutating func reuseFailureIDs(_ ids: [Int64]) { self.ids.reuseFailures(ids) }
    public mutating func reuseDeliveryIDs(_ ids: [Int64]) { self.ids.reuseDeliveries(ids) }
    /// Hands the ids out again only to records at or after `time` (`RowIDs.reuseFrom`).
    public mutating func reuseIDs(from time: Int64) { ids.reuseFrom = time }

    /// Gives the records the linkers hold their source's new id (`MTALinker.renumberSources`).
    public mutating func renumberSources(_ map: [Int64: Int64]) {
        for i in linkers.indices { linkers[i].renumberSources(map) }
    }

    /// Move an id counter forward (never back), e.g. after reading the store's highest id.
    public mutating func reserveSessionIDs(from id: Int64) { ids.reserveSessions(from: id) }
    public mutating func reserveFailureIDs(from id: Int64) { ids.reserveFailures(from: id) }
    public mutating func reserveDeliveryIDs(from id: Int64) { ids.reserveDeliveries(from: id) }

    /// Links one record (with its MTA's linker) and passes it, and any rows it completes or releases,
    /// to `emit` in order.
    public mutating func link(_ record: consuming LogRecord, emit: (consuming LogRecord) -> Void) {
        linkers[Int(record.mta.code)].link(record, ids: &ids, emit: emit)
    }

    /// Forgets idle sessions in every MTA's linker (emitting what they held back); call before saving.
    public mutating func compact(emit: (consuming LogRecord) -> Void) {
        for i in linkers.indices { linkers[i].compact(ids: &ids, emit: emit) }
    }

    /// The end of all input (no later run will read on, as for a one-off report): every session and
    /// connection is over, so what a linker still holds for one (Postfix's messages until their
    /// connection ends, a handshake failure until its reason line) is emitted. One mechanism for all
    /// MTAs: a sweep in which nothing counts as recent (a session gap of -1 second).
    public mutating func finish(emit: (consuming LogRecord) -> Void) {
        for i in linkers.indices {
            let gap = linkers[i].sessionGap
            linkers[i].sessionGap = -1
            linkers[i].compact(ids: &ids, emit: emit)
            linkers[i].sessionGap = gap
        }
    }

    // MARK: Saving

    private enum Keys: String, CodingKey { case sessionGap, ids, linkers }

    private struct NameKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Before v4 the state was sendmail's alone, with the id counters beside it.
    private struct SavedBeforeV4: Decodable {
        var sessionGap: Int64
        var nextSessionID: Int64
        var reusableIDs: [Int64]
        var nextFailureID: Int64
        var reusableFailureIDs: [Int64]
        var nextDeliveryID: Int64
        var reusableDeliveryIDs: [Int64]
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if !c.contains(.linkers) {
            let old = try SavedBeforeV4(from: decoder)
            self.init(sessionGap: old.sessionGap, firstSessionID: old.nextSessionID)
            ids.reuseSessions(old.reusableIDs)
            ids.reserveFailures(from: old.nextFailureID)
            ids.reuseFailures(old.reusableFailureIDs)
            ids.reserveDeliveries(from: old.nextDeliveryID)
            ids.reuseDeliveries(old.reusableDeliveryIDs)
            linkers[Int(MTA.sendmail.code)] = try SendmailLinker(from: decoder)
            return
        }
        self.init(sessionGap: try c.decode(Int64.self, forKey: .sessionGap))
        ids = try c.decode(RowIDs.self, forKey: .ids)
        let saved = try c.nestedContainer(keyedBy: NameKey.self, forKey: .linkers)
        for p in MTARegistry.parsers {
            let key = NameKey(stringValue: p.mta.name)
            if saved.contains(key) { linkers[Int(p.mta.code)] = try Self.decodeLinker(p, saved, key) }
        }
    }

    private static func decodeLinker<P: MTAParser>(_: P.Type, _ c: KeyedDecodingContainer<NameKey>,
                                                   _ key: NameKey) throws -> any MTALinker {
        try c.decode(P.Linker.self, forKey: key)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(sessionGap, forKey: .sessionGap)
        try c.encode(ids, forKey: .ids)
        var saved = c.nestedContainer(keyedBy: NameKey.self, forKey: .linkers)
        for p in MTARegistry.parsers {
            let linker = linkers[Int(p.mta.code)]
            try Self.encodeLinker(linker, &saved, NameKey(stringValue: p.mta.name))
        }
    }

    private static func encodeLinker<L: MTALinker>(_ linker: L, _ c: inout KeyedEncodingContainer<NameKey>,
                                                   _ key: NameKey) throws {
        try c.encode(linker, forKey: key)
    }
}
