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
    var reusableSessions: [Int64] = []
    var reusableFailures: [Int64] = []
    var reusableDeliveries: [Int64] = []

    public init(firstSession: Int64 = 1) {
        nextSession = firstSession
    }

    /// The id of a new `tls_sessions` row.
    public mutating func session() -> Int64 {
        if !reusableSessions.isEmpty { return reusableSessions.removeFirst() }
        defer { nextSession += 1 }
        return nextSession
    }

    /// The id of a new `tls_failures` row.
    public mutating func failure() -> Int64 {
        if !reusableFailures.isEmpty { return reusableFailures.removeFirst() }
        defer { nextFailure += 1 }
        return nextFailure
    }

    /// The id of a new `deliveries` row.
    public mutating func delivery() -> Int64 {
        if !reusableDeliveries.isEmpty { return reusableDeliveries.removeFirst() }
        defer { nextDelivery += 1 }
        return nextDelivery
    }

    /// Hands out `ids` (in order) before new ones.
    public mutating func reuseSessions(_ ids: [Int64]) { reusableSessions = ids }
    public mutating func reuseFailures(_ ids: [Int64]) { reusableFailures = ids }
    public mutating func reuseDeliveries(_ ids: [Int64]) { reusableDeliveries = ids }

    /// Move a counter forward (never back), e.g. past the store's highest id.
    public mutating func reserveSessions(from id: Int64) { nextSession = max(nextSession, id) }
    public mutating func reserveFailures(from id: Int64) { nextFailure = max(nextFailure, id) }
    public mutating func reserveDeliveries(from id: Int64) { nextDelivery = max(nextDelivery, id) }
}
