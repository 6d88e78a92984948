/// The ids linkers give the rows that later lines point at or complete: TLS sessions (messages,
/// deliveries and AUTH point at them), handshake failures and deliveries (later lines complete them).
///
/// Shared by every MTA's linker, so one store holds rows of several MTAs without a clash. A
/// `--reingest` hands a file's old ids out again first (`reuse…`), so rows of other files that point at
/// them stay linked.
public struct RowIDs: Sendable, Codable, Equatable {
    public private(set) var nextSession: Int64
    public private(set) var nextFailure: Int64 = 1
    public private(set) var nextDelivery: Int64 = 1
    var reusableSessions = IDQueue()
    var reusableFailures = IDQueue()
    var reusableDeliveries = IDQueue()

    public init(firstSession: Int64 = 1) {
        nextSession = firstSession
    }

    /// Records before this time take new ids, not the ones handed out again (`reuse…`): after
    /// `prune`, a re-read file's rows before its cutoff are not stored again, and the lists hold
    /// the ids of its rows that prune kept (`Ingester.beginReingest`). Not saved: it is the re-read's.
    public var reuseFrom = Int64.min

    private enum CodingKeys: String, CodingKey {
        case nextSession, nextFailure, nextDelivery, reusableSessions, reusableFailures, reusableDeliveries
    }

    /// An id handed out again (for a record at or after `reuseFrom`), else the next new one.
    private func take(_ reusable: inout IDQueue, _ next: inout Int64, at time: Int64) -> Int64 {
        if time >= reuseFrom, let id = reusable.pop() { return id }
        defer { next += 1 }
        return next
    }

    /// The id of a new `tls_sessions` row, for a record at `time`.
    public mutating func session(at time: Int64 = .max) -> Int64 {
        take(&reusableSessions, &nextSession, at: time)
    }

    /// The id of a new `tls_failures` row, for a record at `time`.
    public mutating func failure(at time: Int64 = .max) -> Int64 {
        take(&reusableFailures, &nextFailure, at: time)
    }

    /// The id of delivery `d`'s row, for a record at `time`: a new one when it is a row (a network
    /// mailer's delivery), 0 for a local one, which is counted, not stored. So the ids a file's
    /// deliveries got are the ids of its rows, in order, and a `--reingest` that hands them out again
    /// gives each row its old id (local deliveries took ids too before, and the re-read handed the
    /// rows' ids to them).
    public mutating func delivery(_ d: Delivery, at time: Int64 = .max) -> Int64 {
        delivery(networkMailer: d.usesNetworkMailer, at: time)
    }

    /// The id of a delivery's row when it went through a network mailer (`Delivery.usesNetworkMailer`),
    /// else 0 (see `delivery(_:at:)`).
    public mutating func delivery(networkMailer: Bool, at time: Int64 = .max) -> Int64 {
        networkMailer ? take(&reusableDeliveries, &nextDelivery, at: time) : 0
    }

    /// Hands out `ids` (in order) before new ones.
    public mutating func reuseSessions(_ ids: [Int64]) { reusableSessions = IDQueue(ids) }
    public mutating func reuseFailures(_ ids: [Int64]) { reusableFailures = IDQueue(ids) }
    public mutating func reuseDeliveries(_ ids: [Int64]) { reusableDeliveries = IDQueue(ids) }

    /// Move a counter forward (never back), e.g. past the store's highest id.
    public mutating func reserveSessions(from id: Int64) { nextSession = max(nextSession, id) }
    public mutating func reserveFailures(from id: Int64) { nextFailure = max(nextFailure, id) }
    public mutating func reserveDeliveries(from id: Int64) { nextDelivery = max(nextDelivery, id) }
}

/// Ids to hand out again, oldest first (`RowIDs.reuse…`). Taking one moves a cursor: `removeFirst` on
/// the array moved every id left, which made a `--reingest` of a file with 200,000 deliveries spend a
/// quarter of its time in memmove. Saved as the array of the ids left, as before.
struct IDQueue: Sendable, Codable, Equatable {
    private var ids: [Int64]
    private var head = 0

    init(_ ids: [Int64] = []) { self.ids = ids }

    /// The next id, nil when none is left.
    mutating func pop() -> Int64? {
        guard head < ids.count else { return nil }
        defer {
            head += 1
            if head == ids.count { ids = []; head = 0 }
        }
        return ids[head]
    }

    var left: ArraySlice<Int64> { ids[head...] }

    init(from decoder: any Decoder) throws {
        ids = try decoder.singleValueContainer().decode([Int64].self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Array(left))
    }

    static func == (a: IDQueue, b: IDQueue) -> Bool { a.left.elementsEqual(b.left) }
}
