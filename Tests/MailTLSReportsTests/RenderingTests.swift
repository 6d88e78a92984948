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

    @Test func terminalControlCharactersAreEscapedAndLongTextCut() {
        let r = TableRenderer()
        #expect(r.cell(.text("evil\u{1B}[2Jname"), column: "peer") == "evil\\x1b[2Jname")
        #expect(r.cell(.text(String(repeating: "x", count: 100)), column: "peer").count == 60)
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
