/// What `PostfixLinker` remembers about one smtpd or smtp process (syslog host, pid) while a
/// connection is open: its TLS sessions, and the records held back until the connection ends.
struct PostfixConnection: Sendable, Codable {
    /// A TLS session (established, or reused from the connection cache) to one relay, which the
    /// following deliveries to that relay went over.
    struct Client: Sendable, Codable {
        /// The session row, nil for a reused connection whose session this log did not show.
        var id: Int64?
        var ip: String?
        var peer: String?
    }

    /// Newest line time of this process (UTC seconds).
    var lastSeen: Int64
    /// The smtpd side's TLS session (server role) on this connection.
    var serverSession: Int64?
    /// smtp: the sessions of this process, newest last; bounded by `PostfixLinker.maxClients`.
    var clients: [Client] = []
    /// smtpd: the messages (`client=`) and their AUTH, waiting for the disconnect counters.
    var held: [LogRecord] = []
    /// A handshake failure waiting for the `TLS library problem` line that gives its reason.
    var failure: LogRecord?
    /// A `TLS library problem` text seen before the failure line it explains.
    var problem: String?
    /// A `certificate verification failed` text: the verify message of the next session, when that
    /// session is with the peer it names (`verifyPeer`: its address, else its name).
    var verifyMessage: String?
    var verifyPeer: String?

    init(lastSeen: Int64) {
        self.lastSeen = lastSeen
    }

    /// What one connection costs besides its Strings (the state, its slot, saving it), as in
    /// `SessionState.keyBytes`.
    static let keyBytes = 400

    /// The bytes this state holds, roughly (`PostfixLinker.maxOpenBytes`).
    var approximateBytes: Int {
        var n = Self.keyBytes + (problem?.utf8.count ?? 0) + (verifyMessage?.utf8.count ?? 0)
        for c in clients { n += 32 + (c.ip?.utf8.count ?? 0) + (c.peer?.utf8.count ?? 0) }
        for r in held { n += r.approximateBytes }
        if let failure { n += failure.approximateBytes }
        return n
    }
}
