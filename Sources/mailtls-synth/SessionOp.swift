/// One line a session still has to write. A session is a short program of these ops, decided
/// when it starts and replayed one line at a time so that sessions interleave in the log.
enum SessionOp: UInt8 {
    // Inbound (STARTTLS=server side), one SMTP child pid.
    case acceptFailed = 1       // STARTTLS=server, error: accept failed=...
    case starttlsServer         // STARTTLS=server main line
    case certServer             // STARTTLS=server, cert-subject=... (LogLevel 12 hosts)
    case readError              // STARTTLS: read error=...
    case lostInput              // qid: lost input channel from ...
    case authServer             // AUTH=server, relay=..., authid=..., mech=..., bits=0
    case authFailure            // qid: AUTH failure (...)
    case relayDenied            // qid: ruleset=check_rcpt ... Relaying denied
    case fromZero               // qid: from=..., nrcpts=0 (after the reject)
    case fromMessage            // qid: from=... (a new message)
    case milter                 // qid: Milter add: header: ...
    case didNotIssue            // qid: host [ip] did not issue MAIL/EXPN/VRFY/ETRN ...

    // Outbound (STARTTLS=client side), one delivery pid.
    case starttlsClient         // STARTTLS=client main line to the current MX
    case starttlsClientFallback // second STARTTLS=client line, to the fallback MX (MX fallback)
    case certClient             // STARTTLS=client, cert-subject=... (LogLevel 12 hosts)
    case authClient             // AUTH=client, relay=..., mech=PLAIN, bits=0
    case toSent                 // qid: to=..., stat=Sent (...)
    case toDeferred             // qid: to=..., dsn=4.x.x, stat=Deferred: ...
    case toBounce               // qid: to=..., dsn=5.1.1, stat=User unknown
    case dsn                    // qid: qid2: DSN: User unknown
    case connectFailed          // STARTTLS=client, error: connect failed=...
    case rulesetTLS             // ruleset=tls_server, arg1=SOFTWARE, ... reject=403 4.7.0 TLS handshake failed.
    case toDeferred403          // qid: to=..., stat=Deferred: 403 4.7.0 TLS handshake failed.
    case toDeferredNoConnect    // qid: to=..., relay=mx., dsn=4.0.0, stat=Deferred: Connection timed out ...

    // Local delivery.
    case toLocal                // qid: to=<user@org>, mailer=local, ...

    // MSP -> MTA loopback hop (two pids: the MSP client and the MTA child).
    case mspFrom                // sendmail[P]: qid1: from=user, ..., relay=user@localhost
    case mspStarttls            // sendmail[P]: STARTTLS=client, relay=[127.0.0.1], ...
    case loopStarttlsServer     // sm-mta[Q]: STARTTLS=server, relay=localhost [127.0.0.1], ..., verify=NOT
    case loopFrom               // sm-mta[Q]: qid2: from=<user@host.org>, ..., proto=ESMTPS, relay=localhost [127.0.0.1]
    case mspTo                  // sendmail[P]: qid1: to=..., mailer=relay, relay=[127.0.0.1] [127.0.0.1], stat=Sent (qid2 ...)
}

/// Up to 16 ops packed in two words (no heap allocation per session).
struct OpProgram {
    private var lo: UInt64 = 0
    private var hi: UInt64 = 0
    private(set) var count = 0

    mutating func push(_ op: SessionOp) {
        guard count < 16 else { return }
        let v = UInt64(op.rawValue)
        if count < 8 { lo |= v << UInt64(count * 8) } else { hi |= v << UInt64((count - 8) * 8) }
        count += 1
    }

    @inline(__always)
    func at(_ i: Int) -> SessionOp {
        let v = i < 8 ? (lo >> UInt64(i * 8)) & 255 : (hi >> UInt64((i - 8) * 8)) & 255
        return SessionOp(rawValue: UInt8(truncatingIfNeeded: v))!
    }
}
