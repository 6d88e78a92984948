import Foundation
import Testing

/// `--timezone` moves days, weeks and months. SQLite's `localtime` reads the process's `TZ`, so this
/// runs the CLI, which sets its own `TZ` from the option: the test process's zone, which other tests
/// running in parallel rely on, is never changed.
@Suite struct TimeZoneTests {
    /// Monday 2026-03-02, Tuesday 03-03, then Monday 03-09 late in the evening (UTC), which is already
    /// 03-10 in Berlin.
    static let log = """
        Mar  2 10:00:00 mx1 sm-mta[1]: STARTTLS=server, relay=a.example.com [192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256
        Mar  3 08:00:00 mx1 sm-mta[3]: STARTTLS=server, relay=b.example.org [192.0.2.2], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256
        Mar  9 23:30:00 mx1 sm-mta[5]: STARTTLS=server, relay=c.example.net [192.0.2.3], version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256

        """

    @Test func daysFollowTheTimezoneOption() async throws {
        let dir = try Scratch()
        let db = dir.path("t.db")
        let r = try await dir.run(ingestArgs(db, [try dir.write("maillog", Self.log)], ["--quiet"]))
        #expect(r.status == 0, "\(r)")
        func dates(_ args: [String]) async throws -> [String] {
            let out = try await dir.run(["report"] + args + ["--db", db, "--format", "csv"])
            #expect(out.status == 0, "\(out)")
            return out.stdout.split(separator: "\r\n").dropFirst().map { String($0.prefix(while: { $0 != "," })) }
        }
        #expect(try await dates(["daily"]) == ["2026-03-02", "2026-03-03", "2026-03-09"])
        #expect(try await dates(["daily", "--timezone", "Europe/Berlin"]) == ["2026-03-02", "2026-03-03", "2026-03-10"])
        #expect(try await dates(["daily", "--timezone", "America/New_York"]) == ["2026-03-02", "2026-03-03", "2026-03-09"])
        // Dates given without a zone are read in it too: Berlin's 03-10 starts at 03-09 23:00 UTC.
        #expect(try await dates(["daily", "--timezone", "Europe/Berlin", "--since", "2026-03-10"]) == ["2026-03-10"])
        #expect(try await dates(["daily", "--since", "2026-03-10"]) == [])
    }
}
