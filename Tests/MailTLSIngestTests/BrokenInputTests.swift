import Foundation
import MailTLSIngest
import MailTLSParser
import MailTLSStore
import MailTLSTestSupport
import Testing

@Suite struct BrokenInputTests {
    @Test func nonUTF8NulLongLinesAndNoFinalNewline() throws {
        let dir = try TempDir()
        var bytes: [UInt8] = []
        // A STARTTLS line whose peer name holds invalid UTF-8 (0xFF 0xFE) bytes.
        bytes += Array("Nov 29 10:00:01 mx1 sm-mta[1]: STARTTLS=server, relay=bad".utf8) + [0xFF, 0xFE]
        bytes += Array(".example [192.0.2.1], version=TLSv1.2, verify=NO, cipher=AES128-SHA, bits=128/128\n".utf8)
        // NUL bytes inside a line of another program.
        bytes += Array("Nov 29 10:00:02 mx1 kernel: a\u{0}b\u{0}c\n".utf8)
        // A 1 MiB line.
        bytes += Array("Nov 29 10:00:03 mx1 sm-mta[2]: ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20) + [0x0A]
        // Garbage without a header.
        bytes += Array("%%% not a syslog line %%%\n".utf8)
        // The last line has no newline.
        bytes += Array("Nov 29 10:00:04 mx1 sm-mta[3]: STARTTLS=client, relay=mx.example.net., version=TLSv1.3, verify=OK, cipher=TLS_AES_128_GCM_SHA256, bits=128/128".utf8)
        let log = try dir.write("broken.log", bytes: bytes)
        let s = try ingest([log], db: dir.path("t.db"))
        #expect(s.failedFiles.isEmpty)
        // The unterminated last line of a plain file may still be being written: left for next time.
        #expect(s.lines == 4)
        #expect(s.rows.sessions == 1)
        // The 1 MiB line is over `LineReader.maxLineLength`: unparsed, with its reason.
        #expect(s.malformed == 2)
        #expect(s.skipped == 1)
        #expect(s.samples.first?.line == 3)
        #expect(s.samples.first?.reason == "line longer than \(LineReader.maxLineLength) bytes")
        #expect(s.samples.dropFirst().first?.line == 4)
        #expect(s.samples.first?.path == log)
        // Once the line is complete, the next run reads it whole.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        h.seekToEndOfFile()
        h.write(Data("\n".utf8))
        try h.close()
        let s2 = try ingest([log], db: dir.path("t.db"))
        #expect(s2.lines == 1)
        #expect(s2.rows.sessions == 1)
        let peers = try rows(dir.path("t.db"), "SELECT peer FROM tls_sessions ORDER BY id")
        #expect(peers == ["bad\u{FFFD}\u{FFFD}.example", "mx.example.net"])
    }

    @Test func overlongLineIsCountedNotFatal() throws {
        let dir = try TempDir()
        var bytes = Array("Nov 29 10:00:03 mx1 sm-mta[2]: to=".utf8) + [UInt8](repeating: UInt8(ascii: "y"), count: 5 << 20) + [0x0A]
        bytes += Array(smallLog.utf8)
        let log = try dir.write("long.log", bytes: bytes)
        let s = try ingest([log], db: dir.path("t.db"))
        #expect(s.failedFiles.isEmpty)
        #expect(s.malformed == 1)
        #expect(s.samples.first?.reason.contains("longer than") == true)
        #expect(s.rows.sessions == 2)
        #expect(s.lines == 6)
    }

    @Test func lineReaderHandlesChunkBoundariesAndCRLF() throws {
        let dir = try TempDir()
        // Lines of varying length so some straddle the 1 MiB read boundary.
        var text = ""
        var expected: [String] = []
        var i = 0
        while text.utf8.count < 3 << 20 {
            let line = "line \(i) " + String(repeating: "z", count: (i * 7919) % 3000)
            expected.append(line)
            text += line + (i % 5 == 0 ? "\r\n" : "\n")
            i += 1
        }
        let path = try dir.write("lines.txt", text)
        let reader = LineReader(source: try FileSource(path: path))
        var got: [String] = []
        var offsets: [Int64] = []
        try reader.forEachLine { line in
            got.append(line.bytes.string)
            offsets.append(line.offset)
        }
        #expect(got == expected)
        // Each offset points at the start of its line in the file.
        let data = Array(text.utf8)
        for (n, off) in offsets.enumerated().prefix(50) {
            #expect(String(decoding: data[Int(off)..<Int(off) + expected[n].utf8.count], as: UTF8.self) == expected[n])
        }
    }
}

@Suite struct NoRecordTests {
    /// Regression: a file without a single sendmail record crashed the end-of-file sweep (Int64 overflow).
    @Test func fileWithoutSendmailLinesIsFine() throws {
        let dir = try TempDir()
        let log = try dir.write("notes.md", "# Notes\n\nNothing to see here.\n")
        let s = try ingest([log], db: dir.path("t.db"))
        #expect(s.failedFiles.isEmpty)
        #expect(s.lines == 3)
        #expect(s.rows.rows == 0)
        #expect(s.malformed == 2)
        #expect(s.skipped == 1)
    }
}

@Suite struct ContinuationTests {
    /// A `to=… [more]` piece is stored at once; its continuation adds to that row (one delivery, all
    /// recipients), also when the continuation comes in the next run.
    @Test(arguments: [false, true])
    func moreContinuationCompletesTheStoredRow(splitRuns: Bool) throws {
        let dir = try TempDir()
        let db = dir.path("t.db")
        let head = """
            Nov 29 10:00:03 mx1 sm-mta[4250]: STARTTLS=client, relay=mx.example.net., version=TLSv1.2, verify=OK, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256
            Nov 29 10:00:04 mx1 sm-mta[4250]: 4ATA01aa004242: to=<a@example.net>,<b@example.net>, [more], delay=00:00:03, xdelay=00:00:01, mailer=esmtp, pri=121200, relay=mx.example.net. [198.51.100.7], dsn=2.0.0, stat=Sent (ok)

            """
        let tail = """
            Nov 29 10:00:04 mx1 sm-mta[4250]: 4ATA01aa004242: to=<c@example.net>, delay=00:00:03, xdelay=00:00:01, mailer=esmtp, pri=121200, relay=mx.example.net. [198.51.100.7], dsn=2.0.0, stat=Sent (ok)

            """
        let log = try dir.write("maillog", head + (splitRuns ? "" : tail))
        try ingest([log], db: db)
        if splitRuns {
            // The piece is already stored; the next run completes it.
            #expect(try rows(db, "SELECT recipients, nrcpts FROM deliveries") == ["<a@example.net>,<b@example.net>|2"])
            try (head + tail).write(toFile: log, atomically: false, encoding: .utf8)
            try ingest([log], db: db)
        }
        #expect(try rows(db, "SELECT recipients, nrcpts, tls_session_id IS NOT NULL FROM deliveries")
                == ["<a@example.net>,<b@example.net>,<c@example.net>|3|1"])
        #expect(try scalar(db, "SELECT sum(n) FROM rollup_traffic WHERE direction = 'outbound'") == 1)
    }

