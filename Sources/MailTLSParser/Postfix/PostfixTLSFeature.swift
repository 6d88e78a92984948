/// What Postfix 3.11+'s `tls=` delivery field (`smtp_log_tls_feature_status`) says about encryption.
///
/// The value is `LEVEL[?][:DOWNGRADE][/requiretls…]`. Per postconf(5): the level is the TLS security
/// level the connection was used at after a successful handshake (`may`, `encrypt`, `dane`, `verify`,
/// `secure`, `fingerprint`, …), `none` when it was used without TLS; `:DOWNGRADE` names the level it
/// fell back to (`may:none`: a downgrade to no TLS). A value that starts with `!` (a policy violation)
/// or ends with `?` (undecided) says neither yes nor no, as the issue defines it for the whole value
/// (so `dane/requiretls?` says nothing either).
enum PostfixTLSFeature {
    /// true: over TLS; false: without TLS; nil: the value does not say.
    static func overTLS(_ value: ByteSpan) -> Bool? {
        guard !value.isEmpty, value[0] != UInt8(ascii: "!"), value[value.count - 1] != UInt8(ascii: "?") else {
            return nil
        }
        var v = value
        if let slash = v.firstIndex(of: UInt8(ascii: "/")) { v = v.prefix(slash) }
        // After a downgrade, the level it fell back to is the one the connection was used at.
        if let colon = v.lastIndex(of: UInt8(ascii: ":")) { v = v.suffix(from: colon + 1) }
        if v.isEmpty { return nil }
        return !v.equals("none")
    }
}
