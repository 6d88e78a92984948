import Testing
@testable import MailTLSParser

/// log-formats.md §2.1: the main `STARTTLS=…, relay=…, version=…` line of every release.
@Suite("STARTTLS main line")
struct StartTLSLineTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var message: String
        var role: Role
        var relayRaw: String
        var relayName: String?
        var relayIP: String?
        var version: String
        var verify: String
        var cipher: String
        var alg: Int?
        var bits: Int?
        var fp: String? = nil
        var status: String? = nil
        var note: String? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "8.14 server, TLSv1/SSLv3 kept as logged",
             message: "STARTTLS=server, relay=localhost [127.0.0.1], version=TLSv1/SSLv3, verify=NO, cipher=DHE-RSA-AES256-SHA, bits=256/256",
             role: .server, relayRaw: "localhost [127.0.0.1]", relayName: "localhost", relayIP: "127.0.0.1",
             version: "TLSv1/SSLv3", verify: "NO", cipher: "DHE-RSA-AES256-SHA", alg: 256, bits: 256),
        Case(name: "server, relay without PTR name",
             message: "STARTTLS=server, relay=[184.21.104.253], version=TLSv1/SSLv3, verify=NO, cipher=RC4-MD5, bits=128/128",
             role: .server, relayRaw: "[184.21.104.253]", relayName: nil, relayIP: "184.21.104.253",
             version: "TLSv1/SSLv3", verify: "NO", cipher: "RC4-MD5", alg: 128, bits: 128),
        Case(name: "server, (may be forged) relay",
             message: "STARTTLS=server, relay=173-228-127-4.dsl.dynamic.sonic.net [173.228.127.4] (may be forged), version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256",
             role: .server, relayRaw: "173-228-127-4.dsl.dynamic.sonic.net [173.228.127.4] (may be forged)",
             relayName: "173-228-127-4.dsl.dynamic.sonic.net", relayIP: "173.228.127.4",
             version: "TLSv1.2", verify: "NO", cipher: "ECDHE-RSA-AES256-GCM-SHA384", alg: 256, bits: 256),
        Case(name: "server, IPv6 peer",
             message: "STARTTLS=server, relay=mail.example.org [IPv6:2001:db8::25], version=TLSv1.3, verify=NOT, cipher=TLS_CHACHA20_POLY1305_SHA256, bits=256/256",
             role: .server, relayRaw: "mail.example.org [IPv6:2001:db8::25]", relayName: "mail.example.org",
             relayIP: "2001:db8::25",
             version: "TLSv1.3", verify: "NOT", cipher: "TLS_CHACHA20_POLY1305_SHA256", alg: 256, bits: 256),
        Case(name: "8.15 client, MX name with trailing dot, no IP",
             message: "STARTTLS=client, relay=gmail-smtp-in.l.google.com., version=TLSv1.2, verify=FAIL, cipher=ECDHE-RSA-AES128-GCM-SHA256, bits=128/128",
             role: .client, relayRaw: "gmail-smtp-in.l.google.com.", relayName: "gmail-smtp-in.l.google.com.",
             relayIP: nil,
             version: "TLSv1.2", verify: "FAIL", cipher: "ECDHE-RSA-AES128-GCM-SHA256", alg: 128, bits: 128),
        Case(name: "client TLSv1.3 with IANA cipher name",
             message: "STARTTLS=client, relay=gmail-smtp-in.l.google.com., version=TLSv1.3, verify=FAIL, cipher=TLS_AES_256_GCM_SHA384, bits=256/256",
             role: .client, relayRaw: "gmail-smtp-in.l.google.com.", relayName: "gmail-smtp-in.l.google.com.",
             relayIP: nil,
             version: "TLSv1.3", verify: "FAIL", cipher: "TLS_AES_256_GCM_SHA384", alg: 256, bits: 256),
        Case(name: "client smarthost without dot, verify=OK",
             message: "STARTTLS=client, relay=smtp.gmail.com, version=TLSv1/SSLv3, verify=OK, cipher=ECDHE-RSA-AES128-GCM-SHA256, bits=128/128",
             role: .client, relayRaw: "smtp.gmail.com", relayName: "smtp.gmail.com", relayIP: nil,
             version: "TLSv1/SSLv3", verify: "OK", cipher: "ECDHE-RSA-AES128-GCM-SHA256", alg: 128, bits: 128),
        Case(name: "client MSP -> MTA literal [127.0.0.1]",
             message: "STARTTLS=client, relay=[127.0.0.1], version=TLSv1.3, verify=FAIL, cipher=TLS_AES_256_GCM_SHA384, bits=256/256",
             role: .client, relayRaw: "[127.0.0.1]", relayName: nil, relayIP: "127.0.0.1",
             version: "TLSv1.3", verify: "FAIL", cipher: "TLS_AES_256_GCM_SHA384", alg: 256, bits: 256),
        Case(name: "3DES: alg bits first, then cipher bits",
             message: "STARTTLS=server, relay=old.example.net [198.51.100.7], version=TLSv1, verify=NO, cipher=DES-CBC3-SHA, bits=168/112",
             role: .server, relayRaw: "old.example.net [198.51.100.7]", relayName: "old.example.net",
             relayIP: "198.51.100.7",
             version: "TLSv1", verify: "NO", cipher: "DES-CBC3-SHA", alg: 168, bits: 112),
        Case(name: "bits=0/0",
             message: "STARTTLS=client, relay=mx.example.org., version=UNKNOWN, verify=FAIL, cipher=NULL-SHA, bits=0/0",
             role: .client, relayRaw: "mx.example.org.", relayName: "mx.example.org.", relayIP: nil,
             version: "UNKNOWN", verify: "FAIL", cipher: "NULL-SHA", alg: 0, bits: 0),
        Case(name: "DANE verify=TRUSTED",
             message: "STARTTLS=client, relay=mx.dane.example., version=TLSv1.3, verify=TRUSTED, cipher=TLS_AES_256_GCM_SHA384, bits=256/256",
             role: .client, relayRaw: "mx.dane.example.", relayName: "mx.dane.example.", relayIP: nil,
             version: "TLSv1.3", verify: "TRUSTED", cipher: "TLS_AES_256_GCM_SHA384", alg: 256, bits: 256),
        Case(name: "8.16 DANE_FAIL with pubkey_fp",
             message: "STARTTLS=client, relay=mx.dane.example., version=TLSv1.2, verify=DANE_FAIL, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256, pubkey_fp=6F:3A:91:0C:DE:AD:BE:EF",
             role: .client, relayRaw: "mx.dane.example.", relayName: "mx.dane.example.", relayIP: nil,
             version: "TLSv1.2", verify: "DANE_FAIL", cipher: "ECDHE-RSA-AES256-GCM-SHA384", alg: 256, bits: 256,
             fp: "6F:3A:91:0C:DE:AD:BE:EF"),
        Case(name: "8.18 `, status=` suffix",
             message: "STARTTLS=client, relay=mx.dane.example., version=TLSv1.3, verify=FAIL, cipher=TLS_AES_256_GCM_SHA384, bits=256/256, status=all TLSA RRs are unsupported",
             role: .client, relayRaw: "mx.dane.example.", relayName: "mx.dane.example.", relayIP: nil,
             version: "TLSv1.3", verify: "FAIL", cipher: "TLS_AES_256_GCM_SHA384", alg: 256, bits: 256,
             status: "all TLSA RRs are unsupported"),
        Case(name: "8.17.2 glued `bits=256/256status=`",
             message: "STARTTLS=client, relay=mx.dane.example., version=TLSv1.3, verify=FAIL, cipher=TLS_AES_256_GCM_SHA384, bits=256/256status=all TLSA RRs are unsupported",
             role: .client, relayRaw: "mx.dane.example.", relayName: "mx.dane.example.", relayIP: nil,
             version: "TLSv1.3", verify: "FAIL", cipher: "TLS_AES_256_GCM_SHA384", alg: 256, bits: 256,
             status: "all TLSA RRs are unsupported"),
        Case(name: "8.18 `, note=` suffix with DANE_TEMP",
             message: "STARTTLS=client, relay=mx.dane.example., version=TLSv1.3, verify=DANE_TEMP, cipher=TLS_AES_128_GCM_SHA256, bits=128/128, note=too many TLSA RRs",
             role: .client, relayRaw: "mx.dane.example.", relayName: "mx.dane.example.", relayIP: nil,
             version: "TLSv1.3", verify: "DANE_TEMP", cipher: "TLS_AES_128_GCM_SHA256", alg: 128, bits: 128,
             note: "too many TLSA RRs"),
        Case(name: "all three DANE suffixes",
             message: "STARTTLS=client, relay=mx.dane.example., version=TLSv1.2, verify=BOGUS_DANE_RES, cipher=ECDHE-ECDSA-AES128-GCM-SHA256, bits=128/128, pubkey_fp=AB:CD, status=all TLSA RRs are unsupported, note=too many TLSA RRs",
             role: .client, relayRaw: "mx.dane.example.", relayName: "mx.dane.example.", relayIP: nil,
             version: "TLSv1.2", verify: "BOGUS_DANE_RES", cipher: "ECDHE-ECDSA-AES128-GCM-SHA256", alg: 128, bits: 128,
             fp: "AB:CD", status: "all TLSA RRs are unsupported", note: "too many TLSA RRs"),
    ]

    @Test("parses every release shape", arguments: cases)
    func mainLine(_ c: Case) throws {
        let r = parseMessage(c.message)
        #expect(r.parsedQueueID == nil)
        let s = try #require(r.parsedEvent?.asSession, "\(r)")
        #expect(s.role == c.role)
        #expect(s.relay.raw == c.relayRaw)
        #expect(s.relay.name == c.relayName)
        #expect(s.relay.ip == c.relayIP)
        #expect(s.version == c.version)
        #expect(s.verify == c.verify)
        #expect(s.cipher == c.cipher)
        #expect(s.algBits == c.alg)
        #expect(s.cipherBits == c.bits)
        #expect(s.danePubkeyFP == c.fp)
        #expect(s.daneStatus == c.status)
        #expect(s.daneNote == c.note)
    }

    @Test("forged flag is kept on the session relay")
    func forged() throws {
        let s = try #require(parseMessage(Self.cases[2].message).parsedEvent?.asSession)
        #expect(s.relay.forged)
        #expect(s.relay.peer == "173-228-127-4.dsl.dynamic.sonic.net")
    }

    @Test("a queue-id prefixed STARTTLS line (edited sample) keeps its id and fields")
    func queueIDPrefix() throws {
        let r = parseMessage("221820LG031423: STARTTLS=server, relay=macmini8.example.org [192.168.1.21], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256")
        #expect(r.parsedQueueID == "221820LG031423")
        let s = try #require(r.parsedEvent?.asSession)
        #expect(s.role == .server)
        #expect(s.relay.name == "macmini8.example.org")
        #expect(s.relay.ip == "192.168.1.21")
        #expect(s.version == "TLSv1.3")
    }

    @Test("relay cut at 100 characters (%.100s) still leaves the other fields intact")
    func relayCutAt100() throws {
        // `${_}` is longer than 100 characters: sendmail prints only the first 100 (mid-name here).
        let full = "host-" + String(repeating: "a", count: 90) + ".example.net [203.0.113.45]"
        let cut = String(full.prefix(100))
        #expect(cut.count == 100)
        let r = parseMessage("STARTTLS=server, relay=\(cut), version=TLSv1.2, verify=NO, cipher=AES128-SHA, bits=128/128")
        let s = try #require(r.parsedEvent?.asSession)
        #expect(s.relay.raw.count == 100)
        #expect(s.relay.ip == nil)
        #expect(s.version == "TLSv1.2")
        #expect(s.cipher == "AES128-SHA")
        #expect(s.cipherBits == 128)
    }

    @Test("debug, info and OpenSSL-dump lines are skipped", arguments: [
        "STARTTLS=client, relay=mx.example.org., field=cn, status=failed to extract CN",
        "STARTTLS=server, relay=client.example.net [192.0.2.9], field=cn, status=CN too long",
        "STARTTLS=client, relay=mx.example.org., AltName=mx.example.org",
        "STARTTLS=client, relay=mx.example.org., warning=DANE configured in DNS but STARTTLS failed",
        "STARTTLS=client, relay=mx.example.org., tlsstate=2, status=trying_again",
        "STARTTLS=client, start=ok",
        "STARTTLS=server, init=1",
        "STARTTLS=client, get_verify: 20 get_peer: 0x55d0c8a1b2c0",
        "STARTTLS=server, Diffie-Hellman init, key=2048 bit (1)",
        "STARTTLS=server, info: fds=5/6, err=1",
        "STARTTLS=server, SSL_shutdown not done",
        "STARTTLS=client, host=mx.example.org., ssl_dane_enable=1",
        "STARTTLS=client, SSL_dane_enable=1, domain=example.org",
        "STARTTLS=server, error: SSL_CTX_use_PrivateKey_file(/etc/mail/tls/key.pem) failed",
        "STARTTLS=server: error:0A00010B:SSL routines::wrong version number:ssl/record/ssl3_record.c:354:",
        "STARTTLS=server: 140735226590016:error:1408A10B:SSL routines:ssl3_get_client_hello:wrong version number:s3_srvr.c:1068:",
        "STARTTLS=read: error:0A000126:SSL routines::unexpected eof while reading:ssl/record/rec_layer_s3.c:322:",
        "STARTTLS=server: file /etc/mail/tls/key.pem unsafe: Group readable file",
        "STARTTLS: SSL_accept:before SSL initialization",
        "STARTTLS: x509 cert verify: depth=1 /C=US/O=Let's+20Encrypt/CN=R3, state=1, reason=ok",
        "STARTTLS: RandFile /etc/mail/randseed too old: file does not exist",
    ])
    func skipped(_ message: String) {
        #expect(parseMessage(message) == .skipped)
    }

    @Test("a main line that lost its fields is malformed", arguments: [
        "STARTTLS=server, relay=mail.example.org [192.0.2.1], version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES256-GCM-SHA384",
        "STARTTLS=client, relay=mx.example.org., version=TLSv1.2, verify=FAIL, bits=256/256",
        "STARTTLS=server, relay=mail.example.org [192.0.2.1], version=TLSv1.2",
    ])
    func malformed(_ message: String) {
        #expect(parseMessage(message).isMalformed)
    }
}
