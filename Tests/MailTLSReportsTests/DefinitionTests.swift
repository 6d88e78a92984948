import MailTLSReports
import MailTLSStore
import Testing

/// The issue's definitions, each pinned on a small hand-written log.
@Suite struct DefinitionTests {
    /// Inbound and outbound (total, encrypted) of the summary.
    func rates(_ store: TestStore, _ filter: ReportFilter = ReportFilter()) throws -> [Int64?] {
        let s = try store.summary(filter)
        return [s["inbound"]?["messages"]?.int, s["inbound"]?["encrypted"]?.int,
                s["outbound"]?["deliveries"]?.int, s["outbound"]?["encrypted"]?.int]
    }

    @Test func preESMTPSSendmailWithSTARTTLSCountsAsEncrypted() throws {
        let store = try TestStore(
            // sendmail 8.14: proto=ESMTP although the session is TLS.
            Log.serverTLS("10:00:00", 100, relay: "old.example.com [192.0.2.20]", version: "TLSv1/SSLv3", cipher: "DHE-RSA-AES256-SHA")
            + Log.from("10:00:01", 100, qid: "622A00aa000100", proto: "ESMTP", relay: "old.example.com [192.0.2.20]")
            // The same proto without a handshake: in clear.
            + Log.from("10:01:00", 101, qid: "622A01aa000101", proto: "ESMTP", relay: "plain.example [192.0.2.30]")
            // The S flag alone (STARTTLS line below LogLevel 9) says encrypted, in every spelling.
            + Log.from("10:02:00", 102, qid: "622A02aa000102", proto: "ESMTPS", relay: "a.example [192.0.2.31]")
            + Log.from("10:02:01", 103, qid: "622A02aa000103", proto: "ESMTPSA", relay: "b.example [192.0.2.32]")
            + Log.from("10:02:02", 104, qid: "622A02aa000104", proto: "UTF8SMTPS", relay: "c.example [192.0.2.33]")
            + Log.from("10:02:03", 105, qid: "622A02aa000105", proto: "UTF8SMTPSA", relay: "d.example [192.0.2.34]")
            // A and no S: authenticated, in clear.
            + Log.from("10:03:00", 106, qid: "622A03aa000106", proto: "ESMTPA", relay: "e.example [192.0.2.35]")
            + Log.from("10:03:01", 107, qid: "622A03aa000107", proto: "SMTP", relay: "f.example [192.0.2.36]")
            // No proto=: a command-line submission, not an inbound message.
            + Log.from("10:04:00", 108, qid: "622A04aa000108", proto: nil, relay: "root@mx1.example.org")
        )
        #expect(try rates(store) == [8, 5, 0, 0])
        let r = try store.table("rates")
        #expect(r.lines == ["all|8|5|0.625|0|0|-"])
    }

    @Test func pidReuseDoesNotInheritTLS() throws {
        let store = try TestStore(
            Log.serverTLS("10:00:00", 100, relay: "tls.example [192.0.2.20]")
            + Log.from("10:00:01", 100, qid: "622A00aa000100", proto: "ESMTP", relay: "tls.example [192.0.2.20]")
            // The same pid, a different peer: another connection, in clear.
            + Log.from("10:05:00", 100, qid: "622A05aa000100", proto: "ESMTP", relay: "other.example [192.0.2.21]")
        )
        #expect(try rates(store) == [2, 1, 0, 0])
    }

    @Test func onlySentDeliveriesWithANetworkMailerCount() throws {
        let store = try TestStore(
            Log.clientTLS("10:00:00", 200, relay: "mx.tls.example.")
            + Log.to("10:00:01", 200, qid: "622A00aa000001", mailer: "esmtp", relay: "mx.tls.example. [198.51.100.1]")
            + Log.to("10:01:00", 201, qid: "622A01aa000002", mailer: "smtp", relay: "mx.clear.example. [198.51.100.2]")
            + Log.to("10:01:01", 202, qid: "622A01aa000003", mailer: "relay", relay: "smarthost.example [198.51.100.3]")
            + Log.to("10:01:02", 203, qid: "622A01aa000004", mailer: "dsmtp", relay: "mx.d.example. [198.51.100.4]")
            + Log.to("10:01:03", 204, qid: "622A01aa000005", mailer: "smtp8", relay: "mx.e.example. [198.51.100.5]")
            // Not deliveries: deferred, bounced, and attempts that failed otherwise.
            + Log.to("10:02:00", 205, qid: "622A02aa000006", mailer: "esmtp", relay: "mx.slow.example. [198.51.100.6]",
                     dsn: "4.0.0", stat: "Deferred: Connection timed out with mx.slow.example.")
            + Log.to("10:02:01", 206, qid: "622A02aa000007", mailer: "esmtp", relay: "mx.greylist.example. [198.51.100.7]",
                     dsn: "4.7.1", stat: "Deferred: 451 4.7.1 Please try again later")
            + Log.to("10:02:02", 207, qid: "622A02aa000008", mailer: "esmtp", relay: "mx.gone.example. [198.51.100.8]",
                     dsn: "5.1.1", stat: "User unknown")
            // Not network mailers.
            + Log.to("10:03:00", 208, qid: "622A03aa000009", mailer: "local", relay: "local")
            + Log.to("10:03:01", 209, qid: "622A03aa000010", mailer: "prog", relay: nil)
            + Log.to("10:03:02", 210, qid: "622A03aa000011", mailer: "*file*", relay: nil)
            + Log.to("10:03:03", 211, qid: "622A03aa000012", mailer: "*include*", relay: nil)
            + Log.to("10:03:04", 212, qid: "622A03aa000013", mailer: "cyrusv2", relay: "localhost")
        )
        #expect(try rates(store) == [0, 0, 5, 1])
        #expect(try store.table("rates").lines == ["all|0|0|-|5|1|0.2"])
    }

