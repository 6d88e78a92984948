import Testing
@testable import MailTLSParser

/// log-formats.md §2.5 "Certificate details" and §1 "Escaping" (xtext).
@Suite("Certificate line")
struct CertificateLineTests {
    @Test("real 8.13+ line: xtext decoded, verifymsg kept")
    func realLine() throws {
        let r = parseMessage("STARTTLS=client, cert-subject=/OU=GT39680792/OU=See+20www.rapidssl.com/resources/cps+20+28c+2915/OU=Domain+20Control+20Validated+20-+20RapidSSL+28R+29/CN=*.hostingplatform.com, cert-issuer=/C=US/O=GeoTrust+20Inc./CN=RapidSSL+20SHA256+20CA+20-+20G3, verifymsg=unable to get local issuer certificate")
        let c = try #require(r.parsedEvent?.asCertificate)
        #expect(c.role == .client)
        #expect(c.subject == "/OU=GT39680792/OU=See www.rapidssl.com/resources/cps (c)15/OU=Domain Control Validated - RapidSSL(R)/CN=*.hostingplatform.com")
        #expect(c.issuer == "/C=US/O=GeoTrust Inc./CN=RapidSSL SHA256 CA - G3")
        #expect(c.verifyMessage == "unable to get local issuer certificate")
    }

    @Test("8.12 form has no verifymsg")
    func form812() throws {
        let c = try #require(parseMessage("STARTTLS=server, cert-subject=/CN=client.example.org, cert-issuer=/O=Example+20Corp/CN=Example+20CA").parsedEvent?.asCertificate)
        #expect(c.role == .server)
        #expect(c.subject == "/CN=client.example.org")
        #expect(c.issuer == "/O=Example Corp/CN=Example CA")
        #expect(c.verifyMessage == nil)
    }

    @Test("verifymsg runs to the end of the line")
    func verifyMessageRestOfLine() throws {
        let c = try #require(parseMessage("STARTTLS=client, cert-subject=/CN=mx.example.org, cert-issuer=/CN=mx.example.org, verifymsg=self signed certificate, depth=0, code=18").parsedEvent?.asCertificate)
        #expect(c.verifyMessage == "self signed certificate, depth=0, code=18")
    }

    @Test("FortiMail copy is not xtext-encoded and has spaces")
    func fortiMail() throws {
        let c = try #require(parseMessage("STARTTLS=server, cert-subject=/C=US/ST=California/L=Mountain View/O=Google LLC/CN=something.com, cert-issuer=issuer, verifymsg=unable to get local issuer certificate").parsedEvent?.asCertificate)
        #expect(c.subject == "/C=US/ST=California/L=Mountain View/O=Google LLC/CN=something.com")
        #expect(c.issuer == "issuer")
    }

    @Test("a certificate line without cert-issuer is malformed")
    func missingIssuer() {
        #expect(parseMessage("STARTTLS=client, cert-subject=/CN=mx.example.org").isMalformed)
    }

    @Test("XText.decode", arguments: [
        ("plain/CN=x", "plain/CN=x"),
        ("a+20b", "a b"),
        ("+28c+29", "(c)"),
        ("a+2Bb", "a+b"),
        ("lower+2bcase", "lower+case"),
        ("+3C+3E+22+5C", "<>\"\\"),
        ("+C3+A9", "é"),
        ("not+ZZhex", "not+ZZhex"),
        ("trailing+2", "trailing+2"),
        ("+", "+"),
    ])
    func xtext(_ input: String, _ expected: String) {
        #expect(ByteSpan.with(input) { XText.decode($0) } == expected)
    }
}
