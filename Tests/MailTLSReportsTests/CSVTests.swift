import MailTLSReports
import MailTLSStore
import Testing

@Suite struct CSVTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("", ""),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("Müller ✓", "Müller ✓"),
    ])
    func quotingFollowsRFC4180(input: String, expected: String) {
        #expect(CSV.field(input) == expected)
    }

    @Test(arguments: [
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "\"'\rCR\""),
        ("=1,2", "\"'=1,2\""),
        // Plain numbers are left alone: a spreadsheet reads them as numbers, not formulas.
        ("-5", "-5"),
        ("+1.5", "+1.5"),
        ("-0.25e-3", "-0.25e-3"),
        // Only the first character matters.
        ("a=b", "a=b"),
        ("mail@example.org", "mail@example.org"),
        ("- 5", "'- 5"),
        ("-", "'-"),
        ("-.", "'-."),
        ("+1e", "'+1e"),
    ])
    func formulasAreMadeInert(input: String, expected: String) {
        #expect(CSV.field(input) == expected)
    }

    @Test func valuesAndRecords() {
        #expect(CSV.field(SQLValue.null) == "")
        #expect(CSV.field(SQLValue.integer(-3)) == "-3")
        #expect(CSV.field(SQLValue.real(0.6667)) == "0.6667")
        #expect(CSV.field(SQLValue.text("=x")) == "'=x")
        #expect(CSV.record(["a", "b"]) == "a,b\r\n")
    }

    /// A hostile peer name and certificate subject go through a report and an export inert.
    @Test func remoteTextIsSafeInReportsAndExports() throws {
        let store = try TestStore(
            Log.clientTLS("10:00:00", 1, relay: "=cmd|calc.example.", verify: "FAIL")
            + line("10:00:00", 1, "STARTTLS=client, cert-subject=+2Bevil+2C+22x+22, cert-issuer=@issuer, verifymsg=self signed certificate")
        )
        let peers = try store.render("peers", .csv)
        #expect(peers.contains("\r\n'=cmd|calc.example,1,client,"))
        var export = ""
        try store.reporter.export(.sessions, format: .csv) { export += $0 }
        #expect(export.contains(",\"'+evil,\"\"x\"\"\",'@issuer,self signed certificate,"))
        #expect(export.hasPrefix("id,ts,host,mta,pid,role,peer,"))
        #expect(export.hasSuffix("\r\n"))
    }
}
