/// What the linker remembers about one (host, pid) between lines.
struct SessionState: Sendable, Codable {
    /// A STARTTLS=server handshake whose SMTP session is still open.
    struct OpenServer: Sendable, Codable {
        var id: Int64
        var relay: Relay
    }
    /// A STARTTLS=client handshake that later `to=` lines of the same relay name may use.
    struct OpenClient: Sendable, Codable {
        var id: Int64
        var name: String
    }

    /// Newest line time seen for this key (UTC seconds).
    var lastSeen: Int64
    var server: OpenServer?
    /// Most recent last; bounded by `SessionLinker.maxClientSessions`.
    var clients: [OpenClient] = []
    /// The handshake failure just written, which the next line (its ruleset reject, or the `to=`
    /// that names its peer) may complete.
    struct OpenFailure: Sendable, Codable {
        var id: Int64
        var needsPeer: Bool
    }
    var openFailure: OpenFailure?
    /// The delivery a `to=… [more]` piece just wrote, which the next `to=` line of the same queue id
    /// continues.
    struct OpenDelivery: Sendable, Codable {
        var id: Int64
        var queueID: String?
    }
    var openDelivery: OpenDelivery?

    init(lastSeen: Int64) {
        self.lastSeen = lastSeen
    }

    /// What one key costs besides its Strings: the state, its dictionary slot and saving it. Set when
    /// saving went through Foundation's JSON encoder (30,000 keys without relays took 17 MB of heap
    /// there, about 570 bytes a key); the ingest's own encoder (`JSONStreamEncoder`) holds only the
    /// output, and the figure stays as a margin. With 400, `SendmailLinker.maxOpenBytes` keeps about
    /// 5,000 such keys.
    static let keyBytes = 400

    /// The bytes this state holds, roughly (`SendmailLinker.maxOpenBytes`).
    var approximateBytes: Int {
        var n = Self.keyBytes + (server?.relay.approximateBytes ?? 0) + (openDelivery?.queueID?.utf8.count ?? 0)
        for c in clients { n += c.name.utf8.count + 16 }
        return n
    }

}
