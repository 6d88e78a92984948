import Foundation
import Testing

/// `mailtls check` as Nagios and cron run it: the status line, the exit codes 0/1/2/3, usage
/// errors; and the options of `report downgrades` / `report policy`.
@Suite struct CheckTests {
    /// Nov 29, 2026 (the period): 2 inbound messages, 1 encrypted (a TLSv1 session: weak); 1 password
    /// in clear; 1 outbound delivery, encrypted, to a peer that verified on Nov 28 and fails now.
    static let log = """
        Nov 28 10:02:00 mx1 sm-mta[99]: STARTTLS=client, relay=mx.c.example., version=TLSv1.3, verify=OK, cipher=TLS_AES_256_GCM_SHA384, bits=256/256
        Nov 28 10:02:01 mx1 sm-mta[99]: 4AT00000000099: to=<x@c.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=mx.c.example. [198.51.100.3], dsn=2.0.0, stat=Sent (ok)
        Nov 29 10:00:00 mx1 sm-mta[100]: STARTTLS=server, relay=a.example [192.0.2.1], version=TLSv1, verify=NO, cipher=AES128-SHA, bits=128/128
        Nov 29 10:00:01 mx1 sm-mta[100]: 4AT00000000100: from=<a@a.example>, size=100, class=0, nrcpts=1, msgid=<1@a.example>, proto=ESMTPS, daemon=MTA, relay=a.example [192.0.2.1]
        Nov 29 10:01:00 mx1 sm-mta[101]: AUTH=server, relay=b.example [192.0.2.2], authid=bob, mech=PLAIN, bits=0
        Nov 29 10:01:01 mx1 sm-mta[101]: 4AT00000000101: from=<b@b.example>, size=100, class=0, nrcpts=1, msgid=<2@b.example>, proto=ESMTPA, daemon=MSA, relay=b.example [192.0.2.2]
        Nov 29 10:02:00 mx1 sm-mta[102]: STARTTLS=client, relay=mx.c.example., version=TLSv1.3, verify=FAIL, cipher=TLS_AES_256_GCM_SHA384, bits=256/256
        Nov 29 10:02:01 mx1 sm-mta[102]: 4AT00000000102: to=<x@c.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=mx.c.example. [198.51.100.3], dsn=2.0.0, stat=Sent (ok)

        """

    /// A store with `log`, and the period arguments.
    static func store() async throws -> (Scratch, String) {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let r = try await dir.run(ingestArgs(db, [try dir.write("maillog", log)], ["--quiet"]))
        #expect(r.status == 0, "\(r)")
        return (dir, db)
    }

    static let period = ["--since", "2026-11-29", "--until", "2026-11-30"]

    static func check(_ dir: Scratch, _ db: String, _ args: [String]) async throws -> CLIResult {
        // The log's history is one session per peer: --min-sessions 1 lets its downgrade count.
        try await dir.run(["check", "--db", db, "--min-sessions", "1"] + period + args)
    }

    static let perf = "inbound_rate=0.5000;;;0;1 inbound_messages=2;;;0; outbound_rate=1.0000;;;0;1 outbound_deliveries=1;;;0; "
        + "weak_sessions=1;;;0; plaintext_auth=1;;;0; downgrades=1;;;0; traffic=5;;;0;"

