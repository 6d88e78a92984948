import Foundation
import MailTLSTestSupport
import MailTLSIngest
import MailTLSStore
import Testing

/// logrotate scenarios: after every one the store must hold exactly what one clean run over the
/// whole log would have written (no line lost, none twice, sessions split by the rotation linked).
@Suite struct RotationTests {
    /// Lines of events 0..<150 cut into three pieces, each cut splitting a TLS session.
    struct Pieces {
        let all: [String]
        let a: [String], b: [String], c: [String]
        init(firstCut: Int, secondCut: Int, events: Int = 150) {
            all = SynthLog.lines(0..<events)
            let splits = SynthLog.sessionSplits(0..<events)
            let c1 = splits[firstCut], c2 = splits[secondCut]
            a = Array(all[..<c1])
            b = Array(all[c1..<c2])
            c = Array(all[c2...])
        }
    }

    // MARK: rename

    /// maillog read, more lines appended, `mv maillog maillog.1`, a new maillog: only the unread tail
    /// of maillog.1 and the new file are read. A short first file exercises head fingerprints under
    /// 4 KiB.
    @Test(arguments: [2, 50])
    func renamedFileIsReadFromItsCheckpoint(firstCut: Int) throws {
        let p = Pieces(firstCut: firstCut, secondCut: firstCut + 40)
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(p.a))
        let s1 = try ingest([dir.path("maillog")], db: db)
        #expect(s1.failedFiles.isEmpty)
        #expect(s1.lines == Int64(p.a.count))

        try dir.append("maillog", lines: p.b)
        let inode = dir.inode("maillog")
        try dir.move("maillog", "maillog.1")
        try dir.write("maillog", SynthLog.text(p.c))
        #expect(dir.inode("maillog.1") == inode)

