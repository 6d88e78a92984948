import MailTLSParser

/// A TLS session just written, while a message or delivery row of its own line may still take it in
/// (schema v6): both writers (`StoreWriter`, the PostgreSQL one) decide with it, so both stores hold
/// the same rows.
///
/// Exim logs a session on the line of its message (`<=`) or delivery (`=>`): as a `session_rows` row of
/// its own it would repeat the line's time, host, peer and origin beside the message's or delivery's
/// row. It moves onto that row (`tls_verify`, `tls_version`, `tls_cipher`, `tls_bits`,
/// `tls_cert_subject`, the logged forms and `session_role`) when the row comes from the same line, is
/// linked to it, names the same relay (the same `Relay` object: Exim's parser gives both the one it
/// made of the line's `H=`), and the session holds nothing those columns cannot: no
/// `alg_bits`, DANE, forged peer, certificate issuer or verify message. sendmail and Postfix log their
/// sessions on lines of their own, so theirs never move. `all_session_rows` and `tls_sessions` show a
/// moved session as before.
package struct LineSession {
    /// The linker's id of the session (`LogRecord.id`).
    package let id: Int64
    package let session: TLSSession
    package let origin: LineOrigin
    /// The certificate subject its line gave (`noting`).
    package private(set) var certificateSubject: String?

    /// The session of `r` (a `.tlsSession` record), nil when a carrier's columns cannot hold it (so a
    /// sendmail or Postfix session, whose bits are two numbers, costs no copy).
    package init?(_ t: TLSSession, of r: LogRecord) {
        guard t.algBits == nil, t.danePubkeyFP == nil, t.daneStatus == nil, t.daneNote == nil, !t.relay.forged
        else { return nil }
        id = r.id
        session = t
        origin = r.origin
    }

    /// The session with a certificate line of its own: nil when the carrier's columns cannot hold the
    /// certificate (an issuer or a verify message; Exim logs the subject alone).
    package func noting(_ c: Certificate) -> LineSession? {
        guard c.issuer == nil, c.verifyMessage == nil else { return nil }
        var s = self
        s.certificateSubject = c.subject
        return s
    }

    /// Whether the message or delivery `r`, with its relay and logged TLS fields, takes the session in.
    package func movesOnto(_ r: LogRecord, relay: Relay?, loggedTLS: LoggedTLS?) -> Bool {
        r.sessionID == id && r.origin == origin && relay === session.relay && loggedTLS == nil
    }

    /// The role's text (`session_role`).
    package var role: String { session.role.rawValue }
    /// The logged forms as stored: nil when the log wrote the normalised one.
    package var versionLogged: String? { session.versionLogged == session.version ? nil : session.versionLogged }
    package var verifyLogged: String? { session.verifyLogged == session.verify ? nil : session.verifyLogged }
}
