import Foundation
@testable import MailTLSStore
import MailTLSParser
import Testing

/// `stat=` is stored as a shared template plus the unique part; the view gives back exactly what was logged.
@Suite struct TextTemplateTests {
    static let stats = [
        "Sent (Ok: queued as 4CDF19C24068)",
        "Sent (OK  1793600378 9c808ef5c24e.463 - gsmtp)",
        "Sent (<1f1008f5defaa481@mx1.example.org> [InternalId=47662602879, Hostname=AM1PR02MB9303.eurprd03.prod.outlook.com] Queued mail for delivery)",
        "Sent (2.0.0 Ok: queued)",
        "Sent",
        "Deferred: Connection timed out with mx.example.net.",
        "4.4.1",
        "",
        " leading and trailing 42 ",
        "has \u{1} the marker 7",
        "Sent (Ok: queued as 4CDF19C24069)",
        "ünïcödé 12 ✓",
        "250 2.0.0 Ok: queued as 000K1gLG",
        "250 2.0.0 Ok: queued as 000K1gLH",
        "250 2.0.0 Ok",
        "250 2.0.0",
        "250-",
    ]

    @Test func tokenIsTheSpanOfWordsWithDigits() {
        func token(_ s: String) -> String? {
            ByteSpan.with(s) { span in TextTemplate.tokenRange(span).map { String(decoding: UnsafeBufferPointer(start: span.base + $0.lowerBound, count: $0.count), as: UTF8.self) } }
        }
        #expect(token("Sent (Ok: queued as 4CDF19C24068)") == "4CDF19C24068)")
        #expect(token("Sent (OK  1793600378 9c808ef5c24e.463 - gsmtp)") == "1793600378 9c808ef5c24e.463")
        #expect(token("Sent") == nil)
        #expect(token("has \u{1} the marker 7") == nil)
        // A leading reply code and enhanced status code stay in the template.
        #expect(token("250 2.0.0 Ok: queued as 000K1gLG") == "000K1gLG")
        #expect(token("250 OK id=1v4c03-000CBD3D-19Qa") == "id=1v4c03-000CBD3D-19Qa")
        #expect(token("250-2.1.5 Ok 4x") == "4x")
        #expect(token("250 2.0.0 Ok") == nil)
        #expect(token("250 2.0.0") == "2.0.0")   // no space after it: not a status code before a reply
        #expect(token("250 2.0 Ok 7") == "2.0 Ok 7")   // two parts: not a status code
        #expect(token("2500 queued 9") == "2500 queued 9")
        #expect(token("451 4.7.0 TLS required 12") == "12")
        #expect(token("Ok id=1v4c03-000CBD3D-19Qa") == "id=1v4c03-000CBD3D-19Qa")
        #expect(token("x9") == "x9")
        #expect(token("queued as 9 ") == "9")
        #expect(token("a b1c d") == "b1c")
    }

    @Test func viewGivesBackWhatWasLogged() throws {
        let (_, path) = try StoreTests.tempPath()
        let store = try Store(path: path)
        try store.database.execute("INSERT INTO sources(id, path) VALUES (1, 'x')")
        let writer = try StoreWriter(store: store)
        try writer.begin()
        for (i, stat) in Self.stats.enumerated() {
            let d = Delivery(recipients: "<a@example.org>", recipientCount: 1, continued: false, mailer: "esmtp", relay: nil,
                             dsn: "2.0.0", status: .sent, statusText: stat, delay: nil, xdelay: nil)
            try writer.write(LogRecord(time: 1_790_000_000 + Int64(i), host: "out1", pid: 7, queueID: "q\(i)",
                                       origin: StoreWriterTests.origin, event: .delivery(d), id: Int64(i + 1)))
        }
        try writer.commit()
        let s = try store.database.prepare("SELECT stat FROM deliveries ORDER BY id")
        var back: [String] = []
        while try s.step() { back.append(s.string(0) ?? "∅") }
        #expect(back == Self.stats)
        // The two "queued as" replies share one template.
        #expect(try store.database.scalarInt("SELECT count(DISTINCT stat) FROM delivery_rows WHERE stat_token LIKE '4CDF19C2406_)'") == 1)
        #expect(try store.database.scalarInt("SELECT count(DISTINCT stat) FROM delivery_rows WHERE stat_token LIKE '000K1gL_'") == 1)
    }
}
