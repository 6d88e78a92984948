import Testing
@testable import MailTLSParser

/// log-formats.md §2.5 (handshake failures, TLS I/O errors) and §2.6 (TLS rulesets).
@Suite("Failure lines")
struct FailureLineTests {
    // MARK: Handshake failures

    struct Handshake: Sendable, CustomTestStringConvertible {
        var name: String
        var message: String
        var kind: TLSFailure.Kind
        var reason: String?
        var sslError: Int?
        var errno: Int?
        var relayName: String?
        var relayIP: String?
        var testDescription: String { name }
    }

    static let handshakes: [Handshake] = [
        Handshake(name: "accept failed, 8.14.6+ (reason and relay)",
                  message: "STARTTLS=server, error: accept failed=0, reason=wrong version number, SSL_error=1, errno=0, retry=-1, relay=scanner.example.net [203.0.113.9]",
                  kind: .acceptFailed, reason: "wrong version number", sslError: 1, errno: 0,
                  relayName: "scanner.example.net", relayIP: "203.0.113.9"),
        Handshake(name: "accept failed, 8.14.4 (relay, no reason)",
                  message: "STARTTLS=server, error: accept failed=0, SSL_error=5, errno=104, retry=-1, relay=[198.51.100.23]",
                  kind: .acceptFailed, reason: nil, sslError: 5, errno: 104, relayName: nil, relayIP: "198.51.100.23"),
        Handshake(name: "accept failed, 8.13 (no relay)",
                  message: "STARTTLS=server, error: accept failed=-1, SSL_error=5, errno=0, retry=-1",
                  kind: .acceptFailed, reason: nil, sslError: 5, errno: 0, relayName: nil, relayIP: nil),
        Handshake(name: "accept failed, 8.12 (timedout=)",
                  message: "STARTTLS=server, error: accept failed=0, SSL_error=1, timedout=0, errno=0",
                  kind: .acceptFailed, reason: nil, sslError: 1, errno: 0, relayName: nil, relayIP: nil),
        Handshake(name: "connect failed, 8.14.6+ (reason, no relay)",
                  message: "STARTTLS=client, error: connect failed=-1, reason=unsupported protocol, SSL_error=1, errno=0, retry=-1",
                  kind: .connectFailed, reason: "unsupported protocol", sslError: 1, errno: 0, relayName: nil, relayIP: nil),
        Handshake(name: "connect failed, 8.13",
                  message: "STARTTLS=client, error: connect failed=0, SSL_error=5, errno=104, retry=-1",
                  kind: .connectFailed, reason: nil, sslError: 5, errno: 104, relayName: nil, relayIP: nil),
        Handshake(name: "connect failed, 8.12 (timedout=)",
                  message: "STARTTLS=client, error: connect failed=0, SSL_error=5, timedout=1, errno=110",
                  kind: .connectFailed, reason: nil, sslError: 5, errno: 110, relayName: nil, relayIP: nil),
        Handshake(name: "connect failed, shortened corpus sample",
                  message: "STARTTLS=client, error: connect failed=0, SSL_error=5",
                  kind: .connectFailed, reason: nil, sslError: 5, errno: nil, relayName: nil, relayIP: nil),
    ]

    @Test("handshake failures", arguments: handshakes)
    func handshake(_ c: Handshake) throws {
        let f = try #require(parseMessage(c.message).parsedEvent?.asFailure)
        #expect(f.kind == c.kind)
        #expect(f.role == (c.kind == .acceptFailed ? .server : .client))
        #expect(f.reason == c.reason)
        #expect(f.sslError == c.sslError)
        #expect(f.errno == c.errno)
        #expect(f.relay?.name == c.relayName)
        #expect(f.relay?.ip == c.relayIP)
        #expect(f.ruleset == nil)
        #expect(f.reject == nil)
    }

    // MARK: Rulesets

    @Test("tls_server reject (NOQID, client role)")
    func tlsServer() throws {
        let r = parseMessage("ruleset=tls_server, arg1=SOFTWARE, relay=goransoncpa-com.mail.eo.outlook.com, reject=403 4.7.0 TLS handshake failed.")
        #expect(r.parsedQueueID == nil)
        let f = try #require(r.parsedEvent?.asFailure)
        #expect(f.kind == .rulesetReject)
        #expect(f.role == .client)
        #expect(f.ruleset == "tls_server")
        #expect(f.rulesetArg == "SOFTWARE")
        #expect(f.relay?.name == "goransoncpa-com.mail.eo.outlook.com")
        #expect(f.relay?.ip == nil)
        #expect(f.reject == "403 4.7.0 TLS handshake failed.")
    }

