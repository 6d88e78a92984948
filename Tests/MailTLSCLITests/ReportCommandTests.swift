import Foundation
import Testing

/// The command tree of `mailtls report` and `export` as users type it: sections are subcommands
/// (summary the default), closed sets of values are checked and listed, the completions offer them,
/// and bad values are usage errors (exit 2) that say what to type instead.
@Suite struct ReportCommandTests {
    /// A store with the check suite's log (Nov 28-29, 2026).
    static func store() async throws -> (Scratch, String) { try await CheckTests.store() }

    @Test func summaryIsTheDefaultSectionAndSectionsAreSubcommands() async throws {
        let (dir, db) = try await Self.store()
        let plain = try await dir.run(["report", "--db", db, "--format", "json"])
        let named = try await dir.run(["report", "summary", "--db", db, "--format", "json"])
        #expect(plain.status == 0 && named.status == 0, "\(plain) \(named)")
        #expect(plain.stdout == named.stdout && plain.stdout.contains("\"inbound\""), "\(plain)")

        let rates = try await dir.run(["report", "rates", "--db", db, "--by", "day", "--format", "csv"])
        #expect(rates.status == 0, "\(rates)")
        #expect(rates.stdout.hasPrefix("bucket,"), "\(rates)")
        #expect(rates.stdout.contains("2026-11-29,"), "\(rates)")
    }

    /// Off a terminal (a pipe, a cron mail) `report` prints tables in 100 columns, long names cut in
    /// the middle; JSON and CSV only with `--format`; `--wide` shows names whole.
    @Test func aPipeGetsTablesThatFitAndWideShowsNamesWhole() async throws {
        let dir = try Scratch()
        let host = "mx-" + String(repeating: "very-long-label-", count: 6) + "end.example"
        let log = try dir.write("maillog", """
            Nov 29 10:00:00 mx1 sm-mta[100]: STARTTLS=server, relay=\(host) [192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256
            Nov 29 10:00:01 mx1 sm-mta[100]: 4AT00000000100: from=<a@a.example>, size=100, class=0, nrcpts=1, msgid=<1@a.example>, proto=ESMTPS, daemon=MTA, relay=\(host) [192.0.2.1]

            """)
        let db = dir.path("t.db")
        #expect(try await dir.run(ingestArgs(db, [log], ["--quiet"])).status == 0)
        let summary = try await dir.run(["report", "--db", db])
        #expect(summary.status == 0 && summary.stdout.hasPrefix("TLS summary\n"), "\(summary)")
        let peers = try await dir.run(["report", "peers", "--db", db])
        #expect(peers.status == 0 && peers.stdout.hasPrefix("Peers\n"), "\(peers)")
        #expect(peers.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 }, "\(peers)")
        #expect(peers.stdout.contains("…") && peers.stdout.contains("mx-very") && !peers.stdout.contains(host), "\(peers)")
        let wide = try await dir.run(["report", "peers", "--db", db, "--wide"])
        #expect(wide.status == 0 && wide.stdout.contains(host), "\(wide)")
        let json = try await dir.run(["report", "peers", "--db", db, "--format", "json"])
        #expect(json.stdout.hasPrefix("[\n") && json.stdout.contains(host), "\(json)")
    }

    /// `report digest` is text for the cron mail: the period against the 7 before, in 40 x 100.
    @Test func digestFitsACronMail() async throws {
        let (dir, db) = try await Self.store()
        let r = try await dir.run(["report", "digest", "--db", db, "--since", "2026-11-29", "--until", "2026-11-30"])
        #expect(r.status == 0 && r.stdout.hasPrefix("mailtls digest: 2026-11-29T00:00:00Z to 2026-11-30T00:00:00Z (1d)\n"), "\(r)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count <= 40 && lines.allSatisfy { $0.count <= 100 }, "\(r)")
        #expect(r.stdout.contains("password sent in clear") && r.stdout.contains("bob from b.example"), "\(r)")
        let json = try await dir.run(["report", "digest", "--db", db, "--format", "json"])
        #expect(json.status == 2 && json.stderr.contains("digest prints text only"), "\(json)")
    }

    /// `--format html --out FILE` writes the page to the file, nothing to standard output; a file
    /// that cannot be written is named.
    @Test func htmlGoesToTheOutFile() async throws {
        let (dir, db) = try await Self.store()
        let out = dir.path("report.html")
        let r = try await dir.run(["report", "--db", db, "--format", "html", "--out", out])
        #expect(r.status == 0 && r.stdout.isEmpty, "\(r)")
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<svg") && page.contains("<h1>TLS summary</h1>"), "\(page.prefix(300))")
        let bad = try await dir.run(["report", "--db", db, "--format", "html", "--out", dir.path("no/such/dir/r.html")])
        #expect(bad.status == 1 && bad.stderr.contains("cannot write the report to \(dir.path("no/such/dir/r.html"))"), "\(bad)")
    }