    /// Lines of the next file of a rotation that complete rows of the file before it (a session's
    /// `cert-subject=` line, the rest of a `to=… [more]` list): `--reingest` of either file, or both,
    /// keeps them once, as a clean run has them.
    @Test(arguments: [["maillog.1"], ["maillog"], ["maillog.1", "maillog"]])
    func completionsFromTheNextFileSurviveReingest(files: [String]) throws {
        let dir = try TempDir()
        try dir.write("maillog.1", CompletedAcrossRotation.older)
        try dir.write("maillog", CompletedAcrossRotation.newer)
        let chain = [dir.path("maillog.1"), dir.path("maillog")]
        let db = dir.path("t.db")
        try ingest(chain, db: db)
        let completed = CompletedAcrossRotation.completed + ["SELECT id FROM deliveries ORDER BY id"]
        let want = try completed.map { try rows(db, $0) }
        #expect(want[0].contains("mx2.example.org|/CN=mx2.example.org|/CN=Example CA|unable to get local issuer certificate"), "\(want[0])")
        #expect(want[1].first == "<a@example.net>,<b@example.net>,<c@example.net>|3", "\(want[1])")
        let paths = files.map { dir.path($0) }
        let s = try ingest(paths, reingest: Set(paths), db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(try completed.map { try rows(db, $0) } == want)
    }
}
