import Testing
@testable import MailTLSParser

/// log-formats.md §2.4 (relay shapes) and §5 (host normalisation, loopback).
@Suite("Relay")
struct RelayTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var name: String?
        var ip: String?
        var peer: String?
        var forged = false
        var user: String? = nil
        var loopback = false
        var testDescription: String { "relay=\(input)" }
    }

    static let cases: [Case] = [
        Case(input: "mail.example.org [192.0.2.10]", name: "mail.example.org", ip: "192.0.2.10", peer: "mail.example.org"),
        Case(input: "Mail.Example.ORG [192.0.2.10]", name: "Mail.Example.ORG", ip: "192.0.2.10", peer: "mail.example.org"),
        Case(input: "[184.21.104.253]", name: nil, ip: "184.21.104.253", peer: "184.21.104.253"),
        Case(input: "[IPv6:2001:db8::1]", name: nil, ip: "2001:db8::1", peer: "2001:db8::1"),
        Case(input: "gmail-smtp-in.l.google.com [IPv6:2A00:1450:400C:C08:0:0:0:1B]", name: "gmail-smtp-in.l.google.com",
             ip: "2a00:1450:400c:c08:0:0:0:1b", peer: "gmail-smtp-in.l.google.com"),
        Case(input: "173-228-127-4.dsl.dynamic.sonic.net [173.228.127.4] (may be forged)",
             name: "173-228-127-4.dsl.dynamic.sonic.net", ip: "173.228.127.4", peer: "173-228-127-4.dsl.dynamic.sonic.net",
             forged: true),
        Case(input: "[192.0.2.100] (may be forged)", name: nil, ip: "192.0.2.100", peer: "192.0.2.100", forged: true),
        Case(input: "IDENT:joe@client.example.net [192.0.2.55]", name: "client.example.net", ip: "192.0.2.55",
             peer: "client.example.net", user: "joe"),
        Case(input: "joe@client.example.net [192.0.2.55]", name: "client.example.net", ip: "192.0.2.55",
             peer: "client.example.net", user: "joe"),
        Case(input: "www-data@localhost", name: "localhost", ip: nil, peer: "localhost", user: "www-data", loopback: true),
        Case(input: "gmail-smtp-in.l.google.com.", name: "gmail-smtp-in.l.google.com.", ip: nil, peer: "gmail-smtp-in.l.google.com"),
        Case(input: "MX1.Naver.COM.", name: "MX1.Naver.COM.", ip: nil, peer: "mx1.naver.com"),
        Case(input: "smtp.gmail.com", name: "smtp.gmail.com", ip: nil, peer: "smtp.gmail.com"),
        Case(input: " [1.2.3.4]", name: nil, ip: "1.2.3.4", peer: "1.2.3.4"),
        Case(input: "local", name: "local", ip: nil, peer: "local"),
        Case(input: "localhost [127.0.0.1]", name: "localhost", ip: "127.0.0.1", peer: "localhost", loopback: true),
        Case(input: "localhost.localdomain [127.0.0.1]", name: "localhost.localdomain", ip: "127.0.0.1",
             peer: "localhost.localdomain", loopback: true),
        Case(input: "[127.0.0.1]", name: nil, ip: "127.0.0.1", peer: "127.0.0.1", loopback: true),
        Case(input: "[127.0.0.1] [127.0.0.1]", name: nil, ip: "127.0.0.1", peer: "127.0.0.1", loopback: true),
        Case(input: "[IPv6:::1]", name: nil, ip: "::1", peer: "::1", loopback: true),
        Case(input: "[IPv6:0:0:0:0:0:0:0:1]", name: nil, ip: "0:0:0:0:0:0:0:1", peer: "0:0:0:0:0:0:0:1", loopback: true),
        Case(input: "[IPv6:::ffff:127.0.0.1]", name: nil, ip: "::ffff:127.0.0.1", peer: "::ffff:127.0.0.1", loopback: true),
        Case(input: "[IPv6:::ffff:192.0.2.1]", name: nil, ip: "::ffff:192.0.2.1", peer: "::ffff:192.0.2.1"),
        Case(input: "[10.0.0.1]", name: nil, ip: "10.0.0.1", peer: "10.0.0.1"),
        Case(input: "mydomain2-com0...ction.outlook.com. [207.46.163.247]", name: "mydomain2-com0...ction.outlook.com.",
             ip: "207.46.163.247", peer: "mydomain2-com0...ction.outlook.com"),
    ]

    @Test("shapes", arguments: cases)
    func shapes(_ c: Case) {
        let r = ByteSpan.with(c.input) { Relay.parse($0) }
        #expect(r.raw == c.input.trimmingSpaces)
        #expect(r.name == c.name)
        #expect(r.ip == c.ip)
        #expect(r.peer == c.peer)
        #expect(r.forged == c.forged)
        #expect(r.user == c.user)
        #expect(r.isLoopback == c.loopback)
    }

    @Test("a host name that merely starts with `127.` is not loopback when its IP is public")
    func loopbackByName() {
        let r = ByteSpan.with("127.15.pool.example.net [198.51.100.15]") { Relay.parse($0) }
        #expect(r.ip == "198.51.100.15")
        #expect(!r.isLoopback)
    }

    @Test("normalise lowercases and drops exactly one trailing dot")
    func normalise() {
        #expect(Relay.normalise("MX.Example.COM.") == "mx.example.com")
        #expect(Relay.normalise("mx.example.com") == "mx.example.com")
        #expect(Relay.normalise("odd..") == "odd.")
    }

    struct Match: Sendable, CustomTestStringConvertible {
        var delivery: String
        var session: String
        var expected: Bool
        var testDescription: String { "\(delivery) ~ \(session) = \(expected)" }
    }

    static let long = "example-com0i.mail.protection.outlook.com."   // 42 characters

    static let matches: [Match] = [
        Match(delivery: "mx1.naver.com.", session: "mx1.naver.com.", expected: true),
        Match(delivery: "MX1.naver.com.", session: "mx1.NAVER.com.", expected: true),
        Match(delivery: "smtp.gmail.com", session: "smtp.gmail.com.", expected: true),
        Match(delivery: "mx1.naver.com.", session: "mx2.naver.com.", expected: false),
        Match(delivery: "naver.com.", session: "mx1.naver.com.", expected: false),
        // shortenstring(host, 40): first 18 + "..." + last 18.
        Match(delivery: shortenstring(long), session: long, expected: true),
        Match(delivery: "EXAMPLE-com0i.mail...ction.outlook.com.", session: long, expected: true),
        // The corpus sample (its author trimmed the head to 14 characters).
        Match(delivery: "mydomain2-com0...ction.outlook.com.", session: "mydomain2-com0c.mail.protection.outlook.com.", expected: true),
        Match(delivery: "example-com0i.mail...ction.outlook.com.", session: "example-com0i.mail.protection.outlook.de.", expected: false),
        Match(delivery: "other-com0i.mail...ction.outlook.com.", session: long, expected: false),
        // A session name shorter than 40 characters is never shortened, so a `...` name cannot be it.
        Match(delivery: "mx...com.", session: "mx.example.com.", expected: false),
    ]

    @Test("clientNamesMatch", arguments: matches)
    func clientNamesMatch(_ m: Match) {
        #expect(Relay.clientNamesMatch(deliveryName: m.delivery, sessionName: m.session) == m.expected)
    }

    @Test("the test helper shortens like sendmail")
    func shortenHelper() {
        #expect(shortenstring(Self.long) == "example-com0i.mail...ction.outlook.com.")
        #expect(shortenstring("gmail-smtp-in.l.google.com.") == "gmail-smtp-in.l.google.com.")
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// Regression (found by the generator's truth): a shortened name whose 18-byte head ends in a dot
/// (`driftlabs-de.mail.` + `...`) was split at the first "..." and never linked.
@Test func shortenedNameWhoseHeadEndsInADot() {
    let full = "driftlabs-de.mail.protection.outlook.com."
    #expect(full.utf8.count >= 40)
    let shortened = String(full.prefix(18)) + "..." + String(full.suffix(18))
    #expect(shortened == "driftlabs-de.mail....ction.outlook.com.")
    #expect(Relay.clientNamesMatch(deliveryName: shortened, sessionName: full))
    #expect(!Relay.clientNamesMatch(deliveryName: shortened, sessionName: "driftlabs-de.mail.protection.outlook.org."))
}
