import MailTLSParser

/// A TLS session just written, while a message or delivery row of its own line may still take it in
/// (schema v6): both writers (`StoreWriter`, the PostgreSQL one) decide with it, so both stores hold
/// the same rows.
///
/// Exim logs a session on the line of its message (`<=`) or delivery (`=>`): as a `session_rows` row of
/// its own it would repeat the line's time, host, peer and origin beside the message's or delivery's
/// row. It moves onto that row (`tls_verify`, `tls_version`, `tls_cipher`, `tls_bits`,
/// `tls_cert_subject`, the logged forms and `session_role`) when the row comes from the same line, is
/// linked to it, names the same relay (equal: the same object when both come from the parser, equal
/// ones when a held record comes back from the linker's saved state), and the session holds nothing
/// those columns cannot: no `alg_bits`, DANE, forged peer, certificate issuer or verify message.
/// sendmail and Postfix log their sessions on lines of their own, so theirs never move.
/// `all_session_rows` and `tls_sessions` show a moved session as before.
///
/// A class: the writer holds one per session and looks at it for every message and delivery, and as a
/// struct each look copied the session's strings, a retain and a release each (5 % of an Exim ingest's
/// writer thread). Holding the record's event (one box) instead of the session measured no better.
package final class LineSession {
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
        certificateSubject = c.subject
        return self
    }

    /// Whether the message or delivery `r`, with its relay and logged TLS fields, takes the session in.
    package func movesOnto(_ r: LogRecord, relay: Relay?, loggedTLS: LoggedTLS?) -> Bool {
        r.sessionID == id && r.origin == origin && relay == session.relay && loggedTLS == nil
    }

    /// The role's text (`session_role`).
    package var role: String { session.role.rawValue }
    package var versionLogged: String? { session.storedVersionLogged }
    package var verifyLogged: String? { session.storedVerifyLogged }
}

extension TLSSession {
    /// The logged forms as both stores keep them: nil when the log wrote the normalised one (the views
    /// show `version` and `verify` then; a NULL costs no byte).
    package var storedVersionLogged: String? { versionLogged == version ? nil : versionLogged }
    package var storedVerifyLogged: String? { verifyLogged == verify ? nil : verifyLogged }
}

/// The message row written last, while an AUTH of its own line may still live on it (schema v6): both
/// writers decide with it, as with `LineSession`.
///
/// Exim logs a server AUTH as `A=` on the `<=` line of the message: as an `auth_rows` row of its own it
/// would repeat the line's time, host, queue id, peer and origin. It lives on the message row instead
/// (`auth_authid`, `auth_mech`, `auth_role`; `auth_events` shows it with the message's id negated) when
/// it comes from the same line, is a server success without SASL bits or failure text, names an equal
/// relay, and is linked to the same TLS session and encrypted alike. sendmail logs AUTH on a
/// line of its own.
package final class LineMessage {
    package let origin: LineOrigin
    package let queueID: String?
    package let relay: Relay?
    package let sessionID: Int64?
    package let encrypted: Bool
    /// The message's row id where the writer knows it (PostgreSQL), else 0.
    package let id: Int64

    package init(_ r: LogRecord, relay: Relay?, encrypted: Bool, id: Int64 = 0) {
        origin = r.origin
        queueID = r.queueID
        self.relay = relay
        sessionID = r.sessionID
        self.encrypted = encrypted
        self.id = id
    }

    /// Whether AUTH `a` of record `r` lives on the message's row.
    package func takes(_ a: AuthEvent, of r: LogRecord) -> Bool {
        r.origin == origin && a.role == .server && a.success && a.bits == nil && a.reason == nil
            && a.relay == relay && r.sessionID == sessionID && r.queueID == queueID
            && a.isEncrypted(sessionID: r.sessionID) == encrypted
    }
}