    @Test func loopbackPeersAreLeftOutUnlessIncluded() throws {
        let store = try TestStore(
            // MSP -> MTA: the client side to [127.0.0.1], the server side from localhost.
            Log.clientTLS("10:00:00", 400, relay: "[127.0.0.1]", version: "TLSv1.3", verify: "FAIL",
                          cipher: "TLS_AES_256_GCM_SHA384", tag: "sendmail")
            + Log.serverTLS("10:00:00", 401, relay: "localhost [127.0.0.1]", verify: "NOT")
            + Log.from("10:00:01", 401, qid: "622A00aa000401", proto: "ESMTPS", relay: "localhost [127.0.0.1]")
            + Log.to("10:00:02", 400, qid: "622A00aa000400", mailer: "relay", relay: "[127.0.0.1] [127.0.0.1]",
                     stat: "Sent (622A00aa000401 Message accepted for delivery)", tag: "sendmail")
            // IPv6 loopback and a bare localhost.
            + Log.serverTLS("10:01:00", 402, relay: "[IPv6:::1]", verify: "NOT")
            + Log.from("10:01:01", 402, qid: "622A01aa000402", proto: "ESMTPS", relay: "[IPv6:::1]")
            + Log.from("10:01:02", 403, qid: "622A01aa000403", proto: "ESMTP", relay: "localhost")
            // A PTR name that merely starts with 127 is a remote peer.
            + Log.serverTLS("10:02:00", 404, relay: "127.5.1.9.dsl-dynamic.example [192.0.2.9]")
            + Log.from("10:02:01", 404, qid: "622A02aa000404", proto: "ESMTPS", relay: "127.5.1.9.dsl-dynamic.example [192.0.2.9]")
        )
        #expect(try rates(store) == [1, 1, 0, 0])
        #expect(try store.summary()["sessions"]?["total"]?.int == 1)
        #expect(try store.table("versions").lines == ["server|TLSv1.3|1|1.0|1"])
        #expect(try store.table("peers").column("peer") == [.text("127.5.1.9.dsl-dynamic.example")])

        let all = ReportFilter(includeLocal: true)
        #expect(try rates(store, all) == [4, 3, 1, 1])
        #expect(try store.summary(all)["sessions"]?["total"]?.int == 4)
        #expect(try store.table("verify", all).lines == [
            "server|NOT|no certificate requested|2|0.6667|2", "server|NO|no certificate presented|1|0.3333|1",
            "client|FAIL|certificate did not verify (still encrypted)|1|1.0|1",
        ])
    }

    @Test func aHandshakeFailureAndItsRulesetRejectAreOneFailure() throws {
        let store = try TestStore(
            line("09:00:00", 300, "STARTTLS=client, error: connect failed=-1, reason=no shared cipher, SSL_error=1, errno=0, retry=-1")
            + line("09:00:00", 300, "ruleset=tls_server, arg1=SOFTWARE, relay=mx.bad.example, reject=403 4.7.0 TLS handshake failed.")
            + Log.to("09:00:01", 300, qid: "622900aa000300", mailer: "esmtp", relay: "mx.bad.example. [198.51.100.10]",
                     dsn: "4.0.0", stat: "Deferred: 403 4.7.0 TLS handshake failed.")
            + line("09:10:00", 301, "STARTTLS=server, error: accept failed=0, reason=wrong version number, SSL_error=1, errno=0, retry=-1, relay=scanner.example [203.0.113.5]")
            // A reject without a failed handshake (a verify requirement): counted apart.
            + Log.clientTLS("09:20:00", 302, relay: "mx.unverified.example.", verify: "FAIL")
            + line("09:20:00", 302, "622920aa000302: ruleset=tls_server, arg1=FAIL, relay=mx.unverified.example., reject=403 4.7.0 authentication failed")
            // A read error on an established session: counted apart.
            + Log.serverTLS("09:30:00", 303, relay: "flaky.example [203.0.113.6]", version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM-SHA384")
            + line("09:30:05", 303, "STARTTLS: read error=generic SSL error, errno=0, get_error=error:0A000126:SSL routines::unexpected eof while reading, relay=flaky.example [203.0.113.6]")
        )
        let s = try store.summary()
        #expect(s["handshake_failures"]?.int == 2)
        #expect(s["ruleset_rejects"]?.int == 1)
        #expect(s["tls_io_errors"]?.int == 1)
        let f = try store.table("failures")
        #expect(f.column("kind").map { $0.text ?? "-" } == ["accept_failed", "connect_failed", "ruleset_reject", "read_error"])
        #expect(f.column("peer").map { $0.text ?? "-" } == ["scanner.example", "mx.bad.example", "mx.unverified.example", "flaky.example"])
        #expect(f.column("reason").map { $0.text ?? "-" } == [
            "wrong version number", "no shared cipher", "403 4.7.0 authentication failed", "generic SSL error",
        ])
        #expect(try store.table("daily").column("handshake_failures") == [.integer(2)])
    }

    @Test func peersPerCipherCountDistinctPeers() throws {
        let store = try TestStore(
            Log.clientTLS("10:00:00", 1, relay: "mx1.a.example.")
            + Log.clientTLS("10:00:10", 2, relay: "MX1.A.example.")   // the same peer, other case
            + Log.clientTLS("10:00:20", 3, relay: "mx2.a.example.")
            + Log.clientTLS("10:00:30", 4, relay: "mx.b.example.", cipher: "TLS_AES_256_GCM_SHA384", bits: "256/256")
            + Log.serverTLS("10:01:00", 5, relay: "mx1.a.example [192.0.2.1]", cipher: "ECDHE-RSA-AES256-GCM-SHA384")
        )
        #expect(try store.table("ciphers").lines == [
            "server|ECDHE-RSA-AES256-GCM-SHA384|256|1|1|1.0",
            "client|ECDHE-RSA-AES256-GCM-SHA384|256|3|2|0.75",
            "client|TLS_AES_256_GCM_SHA384|256|1|1|0.25",
        ])
        let ppc = try store.summary()["peers_per_cipher"]
        #expect(ppc?[1]?.compactText == #"{"role": "client", "cipher": "ECDHE-RSA-AES256-GCM-SHA384", "bits": 256, "peers": 2, "sessions": 3}"#)
        // by_version and by_cipher count both roles.
        #expect(try store.summary()["sessions"]?["by_cipher"]?.compactText == #"{"ECDHE-RSA-AES256-GCM-SHA384": 4, "TLS_AES_256_GCM_SHA384": 1}"#)
    }

    @Test func verifyResultsOutsideTheKnownSetAreOther() throws {
        let store = try TestStore(
            Log.clientTLS("10:00:00", 1, relay: "a.example.", verify: "TRUSTED")
            + Log.clientTLS("10:00:01", 2, relay: "b.example.", verify: "DANE_FAIL")
            + Log.clientTLS("10:00:02", 3, relay: "c.example.", verify: "BOGUS_DANE_RES")
        )
        #expect(try store.table("verify").column("verify").map { $0.text ?? "-" } == ["DANE_FAIL", "TRUSTED", "other"])
        #expect(try store.summary()["sessions"]?["by_verify"]?.compactText
                == #"{"server": {}, "client": {"DANE_FAIL": 1, "TRUSTED": 1, "other": 1}}"#)
    }

    @Test func peersShowBestAndWorstVersionAndTheirMail() throws {
        let store = try TestStore(
            Log.serverTLS("10:00:00", 1, relay: "mix.example [192.0.2.1]", version: "TLSv1.3")
            + Log.from("10:00:01", 1, qid: "622A00aa000001", proto: "ESMTPS", relay: "mix.example [192.0.2.1]")
            + Log.serverTLS("11:00:00", 2, relay: "mix.example [192.0.2.1]", version: "TLSv1", verify: "NO", cipher: "AES128-SHA", bits: "128/128")
            + Log.serverTLS("11:30:00", 3, relay: "mix.example [192.0.2.1]", version: "TLSv1/SSLv3", cipher: "AES128-SHA", bits: "128/128")
            + Log.from("12:00:00", 4, qid: "622C00aa000004", proto: "ESMTP", relay: "mix.example [192.0.2.1]")
            + Log.to("12:00:05", 5, qid: "622C00aa000004", mailer: "esmtp", relay: "mix.example. [192.0.2.1]")
        )
        let p = try store.table("peers")
        #expect(p.columns == ["peer", "sessions", "roles", "best_version", "worst_version", "ciphers", "verify",
                              "messages", "encrypted", "encrypted_rate", "last_seen"])
        #expect(p.lines == ["mix.example|3|server+client|TLSv1.3|TLSv1/SSLv3|AES128-SHA, TLS_AES_256_GCM_SHA384|NO 3|3|1|0.3333|2026-03-02T12:00:05Z"])
        #expect(try store.table("peers", ReportFilter(version: "TLSv1.2")).rows.isEmpty)
        #expect(try store.table("peers", ReportFilter(cipher: "AES128*")).rows.count == 1)
    }
}
