/// One fact a mail-server log line carries, independent of which MTA wrote it.
///
/// MTA parsers (sendmail today; Postfix and Exim later) turn a message into one `LogEvent`;
/// the `SessionLinker` then fills in the links between them (which TLS session carried which
/// message) and the store writes each event to its table.
public indirect enum LogEvent: Sendable, Equatable, Codable {
    /// A completed TLS handshake (sendmail's `STARTTLS=server|client, relay=…, version=…` line).
    case tlsSession(TLSSession)
    /// Certificate details of the handshake just logged (`cert-subject=…, cert-issuer=…, verifymsg=…`).
    case certificate(Certificate)
    /// A handshake that failed, a TLS ruleset reject, or an I/O error on an established TLS session.
    case failure(TLSFailure)
    /// An AUTH success or failure.
    case auth(AuthEvent)
    /// A message accepted (`from=` line).
    case message(InboundMessage)
    /// A delivery attempt (`to=` line).
    case delivery(Delivery)
    /// A new SMTP connection (`NOQUEUE: connect from …`): the session boundary on the server side.
    case connect(Relay)
    /// The line after a failed handshake that completes it (the `ruleset=tls_server … reject=` line,
    /// or the `to=` line that names the peer a `connect failed` line lacks): an update of that row.
    case failureCompletion(FailureCompletion)
    /// The rest of a `to=… [more]` recipient list: added to the delivery row its first piece wrote.
    case deliveryCompletion(DeliveryCompletion)
    /// A fact only the MTA's linker reads, to decide other records (Postfix's `disconnect from …
    /// starttls=1` counters, qmgr's sender and size): the linker consumes it, the store never sees it.
    case linkerNote(LinkerNote)
}

/// Facts of an event read without copying its payload out: binding a payload in a `switch` whose case
/// then calls code with side effects (a linker's state, `emit`) copies the whole payload (every String
/// and `Relay` retained, then released), where a small getter like these reads only the fields asked
/// for (disassembly; 3 % of an Exim ingest's reading thread in its linker).
extension LogEvent {
    /// A TLS session's role, else nil.
    public var sessionRole: Role? {
        if case .tlsSession(let s) = self { return s.role }
        return nil
    }

    /// A delivery's status, peer and mailer (`Delivery.isNetworkMailer` tells a row from a local
    /// count), else nil. Fields only: a call on the payload here would copy it.
    public var deliveryFacts: (status: Delivery.Status, peer: String?, mailer: String?)? {
        if case .delivery(let d) = self { return (d.status, d.relay?.peer, d.mailer) }
        return nil
    }

    /// A TLS session's verify result, version and cipher (normalised), else nil: what a line that shares
    /// the session (Exim's `->`) carries as its `loggedTLS`.
    public var sessionTLS: LoggedTLS? {
        if case .tlsSession(let s) = self { return LoggedTLS(verify: s.verify, version: s.version, cipher: s.cipher) }
        return nil
    }

    /// A handshake failure's kind and peer, else nil.
    public var failureFacts: (kind: TLSFailure.Kind, peer: String?)? {
        if case .failure(let f) = self { return (f.kind, f.relay?.peer) }
        return nil
    }
}

extension LogEvent {
    /// Whether the event is a row of its own (or a local-mail count), as opposed to a completion of
    /// a row written before (`certificate`, `…Completion`) or a note for the linker.
    public var addsRow: Bool {
        switch self {
        case .tlsSession, .failure, .auth, .message, .delivery: return true
        case .certificate, .connect, .failureCompletion, .deliveryCompletion, .linkerNote: return false
        }
    }
}

/// What a `to=` continuation line adds to the delivery its `[more]` piece wrote.
public struct DeliveryCompletion: Sendable, Equatable, Codable {
    /// The `deliveries` row id.
    public var deliveryID: Int64
    public var recipients: String
    public var recipientCount: Int
    /// True when yet another piece follows (this one ended in `[more]` too).
    public var continued: Bool

    public init(deliveryID: Int64, recipients: String, recipientCount: Int, continued: Bool) {
        self.deliveryID = deliveryID
        self.recipients = recipients
        self.recipientCount = recipientCount
        self.continued = continued
    }
}

/// What a later line adds to a handshake failure already written.
public struct FailureCompletion: Sendable, Equatable, Codable {
    /// The `tls_failures` row id of the failure.
    public var failureID: Int64
    /// The peer, when the failure line had none.
    public var relay: Relay?
    public var ruleset: String?
    public var rulesetArg: String?
    public var reject: String?