        let s2 = try ingest([dir.path("maillog.1"), dir.path("maillog")], db: db)
        #expect(s2.failedFiles.isEmpty)
        #expect(s2.lines == Int64(p.b.count + p.c.count), "only the unread tail and the new file are read")
        #expect(s2.bytes == SynthLog.bytes(p.b) + SynthLog.bytes(p.c))
        try expectStore(db, equals: try cleanDump(p.all), "rename")
        // The rotated file is the same source, now known under its new name.
        #expect(try checkpoints(db) == [
            "\(dir.path("maillog.1"))|\(SynthLog.bytes(p.a + p.b))|\(p.a.count + p.b.count)",
            "\(dir.path("maillog"))|\(SynthLog.bytes(p.c))|\(p.c.count)",
        ])
    }

    // MARK: rename, then compress

    /// `mv maillog maillog.1; gzip maillog.1` (or bzip2, xz): the compressed file is recognised by
    /// content as the one already read. Without an unread tail nothing of it is read again; with one,
    /// exactly the tail is read, once.
    @Test(arguments: ["gzip", "bzip2", "xz"], [false, true])
    func renamedThenCompressedFileIsRecognised(tool: String, unreadTail: Bool) throws {
        try #require(toolExists(tool), "\(tool) is needed for this test")
        let p = Pieces(firstCut: 30, secondCut: 70)
        let b = unreadTail ? p.b : []
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(p.a))
        try ingest([dir.path("maillog")], db: db)
        try dir.append("maillog", lines: b)
        try dir.move("maillog", "maillog.1")
        try shell("\(tool) '\(dir.path("maillog.1"))'")
        let rotated = "maillog.1." + compressedExtension(tool)
        #expect(FileManager.default.fileExists(atPath: dir.path(rotated)))
        try dir.write("maillog", SynthLog.text(p.c))

        // The compressed file alone: its unread tail (if any), nothing else.
        let s2 = try ingest([dir.path(rotated)], db: db)
        #expect(s2.failedFiles.isEmpty)
        #expect(s2.lines == Int64(b.count))
        try expectStore(db, equals: try cleanDump(p.a + b), "\(tool) alone")

        // Then the chain: only the new file.
        let s3 = try ingest([dir.path(rotated), dir.path("maillog")], db: db)
        #expect(s3.failedFiles.isEmpty)
        #expect(s3.lines == Int64(p.c.count))
        try expectStore(db, equals: try cleanDump(p.a + b + p.c), "\(tool) chain")
        #expect(try StoreDump.query(db, "SELECT path, compression FROM sources ORDER BY id") == [
            "\(dir.path(rotated))|\(tool)", "\(dir.path("maillog"))|none",
        ])

        // And again: nothing.
        let s4 = try ingest([dir.path(rotated), dir.path("maillog")], db: db)
        #expect(s4.lines == 0)
        #expect(s4.rows.rows == 0)
        #expect(s4.unchangedFiles == 2)
        try expectStore(db, equals: try cleanDump(p.a + b + p.c), "\(tool) rerun")
    }

    /// The next rotation renames the compressed file (maillog.1.gz -> maillog.2.gz) and compresses
    /// the previous maillog.1: nothing is read twice along the whole chain.
    @Test func twoRotationsWithDelayedCompression() throws {
        let p = Pieces(firstCut: 30, secondCut: 70)
        let extra = SynthLog.lines(150..<180)
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(p.a))
        try ingest([dir.path("maillog")], db: db)
        // Rotation 1 (delaycompress): maillog -> maillog.1
        try dir.append("maillog", lines: p.b.prefix(5))
        try dir.move("maillog", "maillog.1")
        try dir.write("maillog", SynthLog.text(p.b.dropFirst(5)))
        try ingest([dir.path("maillog.1"), dir.path("maillog")], db: db)
        // Rotation 2: maillog.1 -> maillog.2.gz, maillog -> maillog.1 (with an unread tail)
        try dir.append("maillog", lines: p.c)
        try dir.move("maillog.1", "maillog.2")
        try shell("gzip '\(dir.path("maillog.2"))'")
        try dir.move("maillog", "maillog.1")
        try dir.write("maillog", SynthLog.text(extra))
        let s = try ingest([dir.path("maillog"), dir.path("maillog.1"), dir.path("maillog.2.gz")], db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(s.lines == Int64(p.c.count + extra.count))
        try expectStore(db, equals: try cleanDump(p.all + extra), "two rotations")
    }

    // MARK: copytruncate

    /// logrotate copytruncate: maillog is copied to maillog.1 and truncated in place (same inode),
    /// then refilled. The shrunk file is read from the start; the old rows stay; the copy is
    /// recognised (only its unread tail is read). Refilled below and beyond the old offset.
    @Test(arguments: [false, true], [false, true])
    func copytruncateIsReadFromTheStart(refillBeyondOldSize: Bool, copyGiven: Bool) throws {
        let all = SynthLog.lines(0..<200)
        let splits = SynthLog.sessionSplits(0..<200)
        let a = Array(all[..<splits[60]])
        let b = Array(all[splits[60]..<splits[75]])
        let cEnd = refillBeyondOldSize ? splits[155] : splits[100]
        let c = Array(all[splits[75]..<cEnd])
        #expect((SynthLog.bytes(c) > SynthLog.bytes(a)) == refillBeyondOldSize)

        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(a))
        try ingest([dir.path("maillog")], db: db)
        try dir.append("maillog", lines: b)
        let inode = dir.inode("maillog")
        try shell("cp '\(dir.path("maillog"))' '\(dir.path("maillog.1"))' && truncate -s 0 '\(dir.path("maillog"))'")
        try dir.append("maillog", lines: c)
        #expect(dir.inode("maillog") == inode, "copytruncate keeps the inode")

        let paths = copyGiven ? [dir.path("maillog.1"), dir.path("maillog")] : [dir.path("maillog")]
        let s = try ingest(paths, db: db)
        #expect(s.failedFiles.isEmpty)
        let readB = copyGiven ? b : []
        #expect(s.lines == Int64(readB.count + c.count))
        try expectStore(db, equals: try cleanDump(a + readB + c), "copytruncate")
        // A rerun reads nothing.
        let s2 = try ingest(paths, db: db)
        #expect(s2.lines == 0)
        try expectStore(db, equals: try cleanDump(a + readB + c), "copytruncate rerun")
    }

    // MARK: replaced file

    /// maillog deleted and created again (new inode) with other content, shorter or longer than
    /// what was read: read from the start, the old rows stay.
    @Test(arguments: [false, true])
    func replacedFileIsReadFromTheStart(longer: Bool) throws {
        let all = SynthLog.lines(0..<200)
        let splits = SynthLog.sessionSplits(0..<200)
        let a = Array(all[..<splits[60]])
        let d = Array(all[splits[60]..<(longer ? splits[150] : splits[80])])
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog", SynthLog.text(a))
        try ingest([dir.path("maillog")], db: db)
        // Keep the old inode busy so the new file surely gets another one.
        try dir.move("maillog", "old")
        try dir.write("maillog", SynthLog.text(d))
        try FileManager.default.removeItem(atPath: dir.path("old"))
        let s = try ingest([dir.path("maillog")], db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(s.lines == Int64(d.count))
        try expectStore(db, equals: try cleanDump(a + d), "replaced")
        #expect(try scalar(db, "SELECT count(*) FROM sources") == 2)
    }

    // MARK: order

    /// Dated names (logrotate dateext) given shuffled are read oldest first: the sessions split
    /// across the files link as in one run, and the sources were created in age order.
    @Test func datedNamesAreReadOldestFirst() throws {
        let p = Pieces(firstCut: 40, secondCut: 90)
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog-20261127", SynthLog.text(p.a))
        try shell("gzip '\(dir.path("maillog-20261127"))'")
        try dir.write("maillog-20261128", SynthLog.text(p.b))
        try dir.write("maillog", SynthLog.text(p.c))
        let given = [dir.path("maillog"), dir.path("maillog-20261127.gz"), dir.path("maillog-20261128")]
        let s = try ingest(given, db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(s.lines == Int64(p.all.count))
        try expectStore(db, equals: try cleanDump(p.all), "dated names")
        #expect(try StoreDump.query(db, "SELECT path FROM sources ORDER BY id") == [
            dir.path("maillog-20261127.gz"), dir.path("maillog-20261128"), dir.path("maillog"),
        ])
    }

    @Test func rotationOrderSortsNumbersNumericallyAndDatesByDate() {
        #expect(RotationOrder.sorted(["/l/maillog", "/l/maillog.10.gz", "/l/maillog.2.gz", "/l/maillog.1", "/l/maillog.9.bz2"])
                == ["/l/maillog.10.gz", "/l/maillog.9.bz2", "/l/maillog.2.gz", "/l/maillog.1", "/l/maillog"])
        #expect(RotationOrder.sorted(["/l/maillog", "/l/maillog-20261201.xz", "/l/maillog-20261130", "/l/maillog-20251231.gz"])
                == ["/l/maillog-20251231.gz", "/l/maillog-20261130", "/l/maillog-20261201.xz", "/l/maillog"])
        // Two chains keep the order in which they first appear; each is sorted.
        #expect(RotationOrder.sorted(["/l/maillog", "/l/other.log", "/l/maillog.1", "/l/other.log.1"])
                == ["/l/maillog.1", "/l/maillog", "/l/other.log.1", "/l/other.log"])
    }

    /// A folder's chains come in the order of their names, whatever order the file system lists them
    /// in (readdir's order is the directory's hash order on ext4 and tmpfs); each chain oldest first.
    /// Twelve chains: a listing that happened to be sorted would pass by chance about once in 479
    /// million.
    @Test func aFoldersChainsAreReadInNameOrder() throws {
        let dir = try TempDir()
        let hosts = ["mx09", "mx03", "mx11", "mx01", "mx07", "mx12", "mx05", "mx02", "mx10", "mx04", "mx08", "mx06"]
        for h in hosts {
            try dir.write("\(h).log.1", "")
            try dir.write("\(h).log", "")
        }
        try dir.write(".hidden.log", "")
        let want = hosts.sorted().flatMap { [dir.path("\($0).log.1"), dir.path("\($0).log")] }
        #expect(RotationOrder.expand([dir.url.path]) == want)
    }

    /// A numbered chain (maillog.2.gz, maillog.1, maillog) given in every order, and as the
    /// directory holding it: always the store of one clean run.
    @Test func filesInAnyOrderOrAsADirectory() throws {
        let p = Pieces(firstCut: 40, secondCut: 90)
        let want = try cleanDump(p.all)
        let logs = try TempDir()
        try logs.write("maillog.2", SynthLog.text(p.a))
        try shell("gzip '\(logs.path("maillog.2"))'")
        try logs.write("maillog.1", SynthLog.text(p.b))
        try logs.write("maillog", SynthLog.text(p.c))
        let names = ["maillog.2.gz", "maillog.1", "maillog"]
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
        let work = try TempDir()
        for (n, order) in orders.enumerated() {
            let db = work.path("order\(n).db")
            let s = try ingest(order.map { logs.path(names[$0]) }, db: db)
            #expect(s.failedFiles.isEmpty)
            try expectStore(db, equals: want, "order \(order.map { names[$0] })")
        }
        let db = work.path("dir.db")
        let s = try ingest([logs.url.path], db: db)
        #expect(s.failedFiles.isEmpty)
        #expect(s.files == 3)
        try expectStore(db, equals: want, "directory")
        #expect(try StoreDump.query(db, "SELECT path FROM sources ORDER BY id") == names.map { logs.path($0) })
    }

    // MARK: reruns

    /// Running again on the same files adds nothing and reports them unchanged; so does a `touch`
    /// (new mtime, same content).
    @Test func rerunAddsNothingEvenAfterTouch() throws {
        let p = Pieces(firstCut: 40, secondCut: 90)
        let dir = try TempDir()
        let db = dir.path("t.db")
        try dir.write("maillog.2", SynthLog.text(p.a))
        try shell("gzip '\(dir.path("maillog.2"))'")
        try dir.write("maillog.1", SynthLog.text(p.b))
        try dir.write("maillog", SynthLog.text(p.c) + "Nov 29 23:59:59 mx1 sm-mta[9]: partial")
        let paths = ["maillog.2.gz", "maillog.1", "maillog"].map { dir.path($0) }
        let s1 = try ingest(paths, db: db)
        #expect(s1.failedFiles.isEmpty)
        let want = try StoreDump.of(db)
        let marks = try checkpoints(db)
        try expectStore(db, equals: try cleanDump(p.all), "first run")

        let s2 = try ingest(paths, db: db)
        #expect(s2.unchangedFiles == 3)
        #expect(s2.lines == 0)
        #expect(s2.bytes == 0)
        #expect(s2.rows.rows == 0)
        #expect(s2.line.contains("3 unchanged"))
        try expectStore(db, equals: want, "rerun")
        #expect(try checkpoints(db) == marks)

        for name in ["maillog.2.gz", "maillog.1", "maillog"] { try dir.touch(name) }
        let s3 = try ingest(paths, db: db)
        #expect(s3.failedFiles.isEmpty)
        #expect(s3.lines == 0)
        #expect(s3.bytes == 0)
        #expect(s3.rows.rows == 0)
        try expectStore(db, equals: want, "rerun after touch")
        #expect(try checkpoints(db) == marks)
        do {
            #expect(s3.unchangedFiles == 3)
            #expect(s3.line.contains("3 unchanged"))
        }
        // After that run the new mtimes are remembered: unchanged again.
        let s4 = try ingest(paths, db: db)
        #expect(s4.unchangedFiles == 3)
    }
}
