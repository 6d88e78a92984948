/// How much memory a record holds, roughly: what the ingest pipeline counts to bound the batches
/// of records in flight by bytes as well as by rows (docs/parsing-limits.md).
///
/// Field limits bound one record to a few KiB; a batch of a thousand such records is still
/// megabytes, and several batches are in flight at once. Summing the UTF-8 lengths is cheap:
/// a native String stores its length.
extension LogRecord {
    /// The record's size plus the bytes of every String it holds (short Strings, stored inline,
    /// are counted too: this is an upper bound, not an exact figure).
    public var approximateBytes: Int {
        MemoryLayout<LogRecord>.stride + host.utf8.count + Self.bytes(queueID) + Self.bytes(of: event)
    }

    static func bytes(of event: LogEvent) -> Int {
        switch event {
        case .tlsSession(let s):
            return bytes(s.relay) + s.version.utf8.count + s.verify.utf8.count + s.cipher.utf8.count
                + bytes(s.danePubkeyFP) + bytes(s.daneStatus) + bytes(s.daneNote)
        case .certificate(let c):
            return bytes(c.subject) + bytes(c.issuer) + bytes(c.verifyMessage)
        case .failure(let f):
            return bytes(f.relay) + bytes(f.reason) + bytes(f.ruleset) + bytes(f.rulesetArg) + bytes(f.reject)
        case .auth(let a):
            return bytes(a.relay) + bytes(a.authid) + bytes(a.mechanism) + bytes(a.reason)
        case .message(let m):
            return m.sender.utf8.count + bytes(m.messageID) + bytes(m.proto) + bytes(m.daemon) + bytes(m.relay)
                + bytes(m.loggedTLS) + bytes(m.auth)
        case .delivery(let d):
            return d.recipients.utf8.count + bytes(d.mailer) + bytes(d.relay) + bytes(d.dsn) + d.statusText.utf8.count
                + bytes(d.delay) + bytes(d.xdelay) + bytes(d.loggedTLS)
        case .connect(let r):
            return bytes(r)
        case .failureCompletion(let c):
            return bytes(c.relay) + bytes(c.ruleset) + bytes(c.rulesetArg) + bytes(c.reject)
        case .deliveryCompletion(let c):
            return c.recipients.utf8.count
        case .linkerNote(let n):
            return bytes(n.relay) + bytes(n.text)
        }
    }

    @inline(__always) static func bytes(_ s: String?) -> Int { s?.utf8.count ?? 0 }

    @inline(__always) static func bytes(_ r: Relay?) -> Int { r?.approximateBytes ?? 0 }

    @inline(__always) static func bytes(_ t: LoggedTLS?) -> Int {
        guard let t else { return 0 }
        return bytes(t.verify) + bytes(t.version) + bytes(t.cipher)
    }
}
