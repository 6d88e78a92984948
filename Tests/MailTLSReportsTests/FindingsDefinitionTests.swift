import Foundation
import MailTLSReports
import MailTLSStore
import MailTLSTestSupport
import Testing

/// Builders for the lines the findings read, beyond `Log` (host mx1, 2026-03-02).
enum FindingsLog {
    static func auth(_ time: String, _ pid: Int, relay: String, authid: String, mech: String) -> String {
        line(time, pid, "AUTH=server, relay=\(relay), authid=\(authid), mech=\(mech), bits=0")
    }

    static func authClient(_ time: String, _ pid: Int, relay: String, mech: String) -> String {
        line(time, pid, "AUTH=client, relay=\(relay), mech=\(mech), bits=0")
    }

    static func authFailure(_ time: String, _ pid: Int, qid: String, relay: String, user: String?, mech: String) -> String {
        let u = user.map { ", user=\($0)" } ?? ""
        return line(time, pid, "\(qid): AUTH failure (\(mech)): authentication failure (-13) SASL(-13): authentication failure: checkpass failed\(u), relay=\(relay)")
    }

    /// The LogLevel 12 certificate line that follows a STARTTLS main line (xtext: a space is `+20`).
    static func cert(_ time: String, _ pid: Int, role: String = "client", subject: String, issuer: String, verifymsg: String) -> String {
        func xtext(_ s: String) -> String { s.replacingOccurrences(of: " ", with: "+20") }
        return line(time, pid, "STARTTLS=\(role), cert-subject=\(xtext(subject)), cert-issuer=\(xtext(issuer)), verifymsg=\(verifymsg)")
    }
}

extension ResultTable {
    /// The rows as `a|b|c` of the named columns only ("-" for NULL).
    func lines(_ names: String...) -> [String] {
        let idx = names.map { n in columns.firstIndex(of: n)! }
        return rows.map { row in idx.map { row[$0].text ?? "-" }.joined(separator: "|") }
    }
}