    /// `rates --by hour` counts by the hour of the day, in UTC or in --timezone (Kolkata is +05:30:
    /// the 10:00-10:02 UTC traffic of the log is at 15:30-15:32 there).
    @Test func ratesByHourFollowTheTimeZone() async throws {
        let (dir, db) = try await Self.store()
        let utc = try await dir.run(["report", "rates", "--db", db, "--by", "hour", "--format", "csv"])
        #expect(utc.status == 0 && utc.stdout.components(separatedBy: "\r\n").dropFirst().first?.hasPrefix("10,2,1,0.5,2,2,1") == true, "\(utc)")
        let india = try await dir.run(["report", "rates", "--db", db, "--by", "hour", "--format", "csv", "--timezone", "Asia/Kolkata"])
        #expect(india.status == 0 && india.stdout.components(separatedBy: "\r\n").dropFirst().first?.hasPrefix("15,2,1,0.5,2,2,1") == true, "\(india)")
        // The table's heading says which zone its hours are in.
        let table = try await dir.run(["report", "rates", "--db", db, "--by", "hour", "--timezone", "Asia/Kolkata"])
        #expect(table.stdout.hasPrefix("Encryption rates by hour\n(days in Asia/Kolkata, loopback peers excluded)\n"), "\(table)")
        let plain = try await dir.run(["report", "rates", "--db", db, "--by", "hour"])
        #expect(!plain.stdout.contains("days in"), "\(plain)")
    }

