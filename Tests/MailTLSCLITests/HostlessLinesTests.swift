import Foundation
import MailTLSPostgres
import Testing

/// Exim's main log names no host (Exim writes it itself, not through syslog): its rows get the
/// ingesting host's name, `--ingest-host` or the hostname, instead of an empty host that `--by host`
/// would show as a blank row. Lines that name their host keep it.
@Suite struct HostlessLinesTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    static func hosts(_ db: String, mta: String) throws -> [String] {
        try sh("sqlite3 '\(db)' \"SELECT DISTINCT host FROM tls_sessions WHERE mta = '\(mta)' ORDER BY 1\"").output
            .split(separator: "\n").map(String.init)
    }

    @Test func mainLogRowsTakeTheIngestHost() async throws {
        let dir = try Scratch()
        let db = dir.path("named.db")
        let logs = ["exim.log", "multihost.log"].map { Self.samples.appendingPathComponent($0).path }
        let r = try await dir.run(ingestArgs(db, logs, ["--quiet", "--ingest-host", "MX9.Example.org"]))
        try #require(r.status == 0, "\(r)")
        #expect(try Self.hosts(db, mta: "exim") == ["mx9.example.org"], "lowercased, as syslog hosts are")
        #expect(try Self.hosts(db, mta: "sendmail") == ["msa", "mx1", "mx2"],
                "syslog lines keep the host they name")
        let byHost = try await dir.run(["report", "rates", "--by", "host", "--db", db, "--format", "csv"])
        #expect(byHost.stdout.contains("\nmx9.example.org,"), "\(byHost.stdout)")
        #expect(!byHost.stdout.contains("\n,"), "no blank host: \(byHost.stdout)")
    }

    @Test func withoutTheOptionTheHostnameNamesThem() async throws {
        let dir = try Scratch()
        let db = dir.path("default.db")
        let r = try await dir.run(ingestArgs(db, [Self.samples.appendingPathComponent("exim.log").path], ["--quiet"]))
        try #require(r.status == 0, "\(r)")
        let expected = IngestHost.current.lowercased()
        try #require(!expected.isEmpty)
        #expect(try Self.hosts(db, mta: "exim") == [expected])
    }
}