    @Test func okWarningAndCriticalExitZeroOneTwo() async throws {
        let (dir, db) = try await Self.store()

        let ok = try await Self.check(dir, db, [])
        #expect(ok.status == 0 && !ok.signaled, "\(ok)")
        let lines = ok.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "MAILTLS OK - inbound 50.0% encrypted, outbound 100.0% encrypted, 1 weak session, "
                + "1 plaintext password, 1 downgrade, traffic 5 | " + Self.perf, "\(ok)")
        #expect(lines.contains("  downgrade: mx.c.example (outbound) verify OK -> FAIL: 0 of 1 recent good, "
                               + "first bad 2026-11-29T10:02:00Z, last good 2026-11-28T10:02:00Z"), "\(ok)")
        #expect(ok.stderr.isEmpty, "\(ok)")

        let warning = try await Self.check(dir, db, ["--warn-max-weak", "0"])
        #expect(warning.status == 1, "\(warning)")
        #expect(warning.stdout.hasPrefix("MAILTLS WARNING - 1 weak session > 0 | inbound_rate=0.5000;;;0;1 "), "\(warning)")

        let critical = try await Self.check(dir, db, ["--max-plaintext-auth", "0", "--warn-min-inbound-rate", "0.6"])
        #expect(critical.status == 2, "\(critical)")
        #expect(critical.stdout.hasPrefix("MAILTLS CRITICAL - 1 plaintext password > 0, inbound 50.0% encrypted < 60% (warning) | "
                                          + "inbound_rate=0.5000;0.6:;;0;1 "), "\(critical)")
        #expect(critical.stdout.contains(" plaintext_auth=1;;0;0; "), "\(critical)")
    }

    /// Every limit exactly at its value passes; one step beyond fails at its level.
    @Test func limitsAtBelowAndAbove() async throws {
        let (dir, db) = try await Self.store()
        let at = ["--min-inbound-rate", "0.5", "--min-outbound-rate", "1", "--max-weak", "1", "--max-plaintext-auth", "1",
                  "--max-downgrades", "1"]
        let r = try await Self.check(dir, db, at)
        #expect(r.status == 0, "\(r)")
        let below = ["--min-inbound-rate", "0.49", "--min-outbound-rate", "0.99", "--max-weak", "2", "--max-plaintext-auth", "2",
                     "--max-downgrades", "2"]
        #expect(try await Self.check(dir, db, below).status == 0)
        for (option, beyond) in [("min-inbound-rate", "0.51"), ("max-weak", "0"), ("max-plaintext-auth", "0"), ("max-downgrades", "0")] {
            let crit = try await Self.check(dir, db, ["--" + option, beyond])
            #expect(crit.status == 2, "--\(option) \(beyond): \(crit)")
            let critForm = try await Self.check(dir, db, ["--crit-" + option, beyond])
            #expect(critForm.status == 2 && critForm.stdout == crit.stdout, "--crit-\(option) \(beyond): \(critForm)")
            let warn = try await Self.check(dir, db, ["--warn-" + option, beyond])
            #expect(warn.status == 1, "--warn-\(option) \(beyond): \(warn)")
        }
    }

    @Test func anUnreadableStoreIsUnknownExitThree() async throws {
        let dir = try Scratch()
        let missing = try await dir.run(["check", "--db", dir.path("none.db"), "--max-weak", "0"])
        #expect(missing.status == 3, "\(missing)")
        #expect(missing.stdout == "MAILTLS UNKNOWN - no store at \(dir.path("none.db")): run `mailtls ingest` first, or give --db PATH\n",
                "\(missing)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.db")), "check must not create a store")
        let garbage = try dir.write("garbage.db", String(repeating: "not a database\n", count: 300))
        let bad = try await dir.run(["check", "--db", garbage])
        #expect(bad.status == 3, "\(bad)")
        #expect(bad.stdout.hasPrefix("MAILTLS UNKNOWN - cannot read the store \(garbage): "), "\(bad)")
    }

    /// A plugin called wrongly is UNKNOWN (3), not CRITICAL, and says why on its status line.
    @Test func usageErrorsAreUnknown() async throws {
        let (dir, db) = try await Self.store()
        for (args, message) in [(["--max-weak=-1"], "--max-weak takes a whole number"),
                                (["--max-weak", "0.5"], "--max-weak takes a whole number"),
                                (["--min-inbound-rate", "90"], "--min-inbound-rate takes a fraction from 0 to 1"),
                                (["--max-weak", "0", "--crit-max-weak", "1"], "not both"),
                                (["--history", "soon"], "--history"),
                                (["--role", "sideways"], "The value 'sideways' is invalid for '--role <role>'"),
                                (["--max-wak", "0"], "Unknown option"),
                                // A negative value is a bad value, not a missing one.
                                (["--max-weak", "-1"], "--max-weak takes a whole number of 0 or more, not -1"),
                                (["--min-inbound-rate", "-0.1"], "--min-inbound-rate takes a fraction from 0 to 1"),
                                (["--min-sessions", "-1"], "--min-sessions must be at least 1")] {
            let r = try await dir.run(["check", "--db", db] + args)
            #expect(r.status == 3, "\(args): \(r)")
            #expect(r.stderr.contains(message), "\(args): \(r)")
            #expect(r.stdout.hasPrefix("MAILTLS UNKNOWN - usage: ") && r.stdout.contains(message)
                    && r.stdout.split(separator: "\n").count == 1, "\(args): \(r)")
        }
        let backwards = try await dir.run(["check", "--db", db, "--since", "2026-11-30", "--until", "2026-11-29"])
        #expect(backwards.status == 3 && backwards.stderr.contains("must be before --until"), "\(backwards)")
        // Other commands keep exit 2 for the same mistake.
        let report = try await dir.run(["report", "--db", db, "--max-wak", "0"])
        #expect(report.status == 2 && report.stdout.isEmpty, "\(report)")
    }

    /// Without --since, the last 24 hours: a line from an hour ago counts, one from two days ago not.
    @Test func theDefaultPeriodIsTheLast24Hours() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let f = ISO8601DateFormatter()
        func at(_ ago: TimeInterval, _ pid: Int, _ proto: String) -> String {
            "\(f.string(from: Date().addingTimeInterval(-ago))) mx1 sm-mta[\(pid)]: 4AT0000000\(pid): from=<a@a.example>, size=1, class=0, nrcpts=1, msgid=<\(pid)@a.example>, proto=\(proto), daemon=MTA, relay=a.example [192.0.2.1]\n"
        }
        let log = try dir.write("maillog", at(2 * 86400, 1001, "ESMTP") + at(3600, 1002, "ESMTPS"))
        let ingest = try await dir.run(ingestArgs(db, [log], ["--quiet"]))
        #expect(ingest.status == 0, "\(ingest)")
        let r = try await dir.run(["check", "--db", db, "--min-inbound-rate", "1"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("MAILTLS OK - inbound 100.0% encrypted, outbound n/a (no deliveries), "), "\(r)")
        let week = try await dir.run(["check", "--db", db, "--min-inbound-rate", "1", "--since", "7d"])
        #expect(week.status == 2 && week.stdout.hasPrefix("MAILTLS CRITICAL - inbound 50.0% encrypted < 100% | "), "\(week)")
        // With --until, an age counts back from it: the 24 hours before 36 hours ago hold only the
        // message in clear (measured from now, that period would end before it starts).
        let until = f.string(from: Date().addingTimeInterval(-36 * 3600))
        let before = try await dir.run(["check", "--db", db, "--min-inbound-rate", "1", "--until", until])
        #expect(before.status == 2 && before.stdout.hasPrefix("MAILTLS CRITICAL - inbound 0.0% encrypted < 100% | "), "\(before)")
        // A day with nothing logged (an ingest that stopped) is CRITICAL with --min-traffic 1, OK without.
        let empty = f.string(from: Date().addingTimeInterval(-5 * 86400))
        let stopped = try await dir.run(["check", "--db", db, "--until", empty, "--min-traffic", "1"])
        #expect(stopped.status == 2 && stopped.stdout.hasPrefix("MAILTLS CRITICAL - no traffic < 1 | "), "\(stopped)")
        #expect(stopped.stdout.contains("\ntraffic: 0 (TLS sessions, inbound messages and outbound deliveries); critical below 1: CRITICAL\n"), "\(stopped)")
        let quiet = try await dir.run(["check", "--db", db, "--until", empty])
        #expect(quiet.status == 0, "\(quiet)")
        let report = try await dir.run(["report", "rates", "--db", db, "--since", "1d", "--until", until, "--format", "csv"])
        #expect(report.status == 0 && report.stdout.hasSuffix("\r\nall,1,0,0.0,0,0,\r\n"), "\(report)")
    }

    /// The README's cron line: silent when OK, the check's output when not.
    @Test func theCronLineMailsOnlyWhenNotOK() async throws {
        let (dir, db) = try await Self.store()
        defer { withExtendedLifetime(dir) {} }  // the store's directory lives until the end
        let bin = try MailTLSBinary.path()
        let base = "'\(bin)' check --db '\(db)' --since 2026-11-29 --until 2026-11-30"
        let quiet = try sh("out=$(\(base) --max-weak 1) || echo \"$out\"")
        #expect(quiet.status == 0 && quiet.output.isEmpty, "\(quiet)")
        let loud = try sh("out=$(\(base) --max-weak 0) || echo \"$out\"")
        #expect(loud.output.hasPrefix("MAILTLS CRITICAL - 1 weak session > 0 | "), "\(loud)")
    }

    @Test func reportDowngradesAndPolicyOptions() async throws {
        let (dir, db) = try await Self.store()
        // One earlier session: reported with --min-sessions 1, not with the default 3.
        let few = try await dir.run(["report", "downgrades", "--db", db, "--recent", "1d", "--format", "csv"])
        #expect(few.status == 0 && !few.stdout.contains("mx.c.example"), "\(few)")
        let d = try await dir.run(["report", "downgrades", "--db", db, "--recent", "1d", "--min-sessions", "1", "--format", "csv"])
        #expect(d.status == 0, "\(d)")
        #expect(d.stdout.contains("\r\nmx.c.example,client,verify,OK,FAIL,1,1,1.0,1,0,0.0,2026-11-28T10:02:00Z,2026-11-29T10:02:00Z\r\n"), "\(d)")
        let p = try await dir.run(["report", "policy", "--db", db, "--min", "1", "--until", "2026-11-29", "--format", "csv"])
        #expect(p.status == 0, "\(p)")
        #expect(p.stdout.contains("\r\nenforce,mx.c.example,1,OK 1,256,1,0,0,2026-11-28T10:02:01Z,TLS_Srv:mx.c.example VERIFY:128,mx.c.example verify\r\n"), "\(p)")
        // --min-sessions, the name downgrades and check use, is the same option.
        let same = try await dir.run(["report", "policy", "--db", db, "--min-sessions", "1", "--until", "2026-11-29", "--format", "csv"])
        #expect(same.status == 0 && same.stdout == p.stdout, "\(same)")
        let table = try await dir.run(["report", "downgrades", "--db", db, "--format", "table"])
        #expect(table.stdout.hasPrefix("STARTTLS downgrades\n(recent 7d, at least 3 earlier, loopback peers excluded)\n"), "\(table)")
        for (args, message) in [(["report", "downgrades", "--recent", "7x"], "cannot read the length '7x' of --recent"),
                                (["report", "downgrades", "--recent", "0d"], "--recent"),
                                (["report", "verify", "--recent", "7d"], "Unknown option '--recent'"),
                                (["report", "policy", "--min", "0"], "--min-sessions must be at least 1"),
                                (["report", "downgrades", "--min", "2"], "Unknown option '--min'")] {
            let r = try await dir.run(args + ["--db", db])
            #expect(r.status == 2 && r.stderr.contains(message), "\(args): \(r)")
        }
    }
}
