import Foundation
import MailTLSReports
import MailTLSStore
import Testing

@Suite struct RenderingTests {
    @Test(arguments: [
        (0.6667, "66.7%"), (1.0, "100.0%"), (0.0, "0.0%"), (0.9996, ">99.9%"), (0.0004, "<0.1%"), (0.5, "50.0%"),
        (0.99949, "99.9%"), (0.12345, "12.3%"),
    ])
    func percentagesNeverRoundToAllOrNothing(fraction: Double, text: String) {
        #expect(TableRenderer.percent(fraction) == text)
    }

    @Test func tablesAlignAndSplitHeaders() {
        let t = ResultTable(columns: ["peer", "inbound_rate", "sessions"],
                            rows: [[.text("a.example"), .real(0.5), .integer(12)], [.text("bb.example"), .null, .integer(3)]])
        #expect(TableRenderer().render(t) == """
                        inbound
            peer           rate  sessions
            ----------  -------  --------
            a.example     50.0%        12
            bb.example        -         3

            """)
        #expect(TableRenderer().render(ResultTable(columns: ["a"], rows: [])) == "(no data)\n")
    }

    /// The note under a heading wraps at spaces to the width, continuation lines indented; whole
    /// without a width.
    @Test func theNoteUnderAHeadingWraps() {
        let note = "since 2026-11-01T00:00:00Z, until 2026-12-02T00:00:00Z, host mx*, loopback peers excluded"
        #expect(TableRenderer.noteLines(note, width: 40) ==
                "(since 2026-11-01T00:00:00Z, until\n  2026-12-02T00:00:00Z, host mx*,\n  loopback peers excluded)\n")
        #expect(TableRenderer.noteLines(note, width: nil) == "(" + note + ")\n")
    }

    @Test func terminalControlCharactersAreEscapedAndLongTextCutInTheMiddle() {
        let r = TableRenderer(width: 100)
        #expect(r.cell(.text("evil\u{1B}[2Jname"), column: "peer") == "evil\\x1b[2Jname")
        let long = String(repeating: "a", count: 60) + String(repeating: "z", count: 60)
        #expect(r.cell(.text(long), column: "peer") == String(repeating: "a", count: 50) + "…" + String(repeating: "z", count: 49))
        #expect(TableRenderer(width: nil).cell(.text(long), column: "peer") == long, "--wide shows it whole")
        // Never cut below 60 columns; on a wide terminal, up to its width.
        #expect(TableRenderer(width: 80).cell(.text(long), column: "peer").count == 80)
        #expect(TableRenderer(width: 40).cell(.text(long), column: "peer").count == 60)
        #expect(TableRenderer(width: 200).cell(.text(long), column: "peer") == long)
    }

    /// Fitted to a width, the widest text column gives way first, cut in the middle; numbers and
    /// timestamps stay whole; no line is wider than the width. Without a width nothing is cut.
    @Test func tablesFitTheWidthByCuttingLongNamesInTheMiddle() {
        let host = "mx-01.mail.protection.outlook.example.com"
        let t = ResultTable(columns: ["peer", "cipher", "sessions", "last_seen"],
                            rows: [[.text(host), .text("ECDHE-RSA-AES256-GCM-SHA384"), .integer(123_456), .text("2026-11-29T10:22:49Z")],
                                   [.text("a.example"), .text("TLS_AES_256_GCM_SHA384"), .integer(1), .null]])
        let fitted = TableRenderer(width: 70).render(t)
        let lines = fitted.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 70 }, "\(fitted)")
        #expect(!fitted.contains(host) && fitted.contains("…"), "\(fitted)")
        let row = lines.first { $0.hasPrefix("mx-01") }
        #expect(row?.contains("123456") == true && row?.contains("2026-11-29") == true, "\(fitted)")
        #expect(row?.contains("ample.com") == true, "the end of the name is kept: \(fitted)")
        #expect(fitted.contains("a.example"), "short names stay whole: \(fitted)")
        let whole = TableRenderer(width: nil).render(t)
        #expect(whole.contains(host) && whole.contains("2026-11-29T10:22:49Z") && !whole.contains("…"), "\(whole)")
        // More columns than fit side by side: a block of `column  value` lines per row, which fit too.
        let many = ResultTable(columns: (1...12).map { "column_\($0)" },
                               rows: [(1...12).map { .text(String(repeating: "v\($0)", count: 40)) }, (1...12).map { .integer($0) }])
        let blocks = TableRenderer(width: 100).render(many)
        #expect(blocks.split(separator: "\n").allSatisfy { $0.count <= 100 }, "\(blocks)")
        #expect(blocks.hasPrefix("column 1   v1v1") && blocks.contains("\n\ncolumn 1   1\n"), "\(blocks)")
    }

    @Test func jsonValuesRoundTripInOrder() throws {
        let text = #"{"b": 1, "a": [true, null, "x\"\u00e9\n"], "c": {"z": -0.5e-3, "y": {}}, "d": []}"#
        let v = try JSONValue(parsing: text)
        #expect(v.compactText == #"{"b": 1, "a": [true, null, "x\"é\n"], "c": {"z": -0.5e-3, "y": {}}, "d": []}"#)
        #expect(v["c"]?["z"]?.double == -0.0005)
        #expect(v["a"]?[2]?.string == "x\"é\n")
        #expect(v.prettyText == """
            {
              "b": 1,
              "a": [true, null, "x\\"é\\n"],
              "c": {
                "z": -0.5e-3,
                "y": {}
              },
              "d": []
            }
            """)
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "[1] x", "01x"] {
            #expect(throws: JSONParseError.self) { try JSONValue(parsing: bad) }
        }
    }

    @Test func jsonRowsEscapeControlCharacters() throws {
        let store = try TestStore(Log.clientTLS("10:00:00", 1, relay: "a.example.", verify: "FAIL")
            + line("10:00:00", 1, "STARTTLS=client, cert-subject=/CN=tab+09here, cert-issuer=/CN=x, verifymsg=bad"))
        var rows: [String] = []
        try store.reporter.export(.sessions, format: .jsonl) { rows.append($0) }
        #expect(rows.count == 1)
        #expect(rows[0].contains(#""cert_subject": "/CN=tab\there""#))
        #expect(rows[0].hasSuffix("}\n"))
        let parsed = try JSONValue(parsing: rows[0])
        #expect(parsed["peer"]?.string == "a.example")
        #expect(parsed["pid"]?.int == 1)
        #expect(parsed["dane_status"]?.isNull == true)
    }
}
