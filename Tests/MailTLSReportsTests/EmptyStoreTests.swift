import Foundation
import MailTLSReports
import MailTLSStore
import MailTLSTestSupport
import Testing

@Suite struct EmptyStoreTests {
    @Test func everySectionIsEmptyNotAnError() throws {
        let store = try TestStore([])
        for section in ReportSection.all {
            for format in ReportFormat.allCases {
                let text = try store.render(section.name, format)
                #expect(text.utf8.last == 0x0A, "\(section.name) \(format)")
                if section.shape == .table {
                    switch format {
                    case .json: #expect(text == "[]\n")
                    case .csv: #expect(text.components(separatedBy: "\r\n").count == 2, "header only: \(text)")
                    case .table: #expect(text == section.title + "\n(loopback peers excluded)\n(no data)\n")
                    case .html: #expect(text.contains("<p class=\"none\">(no data)</p>"), "\(section.name)")
                    }
                }
            }
        }
        let s = try store.summary()
        #expect(s.compactText == """
            {"period": {"from": null, "to": null}, "sessions": {"total": 0, "peers": 0, "by_role": {"server": 0, "client": 0}, \
            "by_version": {}, "by_cipher": {}, "by_verify": {"server": {}, "client": {}}}, \
            "inbound": {"messages": 0, "encrypted": 0, "rate": null}, "outbound": {"deliveries": 0, "encrypted": 0, "rate": null}, \
            "handshake_failures": 0, "ruleset_rejects": 0, "tls_io_errors": 0, \
            "auth": {"total": 0, "over_tls": 0, "plaintext_password": 0}, "weak_sessions": 0, "peers_per_cipher": [], "daily": []}
            """)
        for table in ExportTable.allCases {
            var csv = ""
            #expect(try store.reporter.export(table, format: .csv) { csv += $0 } == 0)
            #expect(csv.hasPrefix("id,ts,host,mta,pid,"))
            var jsonl = ""
            try store.reporter.export(table, format: .jsonl) { jsonl += $0 }
            #expect(jsonl.isEmpty)
        }
    }

    @Test func aMissingStoreIsAClearError() throws {
        let dir = try TempDir()
        let path = dir.path("nothing-here.db")
        #expect(throws: ReportError.noStore(path: path)) { try Reporter.openStore(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path), "a report must not create an empty store")
        #expect(ReportError.noStore(path: path).description.contains("mailtls ingest"))
    }

    @Test func aReadOnlyStoreCanBeReported() throws {
        let store = try TestStore(Log.serverTLS("10:00:00", 1, relay: "a.example [192.0.2.1]"))
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: store.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: store.path) }
        let reopened = Reporter(store: try Reporter.openStore(path: store.path))
        #expect(try reopened.summary()["sessions"]?["total"]?.int == 1)
    }
}
