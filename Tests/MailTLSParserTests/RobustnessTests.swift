import Testing
@testable import MailTLSParser

/// Damaged input must never crash and should give a sensible outcome (log-formats.md §5 last point).
@Suite("Robustness")
struct RobustnessTests {
    static func parse(bytes: [UInt8]) -> LineOutcome {
        var p = LineParser(resolver: TimestampResolver(year: 2026, timeZone: utcZone))
        return bytes.withUnsafeBufferPointer { p.parse(ByteSpan($0), origin: LineOrigin(source: 1, offset: 0)) }
    }

    @Test("non-UTF-8 bytes in the relay name become U+FFFD, the rest parses")
    func nonUTF8() throws {
        var bytes = Array("Mar  4 10:00:00 mx1 sm-mta[1]: STARTTLS=server, relay=caf".utf8)
        bytes += [0xE9, 0xFF, 0xC3]   // Latin-1 é, an invalid byte, a truncated sequence
        bytes += Array(".example [192.0.2.1], version=TLSv1.2, verify=NO, cipher=AES128-SHA, bits=128/128".utf8)
        let r = try #require(Self.parse(bytes: bytes).record)
        let s = try #require(r.event.asSession)
        #expect(s.relay.ip == "192.0.2.1")
        #expect(s.relay.name?.hasPrefix("caf") == true)
        #expect(s.relay.name?.contains("\u{FFFD}") == true)
        #expect(s.cipherBits == 128)
    }

    @Test("non-UTF-8 bytes in the host field")
    func nonUTF8Host() throws {
        var bytes = Array("Mar  4 10:00:00 mx".utf8) + [0xFE]
        bytes += Array(" sm-mta[1]: STARTTLS=server, relay=[192.0.2.1], version=TLSv1.2, verify=NO, cipher=AES128-SHA, bits=128/128".utf8)
        let r = try #require(Self.parse(bytes: bytes).record)
        #expect(r.host == "mx\u{FFFD}")
    }

    @Test("NUL bytes inside a line")
    func nulBytes() throws {
        let line = "Mar  4 10:00:00 mx1 sm-mta[1]: STARTTLS=server, relay=bad\u{0}host [192.0.2.1], version=TLSv1.2, verify=NO, cipher=AES128-SHA, bits=128/128"
        let r = try #require(parseLine(line).record)
        let s = try #require(r.event.asSession)
        #expect(s.relay.ip == "192.0.2.1")
        #expect(s.relay.name == "bad\u{0}host")
        #expect(s.version == "TLSv1.2")
        // A line that is only NULs is not a log line.
        #expect(parseLine(String(repeating: "\u{0}", count: 16)).isMalformed)
    }

    @Test("CR LF line endings do not leak into the last field")
    func crlf() throws {
        let r = try #require(parseLine("Mar  4 10:00:00 mx1 sm-mta[1]: STARTTLS=server, relay=[192.0.2.1], version=TLSv1.2, verify=NO, cipher=AES128-SHA, bits=128/128\r\n").record)
        #expect(r.event.asSession?.cipherBits == 128)
        let d = try #require(parseLine("Mar  4 10:00:00 mx1 sm-mta[1]: u24A00aa000001: to=<a@example.org>, delay=00:00:00, mailer=esmtp, pri=1, relay=mx.example.org. [192.0.2.1], dsn=2.0.0, stat=Sent (ok)\r\n").record?.event.asDelivery)
        #expect(d.statusText == "Sent (ok)")
    }

    @Test("a 1 MiB to= line parses in linear time")
    func hugeRecipientList() throws {
        let rcpt = "<user@example.org>,"
        let n = (1 << 20) / rcpt.utf8.count
        let list = String(repeating: rcpt, count: n) + "<last@example.org>"
        let line = "Mar  4 10:00:00 mx1 sm-mta[1]: u24A00aa000001: to=\(list), delay=00:00:00, mailer=esmtp, pri=1, relay=mx.example.org. [192.0.2.1], dsn=2.0.0, stat=Sent (ok)"
        #expect(line.utf8.count > 1 << 20)
        let d = try #require(parseLine(line).record?.event.asDelivery)
        #expect(d.recipientCount == n + 1)
        #expect(d.relay?.ip == "192.0.2.1")
        #expect(d.status == .sent)
    }

    @Test("a 1 MiB line of junk is malformed, not a crash", arguments: [
        String(repeating: "x", count: 1 << 20),
        String(repeating: ", ", count: 1 << 19),
        "Mar  4 10:00:00 mx1 sm-mta[1]: " + String(repeating: "a=", count: 1 << 19),
        "Mar  4 10:00:00 mx1 sm-mta[1]: STARTTLS=server, relay=" + String(repeating: "[", count: 1 << 20),
    ])
    func hugeJunk(_ line: String) {
        let out = parseLine(line)
        #expect(out.record == nil)
    }

    @Test("a 1 MiB stat= text is cut to the text limit and counted; the delivery is kept")
    func hugeStat() throws {
        let text = String(repeating: "z, y=", count: (1 << 20) / 5)
        var p = LineParser(resolver: TimestampResolver(year: 2026, timeZone: utcZone))
        let line = "Mar  4 10:00:00 mx1 sm-mta[1]: u24A00aa000001: to=<a@example.org>, delay=00:00:00, mailer=esmtp, pri=1, dsn=5.0.0, stat=\(text)"
        let out = ByteSpan.with(line) { p.parse($0, origin: LineOrigin(source: 1, offset: 0)) }
        let d = try #require(out.record?.event.asDelivery)
        #expect(d.statusText == String(text.prefix(FieldLimits.text)))
        #expect(d.status == .bounced)
        #expect(p.truncatedFields == 1)
    }

    @Test("empty and truncated inputs", arguments: [
        "",
        "M",
        "Mar",
        "Mar  4",
        "Mar  4 10:00:00",
        "<13>",
        "<34>1",
        "sendmail[",
        "sendmail[1]:",
        "Mar  4 10:00:00 mx1 sm-mta[1]: ",
        "Mar  4 10:00:00 mx1 sm-mta[1]: STARTTLS=",
        "Mar  4 10:00:00 mx1 sm-mta[1]: AUTH failure (",
        "Mar  4 10:00:00 mx1 sm-mta[1]: u24A00aa000001: to=",
        "Mar  4 10:00:00 mx1 sm-mta[1]: u24A00aa000001: from=<a@example.org>, siz",
        "Mar  4 10:00:00 mx1 sm-mta[1]: STARTTLS=server, relay=client.example.net [192.0.2.1], version=TLSv1.2, verify=NO, ciph",
        "date=2024-03-01 time=18:33 msg=\"",
    ])
    func truncated(_ line: String) {
        // Must not crash, and nothing here is a complete fact.
        #expect(parseLine(line).record == nil)
    }

    @Test("empty spans are safe for the byte helpers")
    func emptySpan() {
        let empty = [UInt8]()
        empty.withUnsafeBufferPointer { buf in
            let s = ByteSpan(buf)
            #expect(s.isEmpty)
            #expect(s.string == "")
            #expect(s.trimmed.count == 0)
            #expect(s.decimal == nil)
            #expect(s.firstIndex(of: UInt8(ascii: "a")) == nil)
            #expect(s.lastIndex(of: UInt8(ascii: "a")) == nil)
            #expect(EnvelopeParser.parse(s) == nil)
            var parser = SendmailParser()
            #expect(parser.parse(message: s) == .skipped)
        }
    }
}
