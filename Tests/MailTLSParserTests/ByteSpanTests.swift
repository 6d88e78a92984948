import Testing
@testable import MailTLSParser

/// `ByteSpan.with` reads a String's UTF-8 bytes in place, whatever the string's representation.
@Suite struct ByteSpanTests {
    @Test("with(String): the exact UTF-8 bytes of empty, small, large, non-ASCII and NUL-containing strings",
          arguments: ["", "esmtp", "ECDHE-RSA-AES256-GCM-SHA384", "mx.exämple.org [192.0.2.1]", "a\u{0}b", String(repeating: "x", count: 5000)])
    func withString(_ s: String) {
        let bytes = ByteSpan.with(s) { span in (0..<span.count).map { span[$0] } }
        #expect(bytes == Array(s.utf8))
    }

    @Test("with(String) on a substring-made string and on a string being mutated elsewhere")
    func withDerivedStrings() {
        var s = String("relay=mail.example.org. [198.51.100.7]".dropFirst(6))
        let before = ByteSpan.with(s) { $0.count }
        s += ", more"
        #expect(before == "mail.example.org. [198.51.100.7]".utf8.count)
        #expect(ByteSpan.with(s) { span in (0..<span.count).map { span[$0] } } == Array(s.utf8))
    }

    @Test("displayString: control characters escaped, invalid UTF-8 replaced, cut at a character boundary")
    func displayString() {
        let bytes: [UInt8] = Array("a\tb".utf8) + [0x1B] + Array("[31mred".utf8) + [0x00, 0x7F, 0xC2, 0x9B, 0xFF]
            + Array("é".utf8)
        let shown = bytes.withUnsafeBufferPointer { ByteSpan($0).displayString(maxBytes: 200) }
        #expect(shown == "a\tb\\x1b[31mred\\x00\\x7f\\x9b\u{FFFD}é")
        let cut = bytes.withUnsafeBufferPointer { ByteSpan($0).displayString(maxBytes: bytes.count - 1) }
        #expect(cut == "a\tb\\x1b[31mred\\x00\\x7f\\x9b\u{FFFD}")
        #expect("plain text".utf8.withContiguousStorageIfAvailable { ByteSpan($0).displayString(maxBytes: 5) } == "plain")
    }
}
