/// The definitions the encryption rates are built on, computed once at ingest and stored with each
/// row (`encrypted` of messages, deliveries and AUTH, `deliveries.network_mailer`, every table's
/// `loopback`), so every query and the rollups count the same way for every MTA.
extension InboundMessage {
    /// Came over TLS: proto has the S flag (ESMTPS, ESMTPSA, UTF8SMTPS, …) or the SMTP session had a
    /// STARTTLS=server line (`sessionID`, the record's linked session: sendmail before 8.15 logs
    /// ESMTP even over TLS).
    /// What the MTA's log says itself (`overTLS`) comes first.
    public func isEncrypted(sessionID: Int64?) -> Bool {
        if let overTLS { return overTLS }
        return sessionID != nil || (proto.map { Definitions.containsCaseless($0, "SMTPS") } ?? false)
    }
}

extension Delivery {
    /// Went over TLS: what the line says (`overTLS`, Postfix `tls=`), else linked to a client session.
    public func isEncrypted(sessionID: Int64?) -> Bool { overTLS ?? (sessionID != nil) }
}

extension AuthEvent {
    /// Over TLS: what the MTA's log says (`overTLS`), else linked to a TLS session.
    public func isEncrypted(sessionID: Int64?) -> Bool { overTLS ?? (sessionID != nil) }
}

extension Delivery {
    /// A network mailer (esmtp, smtp, smtp8, dsmtp, relay, any *smtp*), not local, prog, `*file*`.
    public var usesNetworkMailer: Bool { Self.isNetworkMailer(mailer) }

    /// Whether `mailer` is a network mailer (see `usesNetworkMailer`).
    public static func isNetworkMailer(_ mailer: String?) -> Bool {
        guard let mailer else { return false }
        // esmtp, smtp, smtp8 and dsmtp all contain "smtp"; relay is the other network mailer.
        return Definitions.containsCaseless(mailer, "SMTP") || Definitions.equalsCaseless(mailer, "RELAY")
    }
}

enum Definitions {
    /// ASCII case-insensitive equality with an upper-case word.
    static func equalsCaseless(_ s: String, _ word: StaticString) -> Bool {
        return ByteSpan.with(s) { b in
            guard b.count == word.utf8CodeUnitCount else { return false }
            for j in 0..<b.count where b[j] & 0xDF != word.utf8Start[j] { return false }
            return true
        }
    }

    /// True when `s` contains `word` (upper-case ASCII) in any letter case, without allocating.
    static func containsCaseless(_ s: String, _ word: StaticString) -> Bool {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        return ByteSpan.with(s) { b in
            guard b.count >= w.count else { return false }
            outer: for i in 0...(b.count - w.count) {
                for j in 0..<w.count where b[i + j] & 0xDF != w[j] { continue outer }
                return true
            }
            return false
        }
    }
}