    public init(failureID: Int64, relay: Relay?, ruleset: String?, rulesetArg: String?, reject: String?) {
        self.failureID = failureID
        self.relay = relay
        self.ruleset = ruleset
        self.rulesetArg = rulesetArg
        self.reject = reject
    }
}

/// A completed TLS handshake.
public struct TLSSession: Sendable, Equatable, Codable {
    public var role: Role
    public var relay: Relay
    /// Normalised (`TLSVersion.normalised`): `TLSv1.3`, `TLSv1.2`, `TLSv1`, `SSLv3`, or as logged when it
    /// is none of those (`TLSv1/SSLv3`, `UNKNOWN`).
    public var version: String
    /// In sendmail's words (`OK`, `NO`, `NOT`, `FAIL`, `TRUSTED`, `DANE_FAIL`, …), which other MTAs' parsers
    /// map their results to (Postfix `Verified` → `OK`, Exim `CV=no` with a `DN=` → `FAIL`).
    public var verify: String
    /// The version and the verify result as the log wrote them (`TLS1.2`, `Untrusted`, `CV=yes`).
    public var versionLogged: String
    public var verifyLogged: String
    public var cipher: String
    /// sendmail's `bits=alg/cipher`: the algorithm's bits first.
    public var algBits: Int?
    public var cipherBits: Int?
    /// DANE suffixes (sendmail 8.16+).
    public var danePubkeyFP: String?
    public var daneStatus: String?
    public var daneNote: String?

    /// A session; `version` is normalised here, and the logged forms default to the given ones.
    public init(role: Role, relay: Relay, version: String, verify: String, cipher: String,
                algBits: Int?, cipherBits: Int?, danePubkeyFP: String? = nil, daneStatus: String? = nil,
                daneNote: String? = nil, versionLogged: String? = nil, verifyLogged: String? = nil) {
        self.role = role
        self.relay = relay
        self.version = TLSVersion.normalised(version)
        self.verify = verify
        self.versionLogged = versionLogged ?? version
        self.verifyLogged = verifyLogged ?? verify
        self.cipher = cipher
        self.algBits = algBits
        self.cipherBits = cipherBits
        self.danePubkeyFP = danePubkeyFP
        self.daneStatus = daneStatus
        self.daneNote = daneNote
    }
}

/// The peer certificate of a handshake: sendmail's certificate line (LogLevel 12+, xtext-decoded), Exim's
/// `DN=` subject, or the reason of a Postfix `certificate verification failed` line.
public struct Certificate: Sendable, Equatable, Codable {
    public var role: Role
    /// nil when the MTA logs no subject (Postfix's verify message comes alone).
    public var subject: String?
    /// nil when the MTA logs no issuer (Exim's `DN=` is the subject only; Postfix logs neither).
    public var issuer: String?
    public var verifyMessage: String?

    public init(role: Role, subject: String?, issuer: String?, verifyMessage: String?) {
        self.role = role
        self.subject = subject
        self.issuer = issuer
        self.verifyMessage = verifyMessage
    }
}

/// A TLS problem: failed handshake, ruleset reject, or read/write error.
public struct TLSFailure: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// `STARTTLS=server, error: accept failed=…`
        case acceptFailed = "accept_failed"
        /// `STARTTLS=client, error: connect failed=…`
        case connectFailed = "connect_failed"
        /// `ruleset=tls_server|tls_client|tls_rcpt, …, reject=…` with no handshake failure before it.
        case rulesetReject = "ruleset_reject"
        /// `STARTTLS: read error=…` on an established session.
        case readError = "read_error"
        /// `STARTTLS: write error=…` on an established session.
        case writeError = "write_error"
    }
    public var kind: Kind
    public var role: Role?
    public var relay: Relay?
    /// `reason=` of handshake failures, or the `error=` text of I/O errors.
    public var reason: String?
    public var sslError: Int?
    public var errno: Int?
    /// The ruleset (`tls_server`, `tls_client`, `tls_rcpt`) and its `arg1` (the `${verify}` value).
    public var ruleset: String?
    public var rulesetArg: String?
    /// The reject text (`403 4.7.0 TLS handshake failed.`).
    public var reject: String?

    public init(kind: Kind, role: Role?, relay: Relay? = nil, reason: String? = nil, sslError: Int? = nil,
                errno: Int? = nil, ruleset: String? = nil, rulesetArg: String? = nil, reject: String? = nil) {
        self.kind = kind
        self.role = role
        self.relay = relay
        self.reason = reason
        self.sslError = sslError
        self.errno = errno
        self.ruleset = ruleset
        self.rulesetArg = rulesetArg
        self.reject = reject
    }
}

