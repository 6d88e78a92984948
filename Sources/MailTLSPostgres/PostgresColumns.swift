/// Positions of the base-table columns `PostgresWriter` fills, looked up by name once per writer in
/// the COPY column order (`PostgresSchema.copyColumns`, from `CompactRows`). A column renamed or
/// removed there stops the writer at its start instead of shifting values into other columns.

/// The columns every base table has.
struct HeadColumns {
    let ts, host, mta, pid, sourceID, sourceOffset: Int
    init(_ b: PostgresRowBuffer) {
        ts = b.column("ts"); host = b.column("host"); mta = b.column("mta"); pid = b.column("pid")
        sourceID = b.column("source_id"); sourceOffset = b.column("source_offset")
    }
}

/// `session_rows`. `peer` is followed by `peer_ip` and `relay` (checked).
struct SessionColumns {
    let head: HeadColumns
    let id, role, peer, forged, version, verify, versionLogged, verifyLogged, cipher, algBits, cipherBits: Int
    let danePubkeyFP, daneStatus, daneNote, certSubject, certIssuer, verifymsg, loopback: Int
    init(_ b: PostgresRowBuffer) {
        head = HeadColumns(b)
        id = b.column("id"); role = b.column("role"); peer = relayColumns(b); forged = b.column("forged")
        version = b.column("version"); verify = b.column("verify"); versionLogged = b.column("version_logged")
        verifyLogged = b.column("verify_logged"); cipher = b.column("cipher"); algBits = b.column("alg_bits")
        cipherBits = b.column("cipher_bits"); danePubkeyFP = b.column("dane_pubkey_fp"); daneStatus = b.column("dane_status")
        daneNote = b.column("dane_note"); certSubject = b.column("cert_subject"); certIssuer = b.column("cert_issuer")
        verifymsg = b.column("verifymsg"); loopback = b.column("loopback")
    }
}

/// The columns of a session that lives on a message or delivery row (`LineSession`, schema v6).
struct LineSessionColumns {
    let verify, version, cipher, bits, certSubject, versionLogged, verifyLogged, role: Int
    init(_ b: PostgresRowBuffer) {
        verify = b.column("tls_verify"); version = b.column("tls_version"); cipher = b.column("tls_cipher")
        bits = b.column("tls_bits"); certSubject = b.column("tls_cert_subject")
        versionLogged = b.column("tls_version_logged"); verifyLogged = b.column("tls_verify_logged")
        role = b.column("session_role")
    }
}

/// `message_rows`. `tlsVerify` is followed by `tls_version` and `tls_cipher` (checked).
struct MessageColumns {
    let head: HeadColumns
    let id, queueID, sender, size, nrcpts, msgid, proto, daemon, peer, forged, auth, tlsVerify, tlsSessionID: Int
    let loopback, encrypted: Int
    let lineSession: LineSessionColumns
    /// An AUTH that lives on the row (`LineMessage`).
    let authAuthid, authMech, authRole: Int
    init(_ b: PostgresRowBuffer) {
        head = HeadColumns(b)
        lineSession = LineSessionColumns(b)
        authAuthid = b.column("auth_authid"); authMech = b.column("auth_mech"); authRole = b.column("auth_role")
        id = b.column("id"); queueID = b.column("queue_id"); sender = b.column("sender"); size = b.column("size")
        nrcpts = b.column("nrcpts"); msgid = b.column("msgid"); proto = b.column("proto"); daemon = b.column("daemon")
        peer = relayColumns(b); forged = b.column("forged"); auth = b.column("auth"); tlsVerify = loggedTLSColumns(b)
        tlsSessionID = b.column("tls_session_id"); loopback = b.column("loopback"); encrypted = b.column("encrypted")
    }
}

/// `delivery_rows`; `stat` is followed by `stat_token`.
struct DeliveryColumns {
    let head: HeadColumns
    let id, queueID, recipients, nrcpts, mailer, peer, dsn, status, stat, delay, xdelay, tlsVerify, tlsFeature: Int
    let tlsSessionID, loopback, networkMailer, encrypted: Int
    let lineSession: LineSessionColumns
    init(_ b: PostgresRowBuffer) {
        head = HeadColumns(b)
        lineSession = LineSessionColumns(b)
        id = b.column("id"); queueID = b.column("queue_id"); recipients = b.column("recipients")
        nrcpts = b.column("nrcpts"); mailer = b.column("mailer"); peer = relayColumns(b); dsn = b.column("dsn")
        status = b.column("status"); stat = b.column("stat"); delay = b.column("delay"); xdelay = b.column("xdelay")
        tlsVerify = loggedTLSColumns(b); tlsFeature = b.column("tls_feature"); tlsSessionID = b.column("tls_session_id")
        loopback = b.column("loopback"); networkMailer = b.column("network_mailer"); encrypted = b.column("encrypted")
        precondition(b.column("stat_token") == stat + 1, "delivery_rows: stat_token must follow stat")
    }
}

/// `auth_rows`.
struct AuthColumns {
    let head: HeadColumns
    let id, queueID, role, success, peer, authid, mech, bits, reason, tlsSessionID, loopback, encrypted: Int
    init(_ b: PostgresRowBuffer) {
        head = HeadColumns(b)
        id = b.column("id"); queueID = b.column("queue_id"); role = b.column("role"); success = b.column("success")
        peer = relayColumns(b); authid = b.column("authid"); mech = b.column("mech"); bits = b.column("bits")
        reason = b.column("reason"); tlsSessionID = b.column("tls_session_id"); loopback = b.column("loopback")
        encrypted = b.column("encrypted")
    }
}

/// `failure_rows`.
struct FailureColumns {
    let head: HeadColumns
    let id, queueID, kind, role, peer, reason, sslError, errno, ruleset, rulesetArg, reject, tlsSessionID, loopback: Int
    init(_ b: PostgresRowBuffer) {
        head = HeadColumns(b)
        id = b.column("id"); queueID = b.column("queue_id"); kind = b.column("kind"); role = b.column("role")
        peer = relayColumns(b); reason = b.column("reason"); sslError = b.column("ssl_error"); errno = b.column("errno")
        ruleset = b.column("ruleset"); rulesetArg = b.column("ruleset_arg"); reject = b.column("reject")
        tlsSessionID = b.column("tls_session_id"); loopback = b.column("loopback")
    }
}

/// The position of `peer`, checked to be followed by `peer_ip` and `relay` (the writer sets the three
/// from one look at the relay).
private func relayColumns(_ b: PostgresRowBuffer) -> Int {
    let peer = b.column("peer")
    precondition(b.column("peer_ip") == peer + 1 && b.column("relay") == peer + 2,
                 "\(b.table.base): peer, peer_ip and relay must be adjacent")
    return peer
}

/// The position of `tls_verify`, checked to be followed by `tls_version` and `tls_cipher`.
private func loggedTLSColumns(_ b: PostgresRowBuffer) -> Int {
    let verify = b.column("tls_verify")
    precondition(b.column("tls_version") == verify + 1 && b.column("tls_cipher") == verify + 2,
                 "\(b.table.base): tls_verify, tls_version and tls_cipher must be adjacent")
    return verify
}
