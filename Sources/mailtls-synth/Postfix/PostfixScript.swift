/// One Postfix connection (or queue-manager episode) as the lines it will log, in order, each with
/// the truth it adds when it is written. `PostfixGenerator` interleaves many scripts line by line,
/// stamping each line with the clock when it is written, so the truth falls on the right day.
struct PostfixScript {
    /// What writing a line adds to the truth.
    enum Fact {
        case none
        /// A TLS summary line: role (0 server, 1 client), `TLSProfile` id, verify index, peer id (-1: loopback).
        case session(role: Int, profile: Int, verify: Int, peer: Int)
        /// A non-loopback inbound message (`client=` line).
        case inbound(encrypted: Bool)
        /// A non-loopback outbound delivery with `status=sent`.
        case outbound(encrypted: Bool)
        /// A successful AUTH (per message), and whether its mechanism sends a password (PLAIN, LOGIN).
        case auth(overTLS: Bool, mech: Int)
        /// A handshake failure with a non-loopback peer.
        case failure
        /// The script's process is free again (its pid may be handed out to the next script).
        case release(host: Int, program: Int, pid: Int)
    }

    struct Line {
        var host: Int
        /// `postfix/smtpd[`, `postfix/submission/smtpd[`, …
        var tag: String
        var pid: Int
        var text: String
        var fact: Fact
        /// A second fact of the same line (the AUTH of a `client=` line).
        var fact2: Fact
    }

    var lines: [Line] = []
    var next = 0
    /// Scripts that start later (a retry after a deferral) wait until the clock reaches this.
    var start: Int64 = 0

    var done: Bool { next >= lines.count }

    mutating func add(_ host: Int, _ tag: String, _ pid: Int, _ text: String, _ fact: Fact = .none, _ fact2: Fact = .none) {
        lines.append(Line(host: host, tag: tag, pid: pid, text: text, fact: fact, fact2: fact2))
    }
}
