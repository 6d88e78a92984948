@testable import MailTLSParser
import Testing

/// The parser's cache of repeated field values: it may only ever return the value of the very same bytes.
@Suite struct ByteCacheTests {
    @Test func sameBytesGiveTheCachedValueOthersTheirOwn() {
        var cache = StringCache()
        var made = 0
        func value(_ s: String) -> String {
            ByteSpan.with(s) { span in cache.value(for: span) { made += 1; return $0.string } }
        }
        // 5000 distinct keys over 1024 slots: many share a slot and replace each other.
        let keys = (0..<5000).map { "ECDHE-RSA-AES\($0)-GCM-SHA384" } + ["", "a", "TLSv1.3", String(repeating: "x", count: 96)]
        for k in keys { #expect(value(k) == k) }
        let first = made
        #expect(first == keys.count)
        for k in keys.reversed() { #expect(value(k) == k) }
        #expect(made > first, "replaced slots are made again")
        // A key seen just now comes from the cache.
        let before = made
        #expect(value("TLSv1.3") == "TLSv1.3")
        #expect(value("TLSv1.3") == "TLSv1.3")
        #expect(made <= before + 1)
        // Keys longer than the cache holds are always made.
        let long = String(repeating: "y", count: 97)
        let m = made
        #expect(value(long) == long)
        #expect(value(long) == long)
        #expect(made == m + 2)
    }

    @Test func relaysAreCachedWholeAndStayCorrect() {
        var parser = SendmailParser()
        let a = "STARTTLS=client, relay=mx1.example.net., version=TLSv1.3, verify=OK, cipher=TLS_AES_256_GCM_SHA384, bits=256/256"
        let b = "STARTTLS=client, relay=mx2.example.net., version=TLSv1.2, verify=FAIL, cipher=ECDHE-RSA-AES128-GCM-SHA256, bits=128/128"
        for line in [a, b, a, b] {
            let r = ByteSpan.with(line) { parser.parse(message: $0) }
            guard case .event(_, .tlsSession(let s)) = r else { Issue.record("not a session: \(r)"); return }
            let expected = line == a ? ("mx1.example.net", "TLSv1.3", "OK") : ("mx2.example.net", "TLSv1.2", "FAIL")
            #expect(s.relay.peer == expected.0)
            #expect(s.version == expected.1)
            #expect(s.verify == expected.2)
        }
    }
}
