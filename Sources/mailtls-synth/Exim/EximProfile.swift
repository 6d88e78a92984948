/// One negotiated TLS outcome as Exim writes it in `X=VER:CIPHER:BITS[:GROUP]`, with the names of both
/// TLS libraries Exim is built with (OpenSSL: `TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256`, older Exim
/// `TLSv1.2:…`; GnuTLS: `TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256`), and the version name the reports
/// use for it (written out here, not taken from the parser, so the truth stays independent).
struct EximProfile {
    var logged: String
    var version: String
    var cipher: String
    var bits: Int

    /// Weak by the definition: an old version, a cipher naming a broken or anonymous algorithm,
    /// or fewer than 128 bits.
    var weak: Bool {
        let c = cipher.uppercased()
        return ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"].contains(version) || bits < 128
            || ["RC4", "ARCFOUR", "DES", "NULL", "EXP", "ADH", "AECDH", "ANON", "MD5"].contains { c.contains($0) }
    }

    static let all: [EximProfile] = [
        EximProfile(logged: "TLS1.3", version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256),              // 0
        EximProfile(logged: "TLS1.3", version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", bits: 128),              // 1
        EximProfile(logged: "TLS1.3", version: "TLSv1.3", cipher: "TLS_CHACHA20_POLY1305_SHA256", bits: 256),        // 2
        EximProfile(logged: "TLS1.2", version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM-SHA384", bits: 256),         // 3
        EximProfile(logged: "TLS1.2", version: "TLSv1.2", cipher: "ECDHE-RSA-AES128-GCM-SHA256", bits: 128),         // 4
        EximProfile(logged: "TLSv1.2", version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM-SHA384", bits: 256),        // 5 Exim < 4.93
        EximProfile(logged: "TLS1.3", version: "TLSv1.3",
                    cipher: "ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM", bits: 256),                             // 6 GnuTLS 3.6+
        EximProfile(logged: "TLS1.2", version: "TLSv1.2", cipher: "ECDHE_RSA_AES_256_GCM_SHA384", bits: 256),        // 7 GnuTLS
        EximProfile(logged: "TLS1.0", version: "TLSv1", cipher: "DHE_RSA_AES_128_CBC_SHA1", bits: 128),              // 8 GnuTLS
        EximProfile(logged: "TLSv1", version: "TLSv1", cipher: "AES256-SHA", bits: 256),                             // 9
        EximProfile(logged: "TLS1.1", version: "TLSv1.1", cipher: "ECDHE-RSA-AES128-SHA", bits: 128),                // 10
        EximProfile(logged: "TLS1.0", version: "TLSv1", cipher: "RSA_ARCFOUR_128_MD5", bits: 128),                   // 11 weak
        EximProfile(logged: "TLSv1", version: "TLSv1", cipher: "DES-CBC3-SHA", bits: 168),                           // 12 weak
        EximProfile(logged: "SSLv3", version: "SSLv3", cipher: "RC4-SHA", bits: 128),                                // 13 weak
    ]

    /// Mail servers: mostly TLS 1.3 and 1.2, a tail of old and weak ones.
    static let serverWeights: [(Int, Double)] = [
        (0, 40), (1, 6), (2, 4), (3, 14), (4, 5), (5, 4), (6, 8), (7, 8), (8, 2), (9, 2), (10, 1), (11, 0.5),
        (12, 0.5), (13, 0.2),
    ]
    /// Mail clients submitting with AUTH.
    static let clientWeights: [(Int, Double)] = [(0, 30), (1, 5), (3, 20), (4, 8), (6, 6), (7, 6), (8, 3), (9, 2)]
}
