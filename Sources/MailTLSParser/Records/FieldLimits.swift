/// The most bytes the parser keeps of each kind of field (docs/parsing-limits.md).
///
/// Every String a record holds comes from its line, and records travel in batches through the
/// pipeline, into the linker's open sessions and its saved state: without limits one hostile line
/// (a 900 KB relay name) became several megabytes of copies, and a few hundred of them gigabytes.
/// A longer value is cut at the limit (never inside a UTF-8 sequence) and counted in
/// `LineParser.truncatedFields`; the record is kept. Real sendmail values are far below these: sendmail
/// itself writes at most about 1 KB per syslog line.
///
/// Every limit is above `ByteCache.maxKeyLength` (96): a value the parser's caches hold is never
/// cut, so a cache hit never hides a cut that should be counted.
public enum FieldLimits {
    /// A host or peer name: the DNS limit on a whole name (RFC 1035 §2.3.4). The `name` (and so the
    /// `peer`) of a relay, and the syslog host.
    public static let hostName = 255
    /// The IP literal of a relay (the longest valid text form is 45 bytes).
    public static let ipAddress = 128
    /// A whole `relay=` value as logged: a full name, its address and `(may be forged)`.
    public static let relay = 512
    /// One mail address or user: `from=`, `authid=`, `auth=`, the IDENT user of a relay, a ruleset's
    /// `arg1=` (a recipient for `tls_rcpt`). RFC 5321 allows 256 bytes for a path.
    public static let mailAddress = 512
    /// The recipient list of a `to=` line (sendmail splits longer lists with `[more]`). The recipient
    /// count is taken from the whole value before the cut.
    public static let recipients = 2048
    /// `msgid=`: a header line is at most 998 bytes (RFC 5322).
    public static let messageID = 1024
    /// Free text: `stat=`, `reject=`, `reason=`, `verifymsg=`, I/O error text, AUTH failure text,
    /// certificate subject and issuer, DANE `status=` and `note=`.
    public static let text = 1024
    /// Short words: version, verify, cipher, mailer, dsn, delays, proto, daemon, mechanism, ruleset,
    /// DANE `pubkey_fp=`.
    public static let token = 128

    /// `s` cut to `limit` bytes (at a UTF-8 sequence boundary), adding 1 to `cuts` when it was longer.
    @inline(__always)
    public static func cut(_ s: ByteSpan, _ limit: Int, _ cuts: inout Int) -> ByteSpan {
        guard s.count > limit else { return s }
        cuts += 1
        return s.utf8Prefix(limit)
    }
}
