/// The protocol version names every MTA's sessions are stored under (`tls_sessions.version`).
///
/// OpenSSL logs `TLSv1.2`, GnuTLS (Exim) `TLS1.2`, Exim with OpenSSL `TLS1.2` too, and `TLS1.0` where
/// OpenSSL says `TLSv1`; all map to OpenSSL's names, so one filter and one weak-version rule fit every
/// MTA. What the log said stays in `version_logged`.
public enum TLSVersion {
    /// `SSLv2`, `SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2` or `TLSv1.3` for the names of those versions in
    /// any of the forms above (any letter case); anything else (`TLSv1/SSLv3`, `UNKNOWN`) as logged.
    public static func normalised(_ logged: String) -> String {
        // OpenSSL's own names, what sendmail and Postfix log, are the common case: no String is made.
        switch logged {
        case "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3", "SSLv2", "TLSv1/SSLv3": return logged
        // Exim's (GnuTLS and OpenSSL builds alike): constants, no String made per line.
        case "TLS1.3": return "TLSv1.3"
        case "TLS1.2": return "TLSv1.2"
        case "TLS1.1": return "TLSv1.1"
        case "TLS1.0", "TLS1": return "TLSv1"
        default: break
        }
        var s = Substring(logged.uppercased())
        if s.hasPrefix("TLSV") || s.hasPrefix("SSLV") {
            s = s.prefix(3) + s.dropFirst(4)
        }
        switch s {
        case "TLS1.3": return "TLSv1.3"
        case "TLS1.2": return "TLSv1.2"
        case "TLS1.1": return "TLSv1.1"
        case "TLS1", "TLS1.0": return "TLSv1"
        case "SSL3", "SSL3.0": return "SSLv3"
        case "SSL2", "SSL2.0": return "SSLv2"
        default: return logged
        }
    }
}
