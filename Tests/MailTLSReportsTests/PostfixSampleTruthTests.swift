import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// `Samples/postfix.log` against its hand-counted truth (`Samples/postfix.log.truth.json`, the schema
/// of `SampleTruthTests`), and the rows behind the figures: what each Postfix line shape becomes.
///
/// The log has three hosts: `mx1` (`smtpd_tls_loglevel = 1`: TLS lines, pid reuse, SNI, submission
/// and smtps, a failed handshake, a cached connection reused, a deferral, bounces, pickup, a milter
/// reject), `mx2` (loglevel 0: only the `starttls=1` counters tell), `out1` (3.11, the `tls=` field).
@Suite struct PostfixSampleTruthTests {
    static let log = "postfix.log"

    @Test func summaryMatchesTheTruthFile() throws {
        let truth = try JSONValue(parsing: try String(contentsOfFile: sample(Self.log) + ".truth.json", encoding: .utf8))
        let store = try TestStore([], files: [sample(Self.log)])
        let summary = try store.summary()
        let local = try store.summary(ReportFilter(includeLocal: true))
        for key in ["total", "by_role", "by_version", "by_cipher", "by_verify"] {
            #expect(SampleTruthTests.sorted(local["sessions"]?[key]) == SampleTruthTests.sorted(truth["sessions"]?[key]), "sessions.\(key)")
        }
        for key in ["inbound", "outbound", "handshake_failures", "auth"] {
            #expect(SampleTruthTests.sorted(summary[key]) == SampleTruthTests.sorted(truth[key]), "\(key)")
        }
        let ppc = ["role", "cipher", "peers", "sessions"]
        #expect(SampleTruthTests.rows(summary["peers_per_cipher"], keys: ppc) == SampleTruthTests.rows(truth["peers_per_cipher"], keys: ppc))
        let daily = ["date", "inbound_messages", "inbound_encrypted", "inbound_rate", "outbound_deliveries",
                     "outbound_encrypted", "outbound_rate"]
        #expect(SampleTruthTests.rows(summary["daily"], keys: daily) == SampleTruthTests.rows(truth["daily"], keys: daily))
        #expect(SampleTruthTests.rows(local["daily"], keys: ["date", "sessions"]) == SampleTruthTests.rows(truth["daily"], keys: ["date", "sessions"]))
    }

    /// Each row of `sql`, its columns joined by `|` (NULL as `-`).
    static func rows(_ store: TestStore, _ sql: String) throws -> [String] {
        let s = try Store(path: store.path, readOnly: true).database.prepare(sql)
        var out: [String] = []
        while try s.step() {
            out.append((0..<s.columnCount).map { s.isNull($0) ? "-" : (s.string($0) ?? "-") }.joined(separator: "|"))
        }
        return out
    }

