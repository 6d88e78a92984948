import Foundation
import MailTLSIngest
import MailTLSStore
import MailTLSTestSupport
import Testing

/// Facts that the store must reproduce for a log, whatever wrote the truth file (`Samples/*.truth.json`
/// by hand, or `mailtls-synth`). Computed here with plain SQL over the stored rows, following the
/// definitions in Samples/README.md.
struct StoredFacts: Equatable {
    var byRole: [String: Int] = [:]
    var byVersion: [String: Int] = [:]
    var byCipher: [String: Int] = [:]
    var byVerify: [String: [String: Int]] = [:]
    var handshakeFailures = 0
    var inbound = (messages: 0, encrypted: 0)
    var outbound = (deliveries: 0, encrypted: 0)
    var auth = (total: 0, overTLS: 0, plaintext: 0)

    static func == (a: StoredFacts, b: StoredFacts) -> Bool {
        a.byRole == b.byRole && a.byVersion == b.byVersion && a.byCipher == b.byCipher && a.byVerify == b.byVerify
            && a.handshakeFailures == b.handshakeFailures && a.inbound == b.inbound && a.outbound == b.outbound
            && a.auth == b.auth
    }

    static let loopback = "(peer_ip LIKE '127.%' OR peer_ip = '::1' OR (peer_ip IS NULL AND peer = 'localhost'))"

    init() {}

    init(db: String) throws {
        func counts(_ sql: String) throws -> [String: Int] {
            var out: [String: Int] = [:]
            for row in try rows(db, sql) {
                let parts = row.split(separator: "|", omittingEmptySubsequences: false)
                out[String(parts[0])] = Int(parts[1])!
            }
            return out
        }
        byRole = try counts("SELECT role, count(*) FROM tls_sessions GROUP BY 1")
        byVersion = try counts("SELECT version, count(*) FROM tls_sessions GROUP BY 1")
        byCipher = try counts("SELECT cipher, count(*) FROM tls_sessions GROUP BY 1")
        for role in ["server", "client"] {
            let v = try counts("SELECT verify, count(*) FROM tls_sessions WHERE role = '\(role)' GROUP BY 1")
            if !v.isEmpty { byVerify[role] = v }
        }
        handshakeFailures = Int(try scalar(db, "SELECT count(*) FROM tls_failures WHERE kind IN ('accept_failed', 'connect_failed')"))
        let inb = try rows(db, """
            SELECT count(*), coalesce(sum(proto LIKE '%SMTPS%' OR tls_session_id IS NOT NULL), 0) FROM messages
            WHERE proto IS NOT NULL AND NOT \(Self.loopback)
            """)[0].split(separator: "|")
        inbound = (Int(inb[0])!, Int(inb[1])!)
        let outb = try rows(db, """
            SELECT count(*), coalesce(sum(tls_session_id IS NOT NULL), 0) FROM deliveries
            WHERE status = 'sent' AND mailer IN ('esmtp', 'smtp', 'relay', 'dsmtp', 'smtp8') AND NOT \(Self.loopback)
            """)[0].split(separator: "|")
        outbound = (Int(outb[0])!, Int(outb[1])!)
        let a = try rows(db, """
            SELECT count(*), coalesce(sum(tls_session_id IS NOT NULL), 0),
                   coalesce(sum(tls_session_id IS NULL AND upper(mech) IN ('PLAIN', 'LOGIN')), 0)
            FROM auth_events WHERE role = 'server' AND success = 1
            """)[0].split(separator: "|")
        auth = (Int(a[0])!, Int(a[1])!, Int(a[2])!)
    }

    /// The same facts from a truth JSON file.
    init(truth url: URL) throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let s = try #require(json["sessions"] as? [String: Any])
        byRole = (s["by_role"] as? [String: Int] ?? [:]).filter { $0.value > 0 }
        byVersion = (s["by_version"] as? [String: Int] ?? [:]).filter { $0.value > 0 }
        byCipher = (s["by_cipher"] as? [String: Int] ?? [:]).filter { $0.value > 0 }
        for (role, v) in s["by_verify"] as? [String: [String: Int]] ?? [:] {
            let nz = v.filter { $0.value > 0 }
            if !nz.isEmpty { byVerify[role] = nz }
        }
        handshakeFailures = json["handshake_failures"] as? Int ?? -1
        let i = json["inbound"] as? [String: Any] ?? [:]
        inbound = (i["messages"] as? Int ?? -1, i["encrypted"] as? Int ?? -1)
        let o = json["outbound"] as? [String: Any] ?? [:]
        outbound = (o["deliveries"] as? Int ?? -1, o["encrypted"] as? Int ?? -1)
        let a = json["auth"] as? [String: Any] ?? [:]
        auth = (a["total"] as? Int ?? -1, a["over_tls"] as? Int ?? -1, a["plaintext_password"] as? Int ?? -1)
    }
}