    /// Given log files, the default section reads them first (here into a temporary store).
    @Test func theDefaultSectionReadsGivenFiles() async throws {
        let dir = try Scratch()
        let log = try dir.write("maillog", CheckTests.log)
        let r = try await dir.run(["report", "--no-store", "--year", "2026", "--format", "json", "--quiet", log])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("\"inbound\""), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("mailtls.db")), "--no-store leaves no store")
    }

    /// A one-off report reads its files to the end of all input: a Postfix connection still open at
    /// the last line (its message is held until the connection ends) and a handshake failure on the
    /// last line (held for its reason line) are over, and counted. Read into a store, they wait for
    /// the next run instead (docs/postfix.md, Limits).
    @Test func aOneOffReportCountsWhatTheLastLinesLeaveOpen() async throws {
        let dir = try Scratch()
        let log = try dir.write("maillog", """
            Nov  3 11:00:00 mx1 postfix/smtpd[3001]: connect from mail.example.org[192.0.2.10]
            Nov  3 11:00:01 mx1 postfix/smtpd[3001]: Anonymous TLS connection established from mail.example.org[192.0.2.10]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)
            Nov  3 11:00:02 mx1 postfix/smtpd[3001]: 4Xy1Bc2Def: client=mail.example.org[192.0.2.10]
            Nov  3 11:02:01 mx1 postfix/smtpd[3016]: SSL_accept error from b1.example.org[192.0.2.120]: lost connection

            """)
        func figures(_ r: CLIResult) -> String {
            let doc = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any]
            let inbound = doc?["inbound"] as? [String: Any]
            return "\(inbound?["messages"] ?? "-")/\(inbound?["encrypted"] ?? "-")/\(doc?["handshake_failures"] ?? "-")"
        }
        let once = try await dir.run(["report", "--no-store", "--year", "2026", "--format", "json", "--quiet", log])
        #expect(once.status == 0, "\(once)")
        #expect(figures(once) == "1/1/1", "\(once)")
        let kept = try await dir.run(["report", "--db", dir.path("kept.db"), "--year", "2026", "--format", "json", "--quiet", log])
        #expect(kept.status == 0, "\(kept)")
        #expect(figures(kept) == "0/0/0", "\(kept)")
    }

    /// `--version` is mailtls's version; the TLS-version filter of `peers` is `--tls-version`.
    @Test func versionIsTheProgramsAndTheFilterIsTLSVersion() async throws {
        let (dir, db) = try await Self.store()
        let v = try await dir.run(["--version"])
        #expect(v.status == 0 && v.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(v)")
        let old = try await dir.run(["report", "peers", "--db", db, "--tls-version", "TLSv1", "--format", "csv"])
        #expect(old.status == 0, "\(old)")
        let rows = old.stdout.split(separator: "\r\n").dropFirst()
        #expect(rows.count == 1 && rows.first?.hasPrefix("a.example,") == true, "only the TLSv1 peer: \(old)")
    }

    /// Each closed set is checked by the parser, which lists the values it takes; exit 2 (check: 3).
    @Test(arguments: [
        (["report", "--format", "yaml"], "Please provide one of 'table', 'csv', 'json' or 'html'"),
        (["report", "rates", "--by", "year"], "Please provide one of the following:\n  - day\n  - week\n  - month\n  - host\n  - peer\n  - hour\n  - domain"),
        (["report", "--role", "both"], "The value 'both' is invalid for '--role <role>'"),
        (["export", "sessionz"], "Please provide one of 'sessions', 'messages', 'deliveries', 'auth' or 'failures'"),
        (["export", "sessions", "--format", "xml"], "Please provide one of 'csv' and 'jsonl'"),
        (["report", "verify", "--by", "day"], "Unknown option '--by'"),
        (["report", "sumary"], "no such log file 'sumary' (report sections: summary, rates, "),
        (["report", "--mta", "qmail"], "Please provide one of 'sendmail', 'postfix' or 'exim'"),
        (["export", "sessions", "--mta", "qmail"], "Please provide one of 'sendmail', 'postfix' or 'exim'"),
        (["check", "--mta", "qmail"], "Please provide one of 'sendmail', 'postfix' or 'exim'"),
    ])
    func closedSetsAreUsageErrors(args: [String], message: String) async throws {
        let (dir, db) = try await Self.store()
        let r = try await dir.run(args + ["--db", db])
        let check = args[0] == "check"   // a monitoring plugin: UNKNOWN, said on its status line
        #expect(r.status == (check ? 3 : 2) && !r.signaled, "\(r)")
        #expect(r.stderr.contains(message), "\(r)")
        #expect(check ? r.stdout.hasPrefix("MAILTLS UNKNOWN - usage: ") : r.stdout.isEmpty, "\(r)")
    }

    /// `--mta` on report sections, export and check: the store of the check suite is sendmail's, so
    /// `--mta sendmail` (any case) changes nothing and `--mta postfix` leaves nothing.
    @Test func mtaFilterOnReportExportAndCheck() async throws {
        let (dir, db) = try await Self.store()
        let all = try await dir.run(["report", "rates", "--db", db, "--format", "csv"])
        let sendmail = try await dir.run(["report", "rates", "--db", db, "--format", "csv", "--mta", "Sendmail"])
        let postfix = try await dir.run(["report", "rates", "--db", db, "--format", "csv", "--mta", "postfix"])
        #expect(all.status == 0 && sendmail.status == 0 && postfix.status == 0, "\(all) \(sendmail) \(postfix)")
        #expect(all.stdout == sendmail.stdout && all.stdout.contains("all,"), "\(all) \(sendmail)")
        // The header record alone.
        #expect(postfix.stdout.hasPrefix("bucket,inbound_messages,") && postfix.stdout.split(whereSeparator: \.isNewline).count == 1,
                "\(postfix)")
        let export = try await dir.run(["export", "sessions", "--db", db, "--mta", "postfix"])
        #expect(export.status == 0 && export.stdout.split(whereSeparator: \.isNewline).count == 1, "\(export)")
        let table = try await dir.run(["report", "--db", db, "--mta", "exim"])
        #expect(table.status == 0 && table.stdout.contains("mta exim"), "\(table)")
        let check = try await dir.run(["check", "--db", db, "--since", "2026-11-28", "--until", "2026-11-30", "--mta", "postfix",
                                        "--max-weak", "0"])
        #expect(check.status == 0 && check.stdout.contains("mta postfix") && check.stdout.contains("0 weak sessions"), "\(check)")
    }

    /// A role's synonyms (inbound/outbound) read as the role.
    @Test func roleSynonyms() async throws {
        let (dir, db) = try await Self.store()
        let a = try await dir.run(["report", "versions", "--db", db, "--role", "inbound", "--format", "csv"])
        let b = try await dir.run(["report", "versions", "--db", db, "--role", "server", "--format", "csv"])
        #expect(a.status == 0 && a.stdout == b.stdout && a.stdout.contains("server,"), "\(a) \(b)")
        #expect(!a.stdout.contains("client,"), "\(a)")
    }

    /// A section name after an option lands among the default section's files: the message says to
    /// name the section first, and nothing is read or created.
    @Test func aSectionAfterOptionsIsExplained() async throws {
        let (dir, db) = try await Self.store()
        let r = try await dir.run(["report", "--db", db, "rates"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("'rates' is a report section, not a file: name the section first"), "\(r)")
    }

    /// Usage errors of the time options: a year that is not 4 digits, a period that ends before it
    /// starts. Exit 2 (check: 3), no store created.
    @Test(arguments: [
        (["report", "--year", "26", "x.log"], "--year takes a 4-digit year such as 2026, not 26"),
        (["ingest", "--year", "202", "x.log"], "--year takes a 4-digit year such as 2026, not 202"),
        (["report", "--since", "2026-11-30", "--until", "2026-11-29"], "must be before --until"),
        (["report", "rates", "--since", "2026-12-01T10:00", "--until", "2026-12-01T09:00"], "must be before --until"),
        (["export", "sessions", "--since", "2026-11-30", "--until", "2026-11-30"], "must be before --until"),
        (["check", "--since", "2026-11-30", "--until", "2026-11-29"], "must be before --until"),
    ])
    func timeUsageErrors(args: [String], message: String) async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let r = try await dir.run(args + ["--db", db])
        #expect(r.status == (args[0] == "check" ? 3 : 2) && !r.signaled, "\(r)")   // check: UNKNOWN
        #expect(r.stderr.contains(message), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: db), "no store created on a usage error")
    }

    /// The shell completions offer the sections, formats, groupings, roles and export tables.
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionsOfferSectionsAndValues(shell: String) async throws {
        let dir = try Scratch()
        let r = try await dir.run(["--generate-completion-script", shell])
        #expect(r.status == 0, "\(r)")
        for word in ["verify-failures", "downgrades", "jsonl", "deliveries", "tls-version", "week"] {
            #expect(r.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
    }
}
