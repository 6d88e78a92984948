/// What one line adds to the truth, counted when it is written.
struct EximLineTruth {
    /// A TLS session: role, profile, verify word, peer, loopback.
    var session: (role: String, profile: Int, verify: String, peer: String, loopback: Bool)?
    /// An inbound message from a non-loopback peer, and whether it came over TLS.
    var inbound: Bool?
    /// A delivery to a non-loopback host, and whether it was encrypted.
    var outbound: Bool?
    /// A handshake failure with a non-loopback peer.
    var failure = false
    /// An AUTH from a non-loopback peer: its authenticator and whether it was over TLS.
    var auth: (authenticator: String, overTLS: Bool)?
}
