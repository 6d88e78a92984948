import Testing
@testable import MailTLSParser

/// log-formats.md §2.7: AUTH lines.
@Suite("AUTH lines")
struct AuthLineTests {
    @Test("AUTH=server with a (may be forged) relay")
    func serverForged() throws {
        let r = parseMessage("AUTH=server, relay=173-228-127-4.dsl.dynamic.sonic.net [173.228.127.4] (may be forged), authid=augie, mech=PLAIN, bits=0")
        #expect(r.parsedQueueID == nil)
        let a = try #require(r.parsedEvent?.asAuth)
        #expect(a.role == .server)
        #expect(a.success)
        #expect(a.relay?.name == "173-228-127-4.dsl.dynamic.sonic.net")
        #expect(a.relay?.ip == "173.228.127.4")
        #expect(a.relay?.forged == true)
        #expect(a.authid == "augie")
        #expect(a.mechanism == "PLAIN")
        #expect(a.bits == 0)
        #expect(a.reason == nil)
    }

    @Test("AUTH=server from an IPv6 literal, authid with @")
    func serverIPv6() throws {
        let a = try #require(parseMessage("AUTH=server, relay=[IPv6:aaaa::bbbb], authid=user@example.org, mech=LOGIN, bits=0").parsedEvent?.asAuth)
        #expect(a.relay?.name == nil)
        #expect(a.relay?.ip == "aaaa::bbbb")
        #expect(a.authid == "user@example.org")
        #expect(a.mechanism == "LOGIN")
    }

    @Test("AUTH=client (LogLevel > 9) with a SASL security layer")
    func client() throws {
        let a = try #require(parseMessage("AUTH=client, relay=smtp.example.com., mech=DIGEST-MD5, bits=128").parsedEvent?.asAuth)
        #expect(a.role == .client)
        #expect(a.success)
        #expect(a.relay?.name == "smtp.example.com.")
        #expect(a.authid == nil)
        #expect(a.mechanism == "DIGEST-MD5")
        #expect(a.bits == 128)
    }

    @Test("AUTH notes without a mechanism are skipped", arguments: [
        "AUTH=client, relay=<HIDDEN>, temporary failure, connection abort",
        "AUTH=client, relay=smtp.example.com [192.0.2.1], authinfo tempfailed",
        "AUTH=client, relay=smtp.example.com [192.0.2.1], authinfo failed",
        "pBG5EPQU022708: AUTH=client, available mechanisms do not fulfill requirements",
        "pBG5EPQU022708: AUTH=client, available mechanisms=PLAIN LOGIN do not fulfill requirements",
        "AUTH: available mech=PLAIN LOGIN, allowed mech=PLAIN LOGIN",
        "AUTH: sasl_decode error=-1",
    ])
    func skipped(_ message: String) {
        #expect(parseMessage(message) == .skipped)
    }

    @Test("AUTH=server without mech= is malformed")
    func serverWithoutMech() {
        #expect(parseMessage("AUTH=server, relay=[192.0.2.1], authid=alice").isMalformed)
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        var name: String
        var message: String
        var queueID: String?
        var mech: String
        var reason: String
        var user: String?
        var relayName: String?
        var relayIP: String?
        var forged: Bool = false
        var testDescription: String { name }
    }

    static let failures: [Failure] = [
        Failure(name: "8.12: no relay",
                message: "AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed",
                queueID: nil, mech: "LOGIN",
                reason: "authentication failure (-13) SASL(-13): authentication failure: checkpass failed",
                user: nil, relayName: nil, relayIP: nil),
        Failure(name: "8.14: relay, no user",
                message: "26H8MRrS025411: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, relay=[192.0.2.9]",
                queueID: "26H8MRrS025411", mech: "LOGIN",
                reason: "authentication failure (-13) SASL(-13): authentication failure: checkpass failed",
                user: nil, relayName: nil, relayIP: "192.0.2.9"),
        Failure(name: "8.16+: user= and relay=",
                message: "14NNx65Q065815: AUTH failure (CRAM-MD5): user not found (-20) SASL(-13): user not found: user: scan@server.example.com property: userPassword not found in sasldb /usr/local/etc/sasldb2, user=scan, relay=[192.0.2.6]",
                queueID: "14NNx65Q065815", mech: "CRAM-MD5",
                reason: "user not found (-20) SASL(-13): user not found: user: scan@server.example.com property: userPassword not found in sasldb /usr/local/etc/sasldb2",
                user: "scan", relayName: nil, relayIP: "192.0.2.6"),
        Failure(name: "8.16+: forged relay, user with @",
                message: "06I02CNi016764: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=user@example.com, relay=example.com [192.0.2.3] (may be forged)",
                queueID: "06I02CNi016764", mech: "LOGIN",
                reason: "authentication failure (-13) SASL(-13): authentication failure: checkpass failed",
                user: "user@example.com", relayName: "example.com", relayIP: "192.0.2.3", forged: true),
        Failure(name: "lower-case mechanism is normalised",
                message: "09DJDgOM005976: AUTH failure (login): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=test, relay=host.example.com [192.0.2.7] (may be forged)",
                queueID: "09DJDgOM005976", mech: "LOGIN",
                reason: "authentication failure (-13) SASL(-13): authentication failure: checkpass failed",
                user: "test", relayName: "host.example.com", relayIP: "192.0.2.7", forged: true),
        Failure(name: "doubled relay= keeps the last one",
                message: "06I02CNi016765: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=criminal, relay=[192.0.2.100], relay=[192.0.2.4] (may be forged)",
                queueID: "06I02CNi016765", mech: "LOGIN",
                reason: "authentication failure (-13) SASL(-13): authentication failure: checkpass failed",
                user: "criminal", relayName: nil, relayIP: "192.0.2.4", forged: true),
    ]

    @Test("AUTH failure forms", arguments: failures)
    func failure(_ c: Failure) throws {
        let r = parseMessage(c.message)
        #expect(r.parsedQueueID == c.queueID)
        let a = try #require(r.parsedEvent?.asAuth)
        #expect(a.role == .server)
        #expect(!a.success)
        #expect(a.mechanism == c.mech)
        #expect(a.reason == c.reason)
        #expect(a.authid == c.user)
        #expect(a.relay?.name == c.relayName)
        #expect(a.relay?.ip == c.relayIP)
        #expect((a.relay?.forged ?? false) == c.forged)
        #expect(a.bits == nil)
    }
}