/// SMTP AUTH, as server (a client logged in to us) or as client (we logged in to a smarthost).
public struct AuthEvent: Sendable, Equatable, Codable {
    public var role: Role
    /// True for `AUTH=…` success lines, false for `AUTH failure (…)`.
    public var success: Bool
    public var relay: Relay?
    public var authid: String?
    public var mechanism: String?
    /// The SASL security layer (`bits=`), not TLS bits.
    public var bits: Int?
    /// The failure text of `AUTH failure` lines.
    public var reason: String?
    /// Whether it happened over TLS when the MTA's log says so without a TLS session line to link
    /// (a Postfix connection whose `disconnect` counters show STARTTLS); nil: decided by the link.
    public var overTLS: Bool?

    public init(role: Role, success: Bool, relay: Relay?, authid: String?, mechanism: String?, bits: Int?,
                reason: String? = nil, overTLS: Bool? = nil) {
        self.role = role
        self.success = success
        self.relay = relay
        self.authid = authid
        self.mechanism = mechanism
        self.bits = bits
        self.reason = reason
        self.overTLS = overTLS
    }
}

/// Fields some builds (`_FFR_LOG_MORE`, e.g. Proofpoint) add to `from=` and `to=` lines.
public struct LoggedTLS: Sendable, Equatable, Codable {
    public var verify: String?
    public var version: String?
    public var cipher: String?
    public init(verify: String? = nil, version: String? = nil, cipher: String? = nil) {
        self.verify = verify
        self.version = version
        self.cipher = cipher
    }
    public var isEmpty: Bool { verify == nil && version == nil && cipher == nil }
}

/// A message accepted by the MTA (`from=` line).
public struct InboundMessage: Sendable, Equatable, Codable {
    public var sender: String
    public var size: Int?
    public var nrcpts: Int?
    public var messageID: String?
    /// `SMTP`, `ESMTP`, `ESMTPS`, `ESMTPSA`, … ; nil for command-line submissions.
    public var proto: String?
    public var daemon: String?
    public var relay: Relay?
    public var loggedTLS: LoggedTLS?
    /// `auth=` (LOG_MORE builds).
    public var auth: String?
    /// Whether it came over TLS when the MTA's log says so without a TLS session line to link (Postfix
    /// `disconnect … starttls=1`, a wrapper-mode service); nil: decided by proto and the link.
    public var overTLS: Bool?

    public init(sender: String, size: Int?, nrcpts: Int?, messageID: String?, proto: String?, daemon: String?,
                relay: Relay?, loggedTLS: LoggedTLS? = nil, auth: String? = nil, overTLS: Bool? = nil) {
        self.sender = sender
        self.size = size
        self.nrcpts = nrcpts
        self.messageID = messageID
        self.proto = proto
        self.daemon = daemon
        self.relay = relay
        self.loggedTLS = loggedTLS
        self.auth = auth
        self.overTLS = overTLS
    }
}

/// A delivery attempt (`to=` line).
public struct Delivery: Sendable, Equatable, Codable {
    /// How the attempt ended, from `stat=` (and `dsn=`).
    public enum Status: String, Sendable, Codable {
        case sent, deferred, bounced, other
    }
    public var recipients: String
    /// Number of addresses in `recipients`.
    public var recipientCount: Int
    /// True for a `to=… [more]` piece: the rest of its list follows on the next `to=` line.
    public var continued: Bool
    public var mailer: String?
    public var relay: Relay?
    public var dsn: String?
    public var status: Status
    /// The `stat=` text as logged.
    public var statusText: String
    public var delay: String?
    public var xdelay: String?
    public var loggedTLS: LoggedTLS?
    /// Postfix 3.11+ `tls=` (smtp_log_tls_feature_status) as logged.
    public var tlsFeature: String?
    /// Whether the delivery went over TLS when the line itself says so (Postfix `tls=may`, or
    /// `tls=may:none` for a downgrade); nil: decided by the link to a TLS session.
    public var overTLS: Bool?

    public init(recipients: String, recipientCount: Int, continued: Bool, mailer: String?, relay: Relay?,
                dsn: String?, status: Status, statusText: String, delay: String?, xdelay: String?,
                loggedTLS: LoggedTLS? = nil, tlsFeature: String? = nil, overTLS: Bool? = nil) {
        self.recipients = recipients
        self.recipientCount = recipientCount
        self.continued = continued
        self.mailer = mailer
        self.relay = relay
        self.dsn = dsn
        self.status = status
        self.statusText = statusText
        self.delay = delay
        self.xdelay = xdelay
        self.loggedTLS = loggedTLS
        self.tlsFeature = tlsFeature
        self.overTLS = overTLS
    }
}