/// The definitions of issue 6 (weak TLS, AUTH in clear, verify failures), each pinned on a small
/// hand-written log.
@Suite struct FindingsDefinitionTests {
    /// (version, cipher, bits, kind|version shown|reasons or nil when not weak)
    static let weakCases: [(String, String, String, String?)] = [
        // Versions.
        ("SSLv2", "DES-CBC3-MD5", "168/168", "weak|SSLv2|SSLv2, 3DES, MD5"),
        ("SSLv3", "AES256-SHA", "256/256", "weak|SSLv3|SSLv3"),
        ("TLSv1", "AES128-SHA", "128/128", "weak|TLSv1|TLSv1"),
        ("TLSv1.0", "AES128-SHA", "128/128", "weak|TLSv1|TLSv1"),   // stored normalised (version_logged keeps TLSv1.0)
        ("TLSv1.1", "ECDHE-RSA-AES256-SHA", "256/256", "weak|TLSv1.1|TLSv1.1"),
        // Ciphers, in OpenSSL and IANA spelling.
        ("TLSv1.2", "RC4-SHA", "128/128", "weak|TLSv1.2|RC4"),
        ("TLSv1.2", "DES-CBC-SHA", "56/56", "weak|TLSv1.2|DES, 56 bits"),
        ("TLSv1.2", "EDH-RSA-DES-CBC3-SHA", "168/168", "weak|TLSv1.2|3DES"),
        ("TLSv1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "168/168", "weak|TLSv1.2|3DES"),
        ("TLSv1.2", "NULL-SHA", "0/0", "weak|TLSv1.2|NULL, 0 bits"),
        ("TLSv1", "EXP-RC4-MD5", "128/40", "weak|TLSv1|TLSv1, EXPORT, RC4, MD5, 40 bits"),
        ("TLSv1.2", "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "56/40", "weak|TLSv1.2|EXPORT, DES, 40 bits"),
        // Fewer than 128 effective bits alone.
        ("TLSv1.2", "CAMELLIA128-SHA", "128/64", "weak|TLSv1.2|64 bits"),
        // Anonymous key exchange: called out as its own kind.
        ("TLSv1.2", "AECDH-AES128-SHA", "128/128", "anonymous|TLSv1.2|anonymous"),
        ("TLSv1", "ADH-AES256-SHA", "256/256", "anonymous|TLSv1|TLSv1, anonymous"),
        ("TLSv1.2", "TLS_DH_anon_WITH_AES_128_CBC_SHA", "128/128", "anonymous|TLSv1.2|anonymous"),
        ("TLSv1.2", "ADH-RC4-MD5", "128/128", "anonymous|TLSv1.2|anonymous, RC4, MD5"),
        // GnuTLS names (Exim): ARCFOUR is RC4, ANON in capitals, 3DES_EDE.
        ("TLSv1.2", "ECDHE_RSA_ARCFOUR_128_SHA1", "128/128", "weak|TLSv1.2|RC4"),
        ("TLSv1.2", "ANON_DH_AES_128_CBC_SHA1", "128/128", "anonymous|TLSv1.2|anonymous"),
        ("TLSv1.2", "RSA_3DES_EDE_CBC_SHA1", "168/168", "weak|TLSv1.2|3DES"),
        // TLSv1/SSLv3 is judged by the cipher; the version is refined where the cipher tells it.
        ("TLSv1/SSLv3", "RC4-MD5", "128/128", "weak|TLSv1/SSLv3|RC4, MD5"),
        ("TLSv1/SSLv3", "ADH-AES128-GCM-SHA256", "128/128", "anonymous|TLSv1.2|anonymous"),
        ("TLSv1/SSLv3", "ADH-AES256-SHA256", "256/256", "anonymous|TLSv1.2|anonymous"),
        ("TLSv1/SSLv3", "ADH-AES256-SHA", "256/256", "anonymous|TLSv1/SSLv3|anonymous"),
        // Not weak.
        ("TLSv1/SSLv3", "AES128-SHA", "128/128", nil),
        ("TLSv1/SSLv3", "DHE-RSA-AES256-SHA", "256/256", nil),
        ("TLSv1.2", "ECDHE-ECDSA-AES256-SHA384", "256/256", nil),  // ECDSA is not DES
        ("TLSv1.2", "DHE-DSS-AES256-GCM-SHA384", "256/256", nil),
        ("TLSv1.2", "ECDHE-RSA-CHACHA20-POLY1305", "256/256", nil),
        ("TLSv1.2", "ECDHE_RSA_AES_256_GCM_SHA384", "256/256", nil),
        ("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "128/128", nil),
        ("TLSv1.3", "TLS_AES_128_GCM_SHA256", "128/128", nil),
        ("TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256", "256/256", nil),
    ]

    @Test func weakVersionsCiphersAndBits() throws {
        var log = ""
        for (i, c) in Self.weakCases.enumerated() {
            log += Log.clientTLS(String(format: "10:%02d:00", i), 1000 + i, relay: "p\(i).example.", version: c.0, cipher: c.1, bits: c.2)
        }
        let store = try TestStore(log)
        let weak = try store.table("weak")
        #expect(weak.columns == ["kind", "role", "peer", "version", "cipher", "bits", "reasons", "sessions", "first_seen", "last_seen"])
        let expected = Self.weakCases.enumerated().compactMap { i, c -> String? in
            guard let e = c.3 else { return nil }
            let parts = e.split(separator: "|", maxSplits: 2).map(String.init)
            return [parts[0], "client", "p\(i).example", parts[1], c.1, String(c.2.split(separator: "/")[1]), parts[2], "1"]
                .joined(separator: "|")
        }
        #expect(weak.lines("kind", "role", "peer", "version", "cipher", "bits", "reasons", "sessions").sorted() == expected.sorted())
        // Anonymous sessions are listed first.
        let kinds = weak.column("kind").map { $0.text ?? "-" }
        #expect(kinds == kinds.sorted { $0 == "anonymous" && $1 != "anonymous" })
        #expect(kinds.first == "anonymous" && kinds.last == "weak")
        #expect(try store.summary()["weak_sessions"]?.int == Int64(expected.count))
        // check and the rows path of the summary (a bound that is not midnight) count the same.
        #expect(try store.reporter.query("check").records.first?["weak_sessions"]?.int == Int64(expected.count))
        let raw = ReportFilter(since: Date(timeIntervalSince1970: 1))
        #expect(try store.summary(raw)["weak_sessions"]?.int == Int64(expected.count))
    }

    @Test func weakRowsGroupByRoleAndPeerAndHonourTheFilters() throws {
        let store = try TestStore(
            Log.serverTLS("10:00:00", 1, relay: "old.example [192.0.2.1]", version: "TLSv1", cipher: "AES128-SHA", bits: "128/128")
            + Log.serverTLS("11:00:00", 2, relay: "old.example [192.0.2.1]", version: "TLSv1", cipher: "AES128-SHA", bits: "128/128")
            + Log.serverTLS("12:00:00", 3, relay: "old.example [192.0.2.1]", version: "TLSv1", cipher: "DES-CBC3-SHA", bits: "168/168")
            + Log.clientTLS("12:30:00", 4, relay: "old.example.", version: "TLSv1", cipher: "AES128-SHA", bits: "128/128")
            + Log.serverTLS("13:00:00", 5, relay: "new.example [192.0.2.2]")
            // Loopback: left out unless --include-local.
            + Log.serverTLS("14:00:00", 6, relay: "localhost [127.0.0.1]", version: "SSLv3", cipher: "RC4-MD5", bits: "128/128")
            + Log.clientTLS("15:00:00", 7, relay: "mx.anon.example.", version: "TLSv1.2", verify: "NO", cipher: "AECDH-AES256-SHA")
        )
        #expect(try store.table("weak").lines("kind", "role", "peer", "cipher", "reasons", "sessions", "first_seen", "last_seen") == [
            "anonymous|client|mx.anon.example|AECDH-AES256-SHA|anonymous|1|2026-03-02T15:00:00Z|2026-03-02T15:00:00Z",
            "weak|server|old.example|AES128-SHA|TLSv1|2|2026-03-02T10:00:00Z|2026-03-02T11:00:00Z",
            "weak|client|old.example|AES128-SHA|TLSv1|1|2026-03-02T12:30:00Z|2026-03-02T12:30:00Z",
            "weak|server|old.example|DES-CBC3-SHA|TLSv1, 3DES|1|2026-03-02T12:00:00Z|2026-03-02T12:00:00Z",
        ])
        #expect(try store.summary()["weak_sessions"]?.int == 5)
        let local = ReportFilter(includeLocal: true)
        #expect(try store.table("weak", local).lines("peer", "reasons").contains("localhost|SSLv3, RC4, MD5"))
        #expect(try store.summary(local)["weak_sessions"]?.int == 6)
        #expect(try store.table("weak", ReportFilter(role: .client)).lines("peer") == ["mx.anon.example", "old.example"])
        #expect(try store.table("weak", ReportFilter(peer: "*.ANON.example")).rows.count == 1)
        #expect(try store.table("weak", ReportFilter(until: try TimeBound.parse("2026-03-02T11:30:00Z"))).lines("sessions") == ["2"])
        #expect(try store.table("weak", ReportFilter(host: "mx2")).rows.isEmpty)
        // --limit N keeps the first N rows of each kind.
        #expect(try store.table("weak", ReportFilter(limit: 1)).lines("kind", "peer", "sessions") == [
            "anonymous|mx.anon.example|1", "weak|old.example|2",
        ])
    }

    @Test func authOverTLSOrInClear() throws {
        let store = try TestStore(
            // STARTTLS, then AUTH PLAIN in the same session: fine.
            Log.serverTLS("10:00:00", 100, relay: "a.example [192.0.2.1]")
            + FindingsLog.auth("10:00:01", 100, relay: "a.example [192.0.2.1]", authid: "alice", mech: "PLAIN")
            // LOGIN without STARTTLS: the password crossed in clear.
            + FindingsLog.auth("10:01:00", 101, relay: "b.example [192.0.2.2]", authid: "bob", mech: "LOGIN")
            // CRAM-MD5 without STARTTLS: in clear, but no password on the wire.
            + FindingsLog.auth("10:02:00", 102, relay: "c.example [192.0.2.3]", authid: "carol", mech: "CRAM-MD5")
            // AUTH before the STARTTLS of its session is in clear.
            + FindingsLog.auth("10:03:00", 103, relay: "d.example [192.0.2.4]", authid: "dave", mech: "plain")
            + Log.serverTLS("10:03:01", 103, relay: "d.example [192.0.2.4]")
            // bob again, over TLS this time.
            + Log.serverTLS("10:04:00", 104, relay: "e.example [192.0.2.5]")
            + FindingsLog.auth("10:04:01", 104, relay: "e.example [192.0.2.5]", authid: "bob", mech: "LOGIN")
            // A STARTTLS of another session does not count.
            + Log.serverTLS("10:05:00", 105, relay: "f.example [192.0.2.6]")
            + FindingsLog.auth("10:05:01", 106, relay: "f.example [192.0.2.6]", authid: "erin", mech: "PLAIN")
            + FindingsLog.auth("11:05:01", 106, relay: "f.example [192.0.2.6]", authid: "erin", mech: "PLAIN")
            // Webmail on the same host: loopback, left out unless --include-local.
            + FindingsLog.auth("10:06:00", 107, relay: "localhost [127.0.0.1]", authid: "webmail", mech: "PLAIN")
            // We log in to a smarthost: in clear, then over TLS.
            + FindingsLog.authClient("10:07:00", 108, relay: "smarthost.example", mech: "LOGIN")
            + Log.clientTLS("10:08:00", 109, relay: "smarthost.example")
            + FindingsLog.authClient("10:08:01", 109, relay: "smarthost.example", mech: "PLAIN")
        )
        let auth = try store.table("auth")
        #expect(auth.columns == ["kind", "role", "account", "mech", "peer", "peers", "accounts", "events", "over_tls",
                                 "in_clear", "first_seen", "last_seen"])
        #expect(auth.lines("kind", "role", "account", "mech", "peer", "events", "over_tls", "in_clear", "first_seen", "last_seen") == [
            "password_in_clear|server|erin|PLAIN|f.example|2|0|2|2026-03-02T10:05:01Z|2026-03-02T11:05:01Z",
            "password_in_clear|client|-|LOGIN|smarthost.example|1|0|1|2026-03-02T10:07:00Z|2026-03-02T10:07:00Z",
            "password_in_clear|server|dave|plain|d.example|1|0|1|2026-03-02T10:03:00Z|2026-03-02T10:03:00Z",
            "password_in_clear|server|bob|LOGIN|b.example|1|0|1|2026-03-02T10:01:00Z|2026-03-02T10:01:00Z",
            "success|server|erin|PLAIN|f.example|2|0|2|2026-03-02T10:05:01Z|2026-03-02T11:05:01Z",
            "success|server|bob|LOGIN|-|2|1|1|2026-03-02T10:01:00Z|2026-03-02T10:04:01Z",
            "success|client|-|PLAIN|smarthost.example|1|1|0|2026-03-02T10:08:01Z|2026-03-02T10:08:01Z",
            "success|client|-|LOGIN|smarthost.example|1|0|1|2026-03-02T10:07:00Z|2026-03-02T10:07:00Z",
            "success|server|dave|plain|d.example|1|0|1|2026-03-02T10:03:00Z|2026-03-02T10:03:00Z",
            "success|server|carol|CRAM-MD5|c.example|1|0|1|2026-03-02T10:02:00Z|2026-03-02T10:02:00Z",
            "success|server|alice|PLAIN|a.example|1|1|0|2026-03-02T10:00:01Z|2026-03-02T10:00:01Z",
        ])
        #expect(auth.lines("kind", "account", "peers").contains("success|bob|2"))

        // The summary counts AUTH=server successes.
        #expect(try store.summary()["auth"]?.compactText == #"{"total": 7, "over_tls": 2, "plaintext_password": 4}"#)
        let local = ReportFilter(includeLocal: true)
        #expect(try store.summary(local)["auth"]?.compactText == #"{"total": 8, "over_tls": 2, "plaintext_password": 5}"#)
        #expect(try store.table("auth", local).lines("kind", "account", "peer").contains("password_in_clear|webmail|localhost"))
        // --role client: our own logins only; the summary's auth is about AUTH=server.
        #expect(try store.table("auth", ReportFilter(role: .client)).lines("kind", "mech") == [
            "password_in_clear|LOGIN", "success|PLAIN", "success|LOGIN",
        ])
        #expect(try store.summary(ReportFilter(role: .client))["auth"]?["total"]?.int == 0)
        #expect(try store.summary(ReportFilter(role: .server))["auth"]?["total"]?.int == 7)
        #expect(try store.table("auth", ReportFilter(peer: "b.*")).lines("kind", "account") == ["password_in_clear|bob", "success|bob"])
        #expect(try store.table("auth", ReportFilter(limit: 1)).lines("kind", "account") == ["password_in_clear|erin", "success|erin"])
    }

    @Test func authFailuresByAccountAndByPeer() throws {
        let store = try TestStore(
            FindingsLog.authFailure("03:00:00", 200, qid: "622300aa000200", relay: "[203.0.113.9]", user: "admin", mech: "LOGIN")
            + FindingsLog.authFailure("03:00:05", 200, qid: "622300aa000200", relay: "[203.0.113.9]", user: "root", mech: "LOGIN")
            + FindingsLog.authFailure("03:00:10", 200, qid: "622300aa000200", relay: "[203.0.113.9]", user: "admin", mech: "LOGIN")
            + Log.serverTLS("04:00:00", 201, relay: "[203.0.113.10]")
            + FindingsLog.authFailure("04:00:01", 201, qid: "622400aa000201", relay: "[203.0.113.10]", user: "admin", mech: "PLAIN")
            // 8.14 writes no user=.
            + FindingsLog.authFailure("05:00:00", 202, qid: "622500aa000202", relay: "[192.0.2.66]", user: nil, mech: "LOGIN")
        )
        let auth = try store.table("auth")
        #expect(auth.lines("kind", "account", "mech", "peer", "peers", "accounts", "events", "over_tls", "in_clear", "first_seen", "last_seen") == [
            "failure_by_account|admin|LOGIN, PLAIN|-|2|1|3|1|2|2026-03-02T03:00:00Z|2026-03-02T04:00:01Z",
            "failure_by_account|-|LOGIN|192.0.2.66|1|0|1|0|1|2026-03-02T05:00:00Z|2026-03-02T05:00:00Z",
            "failure_by_account|root|LOGIN|203.0.113.9|1|1|1|0|1|2026-03-02T03:00:05Z|2026-03-02T03:00:05Z",
            "failure_by_peer|-|LOGIN|203.0.113.9|1|2|3|0|3|2026-03-02T03:00:00Z|2026-03-02T03:00:10Z",
            "failure_by_peer|-|LOGIN|192.0.2.66|1|0|1|0|1|2026-03-02T05:00:00Z|2026-03-02T05:00:00Z",
            "failure_by_peer|admin|PLAIN|203.0.113.10|1|1|1|1|0|2026-03-02T04:00:01Z|2026-03-02T04:00:01Z",
        ])
        // Failures are not AUTH=server successes.
        #expect(try store.summary()["auth"]?.compactText == #"{"total": 0, "over_tls": 0, "plaintext_password": 0}"#)
    }

    @Test func verifyFailuresByReasonAndIssuerWithHints() throws {
        let le = "/C=US/O=Let's Encrypt/CN=R11"
        let store = try TestStore(
            // Two peers, one missing CA: one row.
            Log.clientTLS("10:00:00", 1, relay: "mx1.a.example.", verify: "FAIL")
            + FindingsLog.cert("10:00:00", 1, subject: "/CN=mx1.a.example", issuer: le, verifymsg: "unable to get local issuer certificate")
            + Log.clientTLS("10:01:00", 2, relay: "mx2.a.example.", verify: "FAIL")
            + FindingsLog.cert("10:01:00", 2, subject: "/CN=mx2.a.example", issuer: le, verifymsg: "unable to get local issuer certificate")
            + Log.clientTLS("10:02:00", 3, relay: "mx2.a.example.", verify: "FAIL")
            + FindingsLog.cert("10:02:00", 3, subject: "/CN=mx2.a.example", issuer: le, verifymsg: "unable to get local issuer certificate")
            + Log.clientTLS("10:03:00", 4, relay: "self.example.", verify: "FAIL")
            + FindingsLog.cert("10:03:00", 4, subject: "/CN=self.example", issuer: "/CN=self.example", verifymsg: "self-signed certificate")
            + Log.clientTLS("10:04:00", 5, relay: "chain.example.", verify: "FAIL")
            + FindingsLog.cert("10:04:00", 5, subject: "/CN=chain.example", issuer: "/CN=Corp CA", verifymsg: "self signed certificate in certificate chain")
            + Log.clientTLS("10:05:00", 6, relay: "old.example.", verify: "FAIL")
            + FindingsLog.cert("10:05:00", 6, subject: "/CN=old.example", issuer: "/CN=Old CA", verifymsg: "certificate has expired")
            + Log.clientTLS("10:06:00", 7, relay: "nochain.example.", verify: "FAIL")
            + FindingsLog.cert("10:06:00", 7, subject: "/CN=nochain.example", issuer: "/CN=Sub CA", verifymsg: "unable to verify the first certificate")
            // No certificate line (LogLevel 9).
            + Log.clientTLS("10:07:00", 8, relay: "quiet.example.", verify: "FAIL")
            // DANE results, with the DANE suffixes of the main line.
            + line("10:08:00", 9, "STARTTLS=client, relay=mx.dane.example., version=TLSv1.2, verify=DANE_FAIL, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256, pubkey_fp=6F:3A:91:0C")
            + line("10:09:00", 10, "STARTTLS=client, relay=mx.dane2.example., version=TLSv1.3, verify=DANE_TEMP, cipher=TLS_AES_128_GCM_SHA256, bits=128/128, note=too many TLSA RRs")
            // A client certificate that did not verify (inbound).
            + Log.serverTLS("10:10:00", 11, relay: "client.example [192.0.2.7]", verify: "FAIL")
            + FindingsLog.cert("10:10:00", 11, role: "server", subject: "/CN=client.example", issuer: "/CN=Private CA", verifymsg: "unable to get local issuer certificate")
            // Not failures.
            + Log.clientTLS("10:11:00", 12, relay: "ok.example.", verify: "OK")
            + Log.clientTLS("10:12:00", 13, relay: "trusted.example.", verify: "TRUSTED")
            + Log.serverTLS("10:13:00", 14, relay: "nocert.example [192.0.2.8]", verify: "NO")
            + Log.serverTLS("10:14:00", 15, relay: "notasked.example [192.0.2.9]", verify: "NOT")
            // Loopback.
            + Log.clientTLS("10:15:00", 16, relay: "[127.0.0.1]", verify: "FAIL", tag: "sendmail")
        )
        let v = try store.table("verify-failures")
        #expect(v.columns == ["role", "verify", "reason", "issuer", "hint", "peers", "sessions", "first_seen", "last_seen", "peer_list"])
        #expect(v.lines("role", "verify", "reason", "issuer", "hint", "peers", "sessions", "peer_list") == [
            "client|FAIL|unable to get local issuer certificate|\(le)|the issuer's CA is not in CACertPath/CACertFile|2|3|mx1.a.example, mx2.a.example",
            "server|FAIL|unable to get local issuer certificate|/CN=Private CA|the issuer's CA is not in CACertPath/CACertFile|1|1|client.example",
            "client|DANE_FAIL|-|-|no TLSA record matches the certificate: check DNS|1|1|mx.dane.example",
            "client|DANE_TEMP|too many TLSA RRs|-|TLSA lookup failed for now (DNS), or too many TLSA RRs|1|1|mx.dane2.example",
            "client|FAIL|-|-|no certificate line: set LogLevel 12+ (confLOG_LEVEL)|1|1|quiet.example",
            "client|FAIL|certificate has expired|/CN=Old CA|expired: the peer must renew its certificate|1|1|old.example",
            "client|FAIL|self signed certificate in certificate chain|/CN=Corp CA|chain ends in a private CA: add it to CACertPath if trusted|1|1|chain.example",
            "client|FAIL|self-signed certificate|/CN=self.example|self-signed: verifies only if added to CACertPath|1|1|self.example",
            "client|FAIL|unable to verify the first certificate|/CN=Sub CA|the peer does not send its intermediate CA: it must fix|1|1|nochain.example",
        ])
        // Hints fit a table cell (TableRenderer cuts text at 60 characters).
        #expect(v.column("hint").allSatisfy { ($0.text ?? "").count <= TableRenderer().maxWidth })
        #expect(!v.lines("peer_list").contains { $0.contains("127.0.0.1") })
        #expect(try store.table("verify-failures", ReportFilter(includeLocal: true)).lines("peer_list")
                .contains("127.0.0.1, quiet.example"))
        #expect(try store.table("verify-failures", ReportFilter(role: .server)).rows.count == 1)
        #expect(try store.table("verify-failures", ReportFilter(peer: "mx2.*")).lines("peers", "sessions", "first_seen") == ["1|2|2026-03-02T10:01:00Z"])
        #expect(try store.table("verify-failures", ReportFilter(limit: 2)).rows.count == 2)
    }

    /// A fleet of three MTAs: each row's hint names the setting of the MTA that logged it (a Postfix
    /// admin is not told to set sendmail's LogLevel), and a reason that peers of two MTAs gave is a
    /// row per MTA. Postfix logs no subject or issuer with its reason, Exim's DN= is a subject only:
    /// both are NULL, not empty texts.
    @Test func verifyFailureHintsNameEachMTAsSettings() throws {
        let store = try TestStore(
            // sendmail: no certificate line; a self-signed certificate.
            Log.clientTLS("10:00:00", 1, relay: "quiet.example.", verify: "FAIL")
            + Log.clientTLS("10:01:00", 2, relay: "self.example.", verify: "FAIL")
            + FindingsLog.cert("10:01:00", 2, subject: "/CN=self.example", issuer: "/CN=self.example", verifymsg: "self-signed certificate")
            // Postfix: the reason line comes during the handshake, before the session's line.
            + "Mar  2 11:00:00 mx2 postfix/smtp[3001]: certificate verification failed for mx.untrusted.example[192.0.2.50]:25: untrusted issuer /C=US/O=Example/CN=Example CA\n"
            + "Mar  2 11:00:00 mx2 postfix/smtp[3001]: Untrusted TLS connection established to mx.untrusted.example[192.0.2.50]:25: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)\n"
            + "Mar  2 11:01:00 mx2 postfix/smtp[3002]: certificate verification failed for mx.self.example[192.0.2.53]:25: self-signed certificate\n"
            + "Mar  2 11:01:00 mx2 postfix/smtp[3002]: Untrusted TLS connection established to mx.self.example[192.0.2.53]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n"
            + "Mar  2 11:02:00 mx2 postfix/smtp[3003]: Untrusted TLS connection established to mx.quiet.example[192.0.2.51]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n"
            + "Mar  2 11:03:00 mx2 postfix/smtpd[3004]: connect from client.example[192.0.2.52]\n"
            + "Mar  2 11:03:00 mx2 postfix/smtpd[3004]: Untrusted TLS connection established from client.example[192.0.2.52]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n"
            // Exim: CV=no with a DN is a certificate that did not verify; Exim logs no reason.
            + "2026-03-02 12:00:00 1vAbCd-000001-Ab <= sender@relay.example H=relay.example [192.0.2.60] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no DN=\"C=DE,O=Relay Example GmbH,CN=relay.example\" S=1000 id=x@relay.example\n"
        )
        let v = try store.table("verify-failures")
        #expect(v.lines("role", "reason", "issuer", "hint", "peer_list") == [
            "server|-|-|Exim logs no reason: is the CA in tls_verify_certificates?|relay.example",
            "server|-|-|no reason logged: smtpd_tls_loglevel 2 logs it|client.example",
            "client|-|-|no reason logged: smtp_tls_loglevel 2 logs it|mx.quiet.example",
            "client|-|-|no certificate line: set LogLevel 12+ (confLOG_LEVEL)|quiet.example",
            "client|self-signed certificate|-|self-signed: verifies only if added to smtp_tls_CAfile|mx.self.example",
            "client|self-signed certificate|/CN=self.example|self-signed: verifies only if added to CACertPath|self.example",
            "client|untrusted issuer /C=US/O=Example/CN=Example CA|-|the issuer's CA is not in smtp_tls_CAfile|mx.untrusted.example",
        ])
        #expect(v.column("hint").allSatisfy { ($0.text ?? "").count <= TableRenderer().maxWidth })
        #expect(try store.table("verify-failures", { var f = ReportFilter(); f.mta = "postfix"; return f }()).rows.count == 4)
        #expect(try StoreDump.query(store.path, "SELECT mta, quote(cert_subject), quote(cert_issuer) FROM tls_sessions WHERE verify = 'FAIL' AND mta <> 'sendmail' ORDER BY id") == [
            "postfix|NULL|NULL", "postfix|NULL|NULL",
            "postfix|NULL|NULL", "postfix|NULL|NULL",
            "exim|'C=DE,O=Relay Example GmbH,CN=relay.example'|NULL",
        ])
    }
}