    @Test("tls_rcpt reject carries the queue id")
    func tlsRcpt() throws {
        let r = parseMessage("hBT7rwVP015583: ruleset=tls_rcpt, arg1=<user@example.org>, relay=mx.example.org., reject=454 4.7.0 authentication failed")
        #expect(r.parsedQueueID == "hBT7rwVP015583")
        let f = try #require(r.parsedEvent?.asFailure)
        #expect(f.ruleset == "tls_rcpt")
        #expect(f.rulesetArg == "<user@example.org>")
        #expect(f.role == .client)
        #expect(f.relay?.peer == "mx.example.org")
        #expect(f.reject == "454 4.7.0 authentication failed")
    }

    @Test("tls_client reject is about a client that connected to us (server role)")
    func tlsClient() throws {
        let f = try #require(parseMessage("ruleset=tls_client, arg1=NO, relay=client.example.net [192.0.2.99], reject=403 4.7.0 not authenticated").parsedEvent?.asFailure)
        #expect(f.role == .server)
        #expect(f.ruleset == "tls_client")
        #expect(f.rulesetArg == "NO")
        #expect(f.relay?.ip == "192.0.2.99")
    }

    @Test("the reject text runs to the end of the line, commas and key=-like text included")
    func rejectRestOfLine() throws {
        let f = try #require(parseMessage("ruleset=tls_server, arg1=NONE, arg2=STARTTLS, relay=mx.example.org., reject=530 5.7.0 other side does not support STARTTLS, relay=evil.example, see https://example.org/tls").parsedEvent?.asFailure)
        #expect(f.rulesetArg == "NONE")
        #expect(f.relay?.name == "mx.example.org.")
        #expect(f.reject == "530 5.7.0 other side does not support STARTTLS, relay=evil.example, see https://example.org/tls")
    }

    @Test("Solaris tls_server line through LineParser")
    func solaris() throws {
        let rec = try #require(parseLine("Jan 2 19:58:51 MTA sm-mta[29534]: [ID 702911 mail.notice] ruleset=tls_server, arg1=SOFTWARE, relay=MTA, reject=403 4.7.0 TLS handshake failed.").record)
        #expect(rec.host == "mta")
        #expect(rec.pid == 29534)
        let f = try #require(rec.event.asFailure)
        #expect(f.relay?.name == "MTA")
        #expect(f.rulesetArg == "SOFTWARE")
    }

    @Test("non-TLS rulesets and non-reject TLS ruleset results are skipped", arguments: [
        "s1REiHdq087838: ruleset=check_rcpt, arg1=<gert-jan@t-online.ch>, relay=[41.204.78.137], reject=550 5.7.1 <gert-jan@t-online.ch>... Relaying denied. IP name lookup failed [41.204.78.137]",
        "ruleset=check_relay, arg1=[196.213.73.146], arg2=196.213.73.146, relay=[196.213.73.146], reject=421 4.3.2 Connection rate limit exceeded.",
        "ruleset=check_mail, arg1=<a@b.example>, relay=[192.0.2.1], reject=553 5.1.8 <a@b.example>... Domain of sender address a@b.example does not exist",
        "ruleset=tls_server, arg1=SOFTWARE, relay=mx.example.org., discard",
    ])
    func skippedRulesets(_ message: String) {
        #expect(parseMessage(message) == .skipped)
    }

    // MARK: I/O errors

    struct IOCase: Sendable, CustomTestStringConvertible {
        var message: String
        var kind: TLSFailure.Kind
        var reason: String
        var errno: Int?
        var sslError: Int?
        var testDescription: String { message }
    }

    @Test("read/write errors on an established session", arguments: [
        IOCase(message: "STARTTLS: read error=timeout", kind: .readError, reason: "timeout", errno: nil, sslError: nil),
        IOCase(message: "STARTTLS: write error=timeout", kind: .writeError, reason: "timeout", errno: nil, sslError: nil),
        IOCase(message: "STARTTLS: write error=syscall error (-1), errno=104, get_error=error:00000000:lib(0):func(0):reason(0), retry=99, ssl_err=5",
               kind: .writeError, reason: "syscall error (-1)", errno: 104, sslError: 5),
        IOCase(message: "STARTTLS: read error=generic SSL error (-1), errno=0, retry=-1, ssl_err=1",
               kind: .readError, reason: "generic SSL error (-1)", errno: 0, sslError: 1),
        IOCase(message: "STARTTLS: read error=read R BLOCK (2)", kind: .readError, reason: "read R BLOCK (2)", errno: nil, sslError: nil),
    ])
    func ioError(_ c: IOCase) throws {
        let f = try #require(parseMessage(c.message).parsedEvent?.asFailure)
        #expect(f.kind == c.kind)
        #expect(f.reason == c.reason)
        #expect(f.errno == c.errno)
        #expect(f.sslError == c.sslError)
        #expect(f.role == nil)
        #expect(f.relay == nil)
    }
}
