import Foundation
import MailTLSStore
import MailTLSTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A monitoring user in the store's group, who may read the store but write neither it nor its
/// folder, runs `report`, `status`, `export` and `check` (docs/store.md: read-only users). A real
/// second user: created with useradd when the tests run as root, and the suite is skipped otherwise.
@Suite(.serialized) struct ReadOnlyUserTests {
    /// The tests that run as a second user.
    static let asSecondUser = Testing.ConditionTrait.enabled(
        if: getuid() == 0 && toolExists("useradd") && toolExists("runuser"),
        "needs root (and useradd, runuser) to create a second user")

    static let user = "mailtls-reader"
    static let group = "mailtls-readers"

    /// The reader's account, made once; a system account without a home or a login.
    static func ensureUser() throws {
        if try sh("getent group \(group)").status != 0 { try shOK("groupadd \(group)") }
        if try sh("id -u \(user)").status != 0 { try shOK("useradd -M -N -g \(group) -s /usr/sbin/nologin \(user)") }
    }

    /// `mailtls ARGS` as the reader.
    static func runAsReader(_ args: [String]) async throws -> (status: Int32, output: String) {
        let bin = try MailTLSBinary.path()
        let quoted = ([bin] + args).map { "'\($0)'" }.joined(separator: " ")
        return try await shAsync("runuser -u \(user) -- \(quoted)")
    }

    /// A store written by its owner (root here) as the README sets it up for a monitoring group:
    /// folder 0750 and files 0640, group `group`.
    static func sharedStore() async throws -> (Scratch, String) {
        try ensureUser()
        let dir = try Scratch()
        let folder = dir.path("store")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/mailtls.db"
        let r = try await dir.run(ingestArgs(db, [try dir.write("maillog", CheckTests.log)], ["--quiet"]))
        #expect(r.status == 0, "\(r)")
        try shOK("chgrp -R \(group) '\(folder)' && chmod 0750 '\(folder)' && chmod 0640 '\(db)' '\(db)-wal' '\(db)-shm'")
        return (dir, db)
    }

    @Test func aNewStoreIsOwnerOnlyAndKeepsItsWALFiles() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let r = try await dir.run(ingestArgs(db, [try dir.write("maillog", CheckTests.log)], ["--quiet"]))
        #expect(r.status == 0, "\(r)")
        for file in [db, db + "-wal", db + "-shm"] {
            let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600, "\(file): mode \(String(mode ?? -1, radix: 8)), want 600 (owner only)")
        }
    }

    @Test(Self.asSecondUser) func theReaderRunsEveryReadingCommand() async throws {
        let (dir, db) = try await Self.sharedStore()
        defer { withExtendedLifetime(dir) {} }
        let before = try StoreDump.of(db)
        // Neither the store nor its folder is writable by the reader.
        #expect(try await Self.runAsReader(["--version"]).status == 0)
        #expect(try await shAsync("runuser -u \(Self.user) -- test -w '\(db)'").status != 0)
        #expect(try await shAsync("runuser -u \(Self.user) -- test -w '\((db as NSString).deletingLastPathComponent)'").status != 0)

        let report = try await Self.runAsReader(["report", "--db", db, "--format", "json"])
        #expect(report.status == 0 && report.output.contains("\"inbound\""), "report: \(report.output)")
        let status = try await Self.runAsReader(["status", "--db", db])
        #expect(status.status == 0 && status.output.contains("tls_sessions"), "status: \(status.output)")
        let export = try await Self.runAsReader(["export", "sessions", "--db", db])
        #expect(export.status == 0 && export.output.hasPrefix("id,ts,"), "export: \(export.output)")
        let check = try await Self.runAsReader(["check", "--db", db, "--since", "2026-11-29", "--until", "2026-11-30"])
        #expect(check.status == 0 && check.output.hasPrefix("MAILTLS OK - "), "check: \(check.output)")

        try expectStore(db, equals: before, "the readers changed nothing")
        #expect(try StoreDump.query(db, "PRAGMA journal_mode") == ["wal"])
    }

    /// The reader sees the committed state while the owner holds an open write transaction, and
    /// the new rows once it commits.
    @Test(Self.asSecondUser) func theReaderReadsWhileTheOwnerWrites() async throws {
        let (dir, db) = try await Self.sharedStore()
        defer { withExtendedLifetime(dir) {} }
        let count = ["export", "deliveries", "--db", db, "--format", "jsonl"]
        let deliveries = try await Self.runAsReader(count)
        #expect(deliveries.status == 0, "\(deliveries.output)")
        let n = deliveries.output.split(separator: "\n").count
        #expect(n > 0)

        let writer = try Store(path: db)
        try writer.database.execute("BEGIN IMMEDIATE; DELETE FROM delivery_rows;")
        let during = try await Self.runAsReader(count)
        #expect(during.status == 0 && during.output.split(separator: "\n").count == n, "committed rows: \(during.output)")
        try writer.database.execute("COMMIT")
        let after = try await Self.runAsReader(count)
        #expect(after.status == 0 && after.output.isEmpty, "after the commit: \(after.output)")
    }

    /// A store whose -wal/-shm an older mailtls deleted: the error names the store and the fix.
    @Test(Self.asSecondUser) func missingWALFilesAreExplained() async throws {
        let (dir, db) = try await Self.sharedStore()
        defer { withExtendedLifetime(dir) {} }
        try shOK("rm '\(db)-wal' '\(db)-shm'")
        let r = try await Self.runAsReader(["report", "--db", db])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("cannot read the store \(db) (") && r.output.contains("the next `mailtls ingest` leaves them"),
                "\(r.output)")
        let check = try await Self.runAsReader(["check", "--db", db])
        #expect(check.status == 3 && check.output.hasPrefix("MAILTLS UNKNOWN - cannot read the store \(db) ("), "\(check.output)")
    }

    /// -wal and -shm left owner-only (0600) while the store was opened to the group: named, with the fix.
    @Test(Self.asSecondUser) func unreadableWALFilesAreExplained() async throws {
        let (dir, db) = try await Self.sharedStore()
        defer { withExtendedLifetime(dir) {} }
        try shOK("chmod 0600 '\(db)-wal' '\(db)-shm'")
        let r = try await Self.runAsReader(["status", "--db", db])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("this user may not read \(db)-shm; give"), "\(r.output)")
    }
}
