/// One negotiated-TLS outcome as sendmail logs it: `version=`, `cipher=`, `bits=alg/used`.
struct TLSProfile {
    var version: Int   // index into TLSProfile.versions
    var cipher: Int    // index into TLSProfile.ciphers
    /// Anonymous (aNULL) suite: no certificate, so verify is always NO.
    var anonymous: Bool
    /// Pre-8.15 sendmail style: `version=TLSv1/SSLv3` and `proto=ESMTP` even with TLS.
    var oldStyle: Bool

    static let versions: [String] = ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3", "TLSv1/SSLv3"]

    /// Cipher name and its `alg_bits/cipher_bits`.
    static let ciphers: [(name: String, bits: String)] = [
        ("TLS_AES_256_GCM_SHA384", "256/256"),        // 0
        ("TLS_AES_128_GCM_SHA256", "128/128"),        // 1
        ("TLS_CHACHA20_POLY1305_SHA256", "256/256"),  // 2
        ("ECDHE-RSA-AES256-GCM-SHA384", "256/256"),   // 3
        ("ECDHE-RSA-AES128-GCM-SHA256", "128/128"),   // 4
        ("ECDHE-ECDSA-AES256-GCM-SHA384", "256/256"), // 5
        ("ECDHE-RSA-CHACHA20-POLY1305", "256/256"),   // 6
        ("DHE-RSA-AES256-GCM-SHA384", "256/256"),     // 7
        ("AES256-GCM-SHA384", "256/256"),             // 8
        ("ECDHE-RSA-AES256-SHA", "256/256"),          // 9
        ("ECDHE-RSA-AES128-SHA", "128/128"),          // 10
        ("DHE-RSA-AES256-SHA", "256/256"),            // 11
        ("AES256-SHA", "256/256"),                    // 12
        ("AES128-SHA", "128/128"),                    // 13
        ("DES-CBC3-SHA", "168/168"),                  // 14
        ("RC4-MD5", "128/128"),                       // 15
        ("RC4-SHA", "128/128"),                       // 16
        ("ADH-AES256-SHA", "256/256"),                // 17
        ("AECDH-AES256-SHA", "256/256"),              // 18
        ("EDH-RSA-DES-CBC3-SHA", "168/168"),          // 19
        ("ECDHE-RSA-RC4-SHA", "128/128"),             // 20
    ]

    /// Every profile the generator can log. Index = profile id.
    static let all: [TLSProfile] = [
        TLSProfile(version: 0, cipher: 0, anonymous: false, oldStyle: false),   // 0  TLSv1.3 AES256
        TLSProfile(version: 0, cipher: 1, anonymous: false, oldStyle: false),   // 1  TLSv1.3 AES128
        TLSProfile(version: 0, cipher: 2, anonymous: false, oldStyle: false),   // 2  TLSv1.3 CHACHA20
        TLSProfile(version: 1, cipher: 3, anonymous: false, oldStyle: false),   // 3
        TLSProfile(version: 1, cipher: 4, anonymous: false, oldStyle: false),   // 4
        TLSProfile(version: 1, cipher: 5, anonymous: false, oldStyle: false),   // 5
        TLSProfile(version: 1, cipher: 6, anonymous: false, oldStyle: false),   // 6
        TLSProfile(version: 1, cipher: 7, anonymous: false, oldStyle: false),   // 7
        TLSProfile(version: 1, cipher: 8, anonymous: false, oldStyle: false),   // 8
        TLSProfile(version: 3, cipher: 9, anonymous: false, oldStyle: false),   // 9  TLSv1
        TLSProfile(version: 3, cipher: 11, anonymous: false, oldStyle: false),  // 10
        TLSProfile(version: 3, cipher: 13, anonymous: false, oldStyle: false),  // 11
        TLSProfile(version: 2, cipher: 10, anonymous: false, oldStyle: false),  // 12 TLSv1.1
        TLSProfile(version: 3, cipher: 14, anonymous: false, oldStyle: false),  // 13 TLSv1 3DES
        TLSProfile(version: 4, cipher: 15, anonymous: false, oldStyle: false),  // 14 SSLv3 RC4-MD5
        TLSProfile(version: 4, cipher: 14, anonymous: false, oldStyle: false),  // 15 SSLv3 3DES
        TLSProfile(version: 1, cipher: 17, anonymous: true, oldStyle: false),   // 16 TLSv1.2 ADH
        TLSProfile(version: 1, cipher: 18, anonymous: true, oldStyle: false),   // 17 TLSv1.2 AECDH
        TLSProfile(version: 5, cipher: 11, anonymous: false, oldStyle: true),   // 18 TLSv1/SSLv3 ...
        TLSProfile(version: 5, cipher: 15, anonymous: false, oldStyle: true),   // 19
        TLSProfile(version: 5, cipher: 12, anonymous: false, oldStyle: true),   // 20
        TLSProfile(version: 5, cipher: 13, anonymous: false, oldStyle: true),   // 21
        TLSProfile(version: 5, cipher: 16, anonymous: false, oldStyle: true),   // 22
        TLSProfile(version: 5, cipher: 3, anonymous: false, oldStyle: true),    // 23
        TLSProfile(version: 5, cipher: 19, anonymous: false, oldStyle: true),   // 24
        TLSProfile(version: 5, cipher: 20, anonymous: false, oldStyle: true),   // 25
        TLSProfile(version: 3, cipher: 17, anonymous: true, oldStyle: false),   // 26 TLSv1 ADH
        TLSProfile(version: 5, cipher: 17, anonymous: true, oldStyle: true),    // 27 TLSv1/SSLv3 ADH
    ]

    /// Current peers (8.15+ sendmail on our side): mostly TLS 1.3.
    static let modernWeights: [(Int, Double)] = [
        (0, 40), (1, 7), (2, 4), (3, 15), (4, 5), (5, 2), (6, 1.5), (7, 2), (8, 1),
        (9, 1.5), (10, 1), (11, 0.8), (12, 0.8), (13, 0.3), (14, 0.12), (15, 0.08),
    ]
    /// Mail clients (MUAs): a bit older on average.
    static let muaWeights: [(Int, Double)] = [
        (0, 30), (1, 4), (3, 22), (4, 10), (7, 4), (9, 6), (10, 3), (11, 5), (12, 2), (13, 0.5), (14, 0.3),
    ]
    /// Old-style sessions (pre-8.15 log format).
    static let oldWeights: [(Int, Double)] = [
        (18, 30), (19, 14), (20, 20), (21, 10), (22, 10), (23, 10), (24, 3), (25, 3),
    ]
    /// Servers that negotiate anonymous Diffie-Hellman.
    static let anonWeights: [(Int, Double)] = [(16, 40), (17, 40), (26, 15), (27, 5)]

    /// Values of `verify=` on the main line.
    static let verifies: [String] = ["NO", "NOT", "OK", "FAIL", "TRUSTED"]
    static let verifyNO = 0, verifyNOT = 1, verifyOK = 2, verifyFAIL = 3, verifyTRUSTED = 4
}