@Suite struct SamplesEndToEndTests {
    static let samples = ["isp-relay.log", "outbound.log", "multihost.log"]

    @Test(arguments: samples)
    func sampleMatchesItsTruth(name: String) throws {
        let log = repositoryRoot.appendingPathComponent("Samples/\(name)")
        let dir = try TempDir()
        let s = try ingest([log.path], db: dir.path("t.db"))
        #expect(s.failedFiles.isEmpty)
        #expect(s.malformed == 0)
        let stored = try StoredFacts(db: dir.path("t.db"))
        let truth = try StoredFacts(truth: URL(fileURLWithPath: log.path + ".truth.json"))
        #expect(stored.byRole == truth.byRole)
        #expect(stored.byVersion == truth.byVersion)
        #expect(stored.byCipher == truth.byCipher)
        #expect(stored.byVerify == truth.byVerify)
        #expect(stored.handshakeFailures == truth.handshakeFailures)
        #expect(stored.inbound == truth.inbound)
        #expect(stored.outbound == truth.outbound)
        #expect(stored.auth == truth.auth)
    }

    @Test func allSamplesTogetherAndRowDetails() throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        let paths = Self.samples.map { repositoryRoot.appendingPathComponent("Samples/\($0)").path }
        let s = try ingest(paths, db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(s.files == 3)
        // Every row knows its source.
        #expect(try scalar(db, "SELECT count(*) FROM tls_sessions WHERE source_id IS NULL OR source_offset IS NULL") == 0)
        // The purchased certificate that fails verification carries its reason and decoded issuer.
        let fail = try rows(db, """
            SELECT peer, verify, verifymsg, cert_issuer FROM tls_sessions WHERE peer = 'mail.harborlogistics.example'
            """)
        #expect(fail.count == 1)
        #expect(fail.first?.hasPrefix("mail.harborlogistics.example|FAIL|unable to get local issuer certificate|") == true)
        #expect(fail.first?.contains("+20") == false)
        // The failed handshake is one row, its peer taken from the ruleset line.
        let hf = try rows(db, "SELECT kind, peer, ruleset, reject FROM tls_failures WHERE kind = 'connect_failed'")
        #expect(hf == ["connect_failed|mail.brokenrelay.example|tls_server|403 4.7.0 TLS handshake failed."])
        // Two deliveries over one cached connection share the session.
        let cached = try rows(db, """
            SELECT count(*), count(DISTINCT tls_session_id) FROM deliveries WHERE peer = 'mail.harborlogistics.example'
            """)
        #expect(cached == ["2|1"])
        // MX fallback: the delivery is linked to the second handshake.
        let mx = try rows(db, """
            SELECT s.peer FROM deliveries d JOIN tls_sessions s ON s.id = d.tls_session_id WHERE d.peer LIKE 'mx_.stonegroup.example'
            """)
        #expect(mx == ["mx2.stonegroup.example"])
        // Plain AUTH without TLS is visible as such.
        let clear = try rows(db, "SELECT authid, mech FROM auth_events WHERE success = 1 AND role = 'server' AND tls_session_id IS NULL")
        #expect(clear.contains { $0.hasSuffix("|PLAIN") })
    }
}

@Suite struct CorporaTests {
    static let corpora = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")

    /// Every real STARTTLS main line in ../shared/corpora becomes a tls_sessions row (skipped, and
    /// shown as skipped, when the corpora are not there, as in a clone outside the workspace).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpora.path),
                   "needs ../shared/corpora, the project's collection of real log lines"))
    func everyStartTLSMainLineBecomesARow() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpora.path)
        let logs = names.filter { $0.hasSuffix(".log") }.sorted().map { Self.corpora.appendingPathComponent($0).path }
        #expect(!logs.isEmpty)
        var expected = 0
        for log in logs {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: log)), as: UTF8.self)
            for line in text.split(separator: "\n") where line.contains("STARTTLS=server, relay=") || line.contains("STARTTLS=client, relay=") {
                if line.contains(", version=") && line.contains(", bits=") { expected += 1 }
            }
        }
        #expect(expected >= 20)
        let dir = try TempDir()
        let s = try ingest(logs, db: dir.path("t.db"), year: nil)
        #expect(s.failedFiles.isEmpty)
        #expect(try scalar(dir.path("t.db"), "SELECT count(*) FROM tls_sessions WHERE mta = 'sendmail'") == Int64(expected))
        // No line of the sendmail corpora is unparsed.
        let sendmail = logs.filter { ($0 as NSString).lastPathComponent.hasPrefix("sendmail-") }
        let s2 = try ingest(sendmail, db: dir.path("sendmail.db"), year: nil)
        #expect(s2.malformed == 0, "unparsed: \(s2.samples.map { "\($0.path):\($0.line) \($0.reason)" })")
    }
}
