import Foundation
import MailTLSIngest
import MailTLSStore
import MailTLSTestSupport
import Testing

/// A small realistic log used by the input tests: two sessions, one linked delivery.
let smallLog = """
    Nov 29 10:00:01 mx1 sm-mta[4242]: STARTTLS=server, relay=mail.example.org [192.0.2.10], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256
    Nov 29 10:00:02 mx1 sm-mta[4242]: 4ATA01aa004242: from=<a@example.org>, size=1200, class=0, nrcpts=1, msgid=<1@example.org>, proto=ESMTPS, daemon=MTA, relay=mail.example.org [192.0.2.10]
    Nov 29 10:00:03 mx1 sm-mta[4250]: STARTTLS=client, relay=mx.example.net., version=TLSv1.2, verify=OK, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256
    Nov 29 10:00:04 mx1 sm-mta[4250]: 4ATA01aa004242: to=<b@example.net>, delay=00:00:03, xdelay=00:00:01, mailer=esmtp, pri=121200, relay=mx.example.net. [198.51.100.7], dsn=2.0.0, stat=Sent (ok)
    Nov 29 10:00:05 mx1 CRON[777]: (root) CMD (run-parts /etc/cron.hourly)

    """

@Suite struct InputFormatTests {
    @Test func plainFileIsIngested() throws {
        let dir = try TempDir()
        let log = try dir.write("maillog", smallLog)
        let s = try ingest([log], db: dir.path("t.db"))
        #expect(s.failedFiles.isEmpty)
        #expect(s.lines == 5)
        #expect(s.rows.sessions == 2)
        #expect(s.rows.messages == 1)
        #expect(s.rows.deliveries == 1)
        #expect(s.skipped == 1)
        #expect(s.malformed == 0)
        let linked = try rows(dir.path("t.db"), """
            SELECT d.peer, d.peer_ip, s.peer, s.verify FROM deliveries d JOIN tls_sessions s ON s.id = d.tls_session_id
            """)
        #expect(linked == ["mx.example.net|198.51.100.7|mx.example.net|OK"])
        let ts = try rows(dir.path("t.db"), "SELECT ts FROM tls_sessions ORDER BY id")
        #expect(ts == ["2026-11-29T10:00:01Z", "2026-11-29T10:00:03Z"])
    }

    @Test func gzipMultiMemberEqualsPlain() throws {
        let dir = try TempDir()
        let lines = smallLog.split(separator: "\n", omittingEmptySubsequences: false)
        try dir.write("a", lines[0..<2].joined(separator: "\n") + "\n")
        try dir.write("b", lines[2...].joined(separator: "\n"))
        try shell("cd '\(dir.url.path)' && gzip -c a > m.gz && gzip -c b >> m.gz")
        let s = try ingest([dir.path("m.gz")], db: dir.path("gz.db"))
        #expect(s.failedFiles.isEmpty)
        #expect(s.lines == 5)
        #expect(s.rows.sessions == 2)
        #expect(s.rows.deliveries == 1)
        let compression = try rows(dir.path("gz.db"), "SELECT compression FROM sources")
        #expect(compression == ["gzip"])
    }

    @Test(arguments: ["bzip2", "xz"])
    func otherCompressionsAreDetectedByContent(tool: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/\(tool)") || FileManager.default.isExecutableFile(atPath: "/bin/\(tool)") else { return }
        let dir = try TempDir()
        try dir.write("plain", smallLog)
        // A misleading name: detection is by magic bytes.
        try shell("cd '\(dir.url.path)' && \(tool) -c plain > maillog.txt")
        let s = try ingest([dir.path("maillog.txt")], db: dir.path("t.db"))
        #expect(s.failedFiles.isEmpty)
        #expect(s.rows.sessions == 2)
        #expect(try rows(dir.path("t.db"), "SELECT compression FROM sources") == [tool])
    }

    @Test func corruptGzipFailsAloneAndLeavesNoRows() throws {
        let dir = try TempDir()
        let good = try dir.write("good.log", smallLog)
        try dir.write("src", smallLog + smallLog)
        try shell("cd '\(dir.url.path)' && gzip -c src | head -c 150 > broken.gz")
        let s = try ingest([dir.path("broken.gz"), good], db: dir.path("t.db"))
        #expect(s.failedFiles.count == 1)
        #expect(s.failedFiles.first?.path == dir.path("broken.gz"))
        #expect("\(s.failedFiles[0])".contains("broken.gz"))
        // Only the good file's rows are in the store, and only its source row.
        #expect(try scalar(dir.path("t.db"), "SELECT count(*) FROM tls_sessions") == 2)
        #expect(try rows(dir.path("t.db"), "SELECT path FROM sources") == [good])
    }

    @Test func missingFileIsReportedAndOthersStillIngested() throws {
        let dir = try TempDir()
        let good = try dir.write("good.log", smallLog)
        let s = try ingest([dir.path("nope.log"), good], db: dir.path("t.db"))
        #expect(s.failedFiles.count == 1)
        #expect("\(s.failedFiles[0])".contains("nope.log"))
        #expect("\(s.failedFiles[0])".contains("No such file"))
        #expect(s.rows.sessions == 2)
    }

    @Test func directoryIsReadAsItsFiles() throws {
        let dir = try TempDir()
        let logs = try TempDir()
        try logs.write("maillog", smallLog)
        try logs.write(".hidden", smallLog + smallLog)
        let s = try ingest([logs.url.path], db: dir.path("t.db"))
        #expect(s.failedFiles.isEmpty)
        #expect(s.files == 1)
        #expect(s.rows.sessions == 2)
    }

    @Test func unreadableFileIsAnErrorNamingIt() throws {
        guard getuid() != 0 else { return }  // root reads everything
        let dir = try TempDir()
        let log = try dir.write("secret.log", smallLog)
        chmod(log, 0)
        let s = try ingest([log], db: dir.path("t.db"))
        #expect(s.failedFiles.count == 1)
        #expect("\(s.failedFiles[0])".contains("secret.log"))
    }
}
