import Foundation
import MailTLSIngest
import MailTLSStore
import MailTLSTestSupport
import Testing

/// Row details of `Samples/exim.log` that the summary does not show: what each Exim field became.
@Suite struct EximSampleRowsTests {
    /// Ingests the sample into a store in `dir`; returns the store's path.
    static func store(in dir: TempDir) throws -> String {
        let db = dir.path("t.db")
        let s = try ingest([repositoryRoot.appendingPathComponent("Samples/exim.log").path], db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(s.malformed == 0, "unparsed: \(s.samples.map { "\($0.line) \($0.reason)" })")
        return db
    }

    @Test func sessionFieldsAreStoredAsLoggedAndNormalised() throws {
        let dir = try TempDir()
        let db = try Self.store(in: dir)
        #expect(try scalar(db, "SELECT count(*) FROM tls_sessions WHERE mta <> 'exim'") == 0)
        // GnuTLS names, a DN with commas and a space, CV=yes: OK; Exim logs cipher bits only.
        #expect(try rows(db, """
            SELECT role, version, version_logged, verify, verify_logged, cipher, cipher_bits, alg_bits, cert_subject
            FROM tls_sessions WHERE peer = 'lists.example.net'
            """) == ["server|TLSv1.2|TLS1.2|OK|CV=yes|ECDHE_RSA_AES_256_GCM_SHA384|256|NULL|C=US,O=Example Lists Inc,OU=Mail, Relay,CN=lists.example.net"])
        // CV=no with a DN: the certificate did not verify. CV=no without one: no certificate.
        #expect(try rows(db, "SELECT verify, verify_logged FROM tls_sessions WHERE peer = 'relay.example.net'") == ["FAIL|CV=no"])
        #expect(try rows(db, "SELECT DISTINCT verify, verify_logged FROM tls_sessions WHERE peer = '203.0.113.45'") == ["NO|CV=no"])
        // No CV= at all (older Exim, or +tls_certificate_verified off).
        #expect(try rows(db, "SELECT verify, verify_logged FROM tls_sessions WHERE cipher = 'ECDHE_ECDSA_AES_256_GCM_SHA384'") == ["NO|CV=no"])
        // DANE, on a delivery down a connection already open (the `*` after the address).
        #expect(try rows(db, "SELECT role, verify, verify_logged, peer_ip FROM tls_sessions WHERE peer = 'mx.example.com'")
                == ["client|OK|CV=dane|192.0.2.25"])
        // TLS1.0 (GnuTLS) is TLSv1; TLSv1 (older Exim with OpenSSL) too.
        #expect(try rows(db, "SELECT version, version_logged FROM tls_sessions WHERE version = 'TLSv1' ORDER BY version_logged")
                == ["TLSv1|TLS1.0", "TLSv1|TLSv1"])
        // Resumption `*` and the 4.100 key-exchange group are not part of the cipher; the peer is lowercased.
        #expect(try rows(db, "SELECT DISTINCT peer, cipher, cipher_bits FROM tls_sessions WHERE role = 'server' AND peer IN ('mail.example.com', 'mx.example.info') ORDER BY peer")
                == ["mail.example.com|TLS_AES_256_GCM_SHA384|256", "mx.example.info|TLS_AES_256_GCM_SHA384|256"])
        // The HELO in parentheses is not a name: the peer is the address.
        #expect(try scalar(db, "SELECT count(*) FROM tls_sessions WHERE peer = '203.0.113.45'") == 2)
        // Reject, `no MAIL` and `**` lines carry X= but are not sessions.
        #expect(try scalar(db, "SELECT count(*) FROM tls_sessions WHERE peer_ip IN ('198.51.100.200', '198.51.100.201')") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM tls_sessions WHERE peer = 'mx1.example.net'") == 2)
    }

    @Test func recipientsOfOneTransportRunShareItsSession() throws {
        let dir = try TempDir()
        let db = try Self.store(in: dir)
        // `=>` with X=, then `->` with X= and `->` without: one session, three encrypted deliveries.
        #expect(try rows(db, """
            SELECT count(*), count(DISTINCT tls_session_id), sum(encrypted) FROM deliveries
            WHERE queue_id = '1tQ8aN-000000001aF-3B4c' AND status = 'sent'
            """) == ["3|1|3"])
        // The `=>` in clear to the host whose certificate failed: not encrypted.
        #expect(try rows(db, "SELECT encrypted, tls_session_id FROM deliveries WHERE peer = 'mx.selfsigned.example'") == ["0|NULL"])
        // Deferrals and bounces to a host are rows, not sent; local deliveries are not rows.
        #expect(try rows(db, "SELECT status, count(*) FROM deliveries WHERE status <> 'sent' GROUP BY status ORDER BY status")
                == ["bounced|1", "deferred|6"])
        #expect(try scalar(db, "SELECT count(*) FROM deliveries WHERE mailer <> 'smtp'") == 0)
    }

    @Test func failuresAreHandshakesOrIOErrorsByTheirOperation() throws {
        let dir = try TempDir()
        let db = try Self.store(in: dir)
        #expect(try rows(db, "SELECT kind, count(*) FROM tls_failures GROUP BY kind ORDER BY kind")
                == ["accept_failed|3", "connect_failed|3", "read_error|3", "write_error|1"])
        // Four `==` lines (two recipients, two attempts) to one host: one handshake failure.
        #expect(try rows(db, "SELECT role, reason FROM tls_failures WHERE peer = 'mx.broken.example'")
                == ["client|(SSL_connect): error:0A000086:SSL routines::certificate verify failed"])
        // 4.90+: the failure before "delivering unencrypted" names the host.
        #expect(try rows(db, "SELECT kind, reason FROM tls_failures WHERE peer = 'mx.selfsigned.example'")
                == ["connect_failed|(certificate verification failed): certificate invalid"])
    }

    @Test func authAndMessagesFollowTheirLine() throws {
        let dir = try TempDir()
        let db = try Self.store(in: dir)
        #expect(try rows(db, """
            SELECT authid, mech, tls_session_id IS NOT NULL, encrypted FROM auth_events WHERE success ORDER BY source_offset
            """) == ["carol@example.org|PLAIN|1|1", "dave@example.org|LOGIN|0|0", "erin@example.org|cram_md5|0|0",
                     "carol@example.org|PLAIN|1|1", "dave@example.org|LOGIN|1|1"])
        // An arrival with X= links to its own session; without, it is in clear whatever its protocol.
        #expect(try rows(db, "SELECT proto, encrypted, tls_session_id IS NOT NULL FROM messages WHERE sender = 'postmaster@old-style.example'")
                == ["esmtp|0|0"])
        #expect(try rows(db, "SELECT proto, encrypted FROM messages WHERE sender = '\"john smith\"@example.com'") == ["utf8esmtps|1"])
        #expect(try rows(db, "SELECT nrcpts FROM messages WHERE sender = 'carol@example.org' ORDER BY id") == ["2", "4"])
        // The cron mail (P=local) is a local submission, not a row.
        #expect(try scalar(db, "SELECT count(*) FROM messages WHERE sender LIKE 'root@%'") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM messages") == 15)
    }
}

/// sendmail and Exim logs in one run: each MTA's rows as when read alone.
@Suite struct EximMixedTests {
    @Test func sendmailAndEximSamplesIngestTogether() throws {
        let dir = try TempDir()
        let names = ["isp-relay.log", "exim.log", "outbound.log", "multihost.log"]
        let s = try ingest(names.map { repositoryRoot.appendingPathComponent("Samples/\($0)").path }, db: dir.path("t.db"))
        #expect(s.failedFiles.isEmpty && s.malformed == 0)
        #expect(try rows(dir.path("t.db"), "SELECT mta, count(*) FROM tls_sessions GROUP BY mta ORDER BY mta")
                == ["exim|17", "sendmail|45"])
        #expect(try rows(dir.path("t.db"), "SELECT mta, count(*) FROM tls_failures WHERE kind IN ('accept_failed', 'connect_failed') GROUP BY mta ORDER BY mta").first
                == "exim|6")
        // Ids are shared: no two rows of either MTA have the same one.
        #expect(try scalar(dir.path("t.db"), "SELECT count(*) - count(DISTINCT id) FROM tls_sessions") == 0)
        #expect(try scalar(dir.path("t.db"), "SELECT count(*) - count(DISTINCT id) FROM deliveries") == 0)
    }
}

/// Every Exim TLS line of ../shared/corpora becomes a row with each field as the line says it (skipped,
/// and shown as skipped, when the corpora are not there, as in a clone outside the workspace).
@Suite struct EximCorporaTests {
    static let corpora = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")

    /// role|peer|version|version_logged|verify|verify_logged|cipher|cipher_bits|cert_subject of one line,
    /// read with Swift's Regex (not the parser's code).
    static func expectedRow(_ line: Substring) -> String? {
        guard let flag = line.firstMatch(of: /\s(<=|=>)\s/)?.output.1,
              let x = line.firstMatch(of: /\sX=(\S+)/)?.output.1,
              let h = line.firstMatch(of: /\sH=(?:([^\s(\[]\S*)\s)?(?:\([^)]*\)\s)?\[([^\]]+)\]/)?.output else { return nil }
        let parts = x.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var cipherParts = parts
        if cipherParts[cipherParts.count - 1].hasSuffix("*") { cipherParts[cipherParts.count - 1].removeLast() }
        let version = cipherParts[0]
        let normalised = ["TLS1.3": "TLSv1.3", "TLSv1.3": "TLSv1.3", "TLS1.2": "TLSv1.2", "TLSv1.2": "TLSv1.2",
                          "TLS1.0": "TLSv1", "TLSv1": "TLSv1"][version] ?? version
        let cipher = cipherParts.count > 1 ? cipherParts[1] : ""
        let bits = cipherParts.count > 2 ? (Int(cipherParts[2]).map(String.init) ?? "NULL") : "NULL"
        let cv = line.firstMatch(of: /\sCV=(\w+)/)?.output.1
        let dn = line.firstMatch(of: /\sDN="([^"]*)"/)?.output.1
        let verify = cv == "yes" || cv == "dane" ? "OK" : (cv == "no" && dn != nil ? "FAIL" : "NO")
        let peer = h.1.map { $0.lowercased() } ?? String(h.2)
        return [flag == "<=" ? "server" : "client", peer, normalised, version, verify, cv.map { "CV=\($0)" } ?? "",
                cipher, bits, dn.map(String.init) ?? "NULL"].joined(separator: "|")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpora.path),
                   "needs ../shared/corpora, the project's collection of real log lines"))
    func everyEximTLSLineBecomesARowWithItsFields() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpora.path)
        let logs = names.filter { $0.hasPrefix("exim-") && $0.hasSuffix(".log") }.sorted()
            .map { Self.corpora.appendingPathComponent($0).path }
        #expect(logs.count >= 6)
        var expected: [String] = []
        for log in logs {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: log)), as: UTF8.self)
            for line in text.split(separator: "\n") {
                if let row = Self.expectedRow(line) { expected.append(row) }
            }
        }
        #expect(expected.count >= 60)
        let dir = try TempDir()
        let db = dir.path("t.db")
        let s = try ingest(logs, db: db, year: nil)
        #expect(s.failedFiles.isEmpty)
        #expect(s.malformed == 0, "unparsed: \(s.samples.map { "\($0.path):\($0.line) \($0.reason)" })")
        let stored = try rows(db, """
            SELECT role, peer, version, version_logged, verify, verify_logged, cipher, ifnull(cipher_bits, 'NULL'),
                   ifnull(cert_subject, 'NULL') FROM tls_sessions WHERE mta = 'exim' AND alg_bits IS NULL
            """)
        #expect(stored.sorted() == expected.sorted())
        // Handshake failures of three operations; the (recv) error after a good handshake is an I/O error.
        #expect(try rows(db, "SELECT kind, count(*) FROM tls_failures WHERE mta = 'exim' GROUP BY kind ORDER BY kind")
                == ["accept_failed|3", "read_error|1"])
    }
}