    @Test func rowsCarryEveryField() throws {
        let store = try TestStore([], files: [sample(Self.log)])
        // Sessions: used bits first, trust words kept as logged, peers lowercased, every row postfix.
        #expect(try Self.rows(store, """
            SELECT role, peer, peer_ip, version, verify, verify_logged, cipher, cipher_bits, alg_bits, mta FROM tls_sessions
            WHERE peer IN ('old-client.example', 'mail.partner.example', '127.0.0.1', 'localhost') ORDER BY id
            """) == [
                "server|mail.partner.example|203.0.113.20|TLSv1.2|OK|Verified|ECDHE-RSA-AES256-GCM-SHA384|256|256|postfix",
                "server|old-client.example|198.51.100.33|TLSv1|FAIL|Untrusted|DES-CBC3-SHA|112|168|postfix",
                "client|localhost|127.0.0.1|TLSv1.3|NO|Anonymous|TLS_AES_256_GCM_SHA384|256|256|postfix",
            ])
        // Messages: one per queue id of a client= line, sender and size from qmgr, encrypted by the
        // session, the counters or the wrapper service; the loopback one is stored but left out.
        #expect(try Self.rows(store, """
            SELECT host, queue_id, sender, size, nrcpts, msgid, proto, peer, tls_session_id IS NOT NULL, encrypted FROM messages ORDER BY queue_id
            """) == [
                "mx1|3F2A1B0C01|news@senderco.example|5120|3|<20261201100003.1@senderco.example>|SMTP|mail-a.senderco.example|1|1",
                "mx1|3F2A1B0C02|orders@partner.example|20480|1|<a1b2@partner.example>|SMTP|mail.partner.example|1|1",
                "mx1|3F2A1B0C03|orders@partner.example|18432|1|<a1b3@partner.example>|SMTP|mail.partner.example|1|1",
                "mx1|3F2A1B0C04|dave@ours.example|1200|1|<d.1@dsl-77>|SMTP|dsl-77.isp.example|0|0",
                "mx1|3F2A1B0C05|erin@ours.example|800|1|<e.1@phone>|SMTP|phone.customer.example|1|1",
                "mx1|3F2A1B0C06|ops@old-client.example|700|1|<o.1@old-client.example>|SMTP|old-client.example|1|1",
                "mx1|3F2A1B0C07|cron@mx1.ours.example|600|1|<cron.1@mx1.ours.example>|SMTP|localhost|0|0",
                // Rejected by a milter after DATA: counted, without qmgr's sender and size.
                "mx1|3F2A1B0C09||-|-|-|SMTP|mail.spammy.example|1|1",
                "mx1|3F2A1B0C11|friend@bigmail.example|64000|2|<CAbig.1@mail.bigmail.example>|SMTP|mx.bigmail.example|1|1",
                "mx2|7B6C5D4E01|info@unnamed.example|3000|1|<x9@unnamed.example>|SMTP|192.0.2.50|0|1",
                "mx2|7B6C5D4E02|legacy@old-mta.example|900|1|<old.1@old-mta.example>|SMTP|old-mta.example|0|0",
                "mx2|7B6C5D4E03|carol@ours.example|4400|1|<c.1@laptop>|SMTP|laptop.customer.example|0|1",
                "mx2|7B6C5D4E04|frank@ours.example|2100|1|<f.1@tablet>|SMTP|tablet.customer.example|0|1",
            ])
        // Deliveries: the session to the same relay, a reused connection, the plaintext retry after a
        // failed handshake, and the tls= field in its own column.
        #expect(try Self.rows(store, """
            SELECT queue_id, peer, status, coalesce(tls_feature, '-'), tls_session_id IS NOT NULL, encrypted FROM deliveries
            WHERE status = 'sent' ORDER BY id
            """) == [
                "3F2A1B0C01|mx1.partner.example|sent|-|1|1",
                "3F2A1B0C01|mx1.partner.example|sent|-|1|1",
                "3F2A1B0C04|mail.plain.example|sent|-|0|0",
                "3F2A1B0C05|mx.oldpartner.example|sent|-|1|1",
                "3F2A1B0C08|localhost|sent|-|1|1",
                "3F2A1B0C11|mx1.partner.example|sent|-|1|1",
                "3F2A1B0C11|mx.brokentls.example|sent|-|0|0",
                "3F2A1B0C06|mx.selfsigned.example|sent|-|1|1",
                "3F2A1B0C03|mx.slow.example|sent|-|1|1",
                "9E8D7C6B02|mx.dest1.example|sent|may|0|1",
                "9E8D7C6B02|mx.dest2.example|sent|may:none|0|0",
                "9E8D7C6B02|mx.dest3.example|sent|dane/requiretls|0|1",
                "9E8D7C6B03|mx.dest4.example|sent|may?|0|0",
                "9E8D7C6B03|mx.dest5.example|sent|!dane|0|0",
                "9E8D7C6B03|mx.dest6.example|sent|verify|0|1",
                "9E8D7C6B04|mx.dest7.example|sent|none|0|0",
                "9E8D7C6B04|mx.dest8.example|sent|encrypt|0|1",
            ])
        // The reused connection links to the session that established it.
        #expect(try Self.rows(store, """
            SELECT count(DISTINCT tls_session_id) FROM deliveries WHERE peer = 'mx1.partner.example'
            """) == ["1"])
        // Deferred and bounced attempts are rows, not deliveries; local, lmtp and pipe are local mail.
        #expect(try Self.rows(store, "SELECT status, count(*) FROM deliveries WHERE status <> 'sent' GROUP BY status ORDER BY status")
                == ["bounced|2", "deferred|2"])
        // Handshake failures with the library's reason; AUTH per message, over TLS or in clear.
        #expect(try Self.rows(store, "SELECT kind, role, peer, reason FROM tls_failures ORDER BY id") == [
            "accept_failed|server|scanner.badguy.example|error:0A000102:SSL routines::unsupported protocol:ssl/statem/statem_srvr.c:1657:",
            "connect_failed|client|mx.brokentls.example|error:0A000410:SSL routines::sslv3 alert handshake failure:ssl/record/rec_layer_s3.c:1605:SSL alert number 40:",
        ])
        #expect(try Self.rows(store, "SELECT authid, mech, success, encrypted FROM auth_events ORDER BY ts, id") == [
            "carol|PLAIN|1|1", "frank|PLAIN|1|1", "dave|LOGIN|1|0", "erin|PLAIN|1|1", "-|LOGIN|0|0",
        ])
        // The verify message of the self-signed certificate is on its session.
        #expect(try Self.rows(store, "SELECT verifymsg FROM tls_sessions WHERE peer = 'mx.selfsigned.example'") == ["self-signed certificate"])
    }
}
