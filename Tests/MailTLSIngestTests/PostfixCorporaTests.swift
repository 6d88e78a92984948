import Foundation
import MailTLSTestSupport
import Testing

/// Every Postfix TLS line of the real corpora (`../shared/corpora`, see its SOURCES.md) becomes a row
/// with every field right: the TLS summary lines (with a syslog header, behind a docker-compose
/// prefix, or pasted alone), and the `SSL_accept`/`SSL_connect` handshake failures.
///
/// The expected rows were written from the lines by hand (role from `from`/`to`, the peer lowercased
/// or the address for `unknown`, Postfix's first number as the cipher's bits, the trust word mapped
/// to sendmail's verify word). Skipped, and shown as skipped, when the corpora are not there; a
/// worktree outside the workspace can point `MAILTLS_CORPORA` at them.
@Suite struct PostfixCorporaTests {
    static let corpora: URL = {
        if let dir = ProcessInfo.processInfo.environment["MAILTLS_CORPORA"] { return URL(fileURLWithPath: dir) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")
    }()
    static let present = FileManager.default.fileExists(atPath: corpora.path)

    /// The corpus files with Postfix lines.
    static func logs() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: corpora.path)
            .filter { $0.hasSuffix(".log") && ($0.hasPrefix("postfix-") || $0.contains("-postfix-")) }
            .sorted().map { corpora.appendingPathComponent($0).path }
    }

    /// role|peer|ip|version|verify|verify_logged|cipher|cipher_bits|alg_bits, one per summary line.
    static let sessions = [
        "client|127.0.0.1|127.0.0.1|TLSv1.2|FAIL|Untrusted|AECDH-AES256-SHA|256|256",
        "client|127.0.0.1|127.0.0.1|TLSv1.3|OK|Trusted|TLS_AES_256_GCM_SHA384|256|256",
        "client|example.org|1.2.3.4|TLSv1.2|NO|Anonymous|ADH-AES256-GCM-SHA384|256|256",
        // Cut by the poster after the host name: a session whose version and cipher are unknown.
        "client|gmail-smtp-in.l.google.com|-||FAIL|Untrusted||-|-",
        "client|gmail-smtp-in.l.google.com|-||OK|Trusted||-|-",
        "client|gmail-smtp-in.l.google.com|66.102.1.27|TLSv1.3|FAIL|Untrusted|TLS_AES_256_GCM_SHA384|256|256",
        "client|gmail-smtp-in.l.google.com|74.125.128.27|TLSv1.3|FAIL|Untrusted|TLS_AES_256_GCM_SHA384|256|256",
        "client|gmail-smtp-in.l.google.com|74.125.128.27|TLSv1.3|FAIL|Untrusted|TLS_AES_256_GCM_SHA384|256|256",
        "client|gmail-smtp-in.l.google.com|74.125.136.26|TLSv1.2|OK|Trusted|ECDHE-RSA-AES128-GCM-SHA256|128|128",
        "client|mail.example.com|127.0.0.1|TLSv1.3|OK|Trusted|TLS_AES_256_GCM_SHA384|256|256",
        "client|mail.sys4.de|2001:1578:400:111::7|TLSv1|OK|Verified|ECDHE-RSA-AES256-SHA|256|256",
        "client|mx.corp.com|1.1.1.1|TLSv1.3|OK|Trusted|TLS_AES_128_GCM_SHA256|128|128",
        "client|mx4.hotmail.com|65.55.92.136|TLSv1.2|FAIL|Untrusted|ECDHE-RSA-AES256-SHA384|256|256",
        "server|172.18.98.1|172.18.98.1|TLSv1.2|NO|Anonymous|ECDHE-RSA-AES256-GCM-SHA384|256|256",
        "server|192.168.23.3|192.168.23.3|TLSv1.2|NO|Anonymous|ECDHE-RSA-AES256-GCM-SHA384|256|256",
        "server|host.example.com|1.2.3.4|TLSv1.3|NO|Anonymous|TLS_AES_256_GCM_SHA384|256|256",
        "server|julie.example.com|10.163.89.202|TLSv1.2|NO|Anonymous|AECDH-AES256-SHA|256|256",
        "server|julie.example.com|10.163.89.202|TLSv1.3|NO|Anonymous|TLS_AES_256_GCM_SHA384|256|256",
        "server|mail.outbound.protection.outlook.com|1.1.1.1|TLSv1.2|OK|Trusted|ECDHE-RSA-AES256-GCM-SHA384|256|256",
        "server|mail.outbound.protection.outlook.com|40.107.6.96|TLSv1.2|OK|Trusted|ECDHE-RSA-AES256-GCM-SHA384|256|256",
    ]

    /// kind|role|peer|ip|reason: the `TLS library problem` after a failure is its reason.
    static let failures = [
        "accept_failed|server|10.10.100.160|10.10.100.160|error:0A00010B:SSL routines::wrong version number:ssl/record/ssl3_record.c:354:",
        "accept_failed|server|72.13.58.7|72.13.58.7|Connection timed out",
        "accept_failed|server|72.13.58.7|72.13.58.7|lost connection",
        "accept_failed|server|eu-smtp-delivery-201.mimecast.com|207.82.80.201|0",
        "accept_failed|server|internet.nl|62.204.66.10|error:1417D0FC:SSL routines:tls_process_client_hello:unknown protocol:../ssl/statem/statem_srvr.c:953:",
        "accept_failed|server|ssl-tools.net|185.55.116.145|-1",
        "accept_failed|server|www6.checktls.com|159.89.187.50|error:1417A0C1:SSL routines:tls_post_process_client_hello:no shared cipher:../ssl/statem/statem_srvr.c:1419:",
        "connect_failed|client|mail.example.org|112.63.65.2|-1",
        "connect_failed|client|mail.example.org|112.63.65.2|lost connection",
    ]

    @Test(.enabled(if: present, "needs ../shared/corpora (or MAILTLS_CORPORA), the project's collection of real log lines"))
    func everyPostfixTLSLineBecomesARowWithEveryField() throws {
        let logs = try Self.logs()
        var summaryLines = 0, failureLines = 0
        for log in logs {
            for line in String(decoding: try Data(contentsOf: URL(fileURLWithPath: log)), as: UTF8.self).split(separator: "\n") {
                if line.contains("TLS connection established ") { summaryLines += 1 }
                if line.contains("SSL_accept error from ") || line.contains("SSL_connect error to ") { failureLines += 1 }
            }
        }
        #expect(summaryLines == Self.sessions.count)
        #expect(failureLines == Self.failures.count)

        let dir = try TempDir()
        let db = dir.path("t.db")
        let s = try ingest(logs, db: db, year: 2026)
        #expect(s.failedFiles.isEmpty)
        #expect(s.malformed == 0, "unparsed: \(s.samples.map { "\($0.path):\($0.line) \($0.reason)" })")
        let stored = try rows(db, """
            SELECT s.role, coalesce(s.peer, '-'), coalesce(s.peer_ip, '-'), s.version, s.verify, s.verify_logged,
                   s.cipher, coalesce(s.cipher_bits, '-'), coalesce(s.alg_bits, '-')
            FROM tls_sessions AS s WHERE s.mta = 'postfix' ORDER BY 1, 2, 3, 4, 6
            """)
        #expect(stored.sorted() == Self.sessions.sorted())
        let failed = try rows(db, """
            SELECT kind, role, peer, peer_ip, reason FROM tls_failures WHERE mta = 'postfix' ORDER BY 1, 3, 5
            """)
        #expect(failed.sorted() == Self.failures.sorted())
    }

    @Test(.enabled(if: present, "needs ../shared/corpora (or MAILTLS_CORPORA), the project's collection of real log lines"))
    func connectionsOfTheCorporaAreLinked() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        _ = try ingest(try Self.logs(), db: db, year: 2026)
        // docker-mailserver 663: submission with SASL over STARTTLS at loglevel 0 (the counters tell),
        // behind a docker-compose prefix; the sender comes from qmgr before the disconnect.
        #expect(try rows(db, """
            SELECT m.queue_id, m.sender, m.size, m.encrypted, a.mech, a.authid, a.encrypted
            FROM messages m JOIN auth_events a ON a.queue_id = m.queue_id WHERE m.queue_id = '518F058BB5'
            """) == ["518F058BB5|noreply@myrescoop.com|1865|1|PLAIN|noreply@myrescoop.com|1"])
        // docker-mailserver 960: the excerpt ends before the connection does (no disconnect line), so
        // its message waits in the saved state for the connection's end or the idle gap.
        #expect(try rows(db, "SELECT count(*) FROM messages WHERE queue_id = 'BFFB71200A1'") == ["0"])
    }
}
