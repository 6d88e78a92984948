@testable import MailTLSParser
import Testing

/// The definitions stored with every row (`deliveries.network_mailer`, `messages.encrypted`).
@Suite struct DefinitionsTests {
    static func delivery(mailer: String?) -> Delivery {
        Delivery(recipients: "<a@example.org>", recipientCount: 1, continued: false, mailer: mailer, relay: nil,
                 dsn: "2.0.0", status: .sent, statusText: "Sent", delay: nil, xdelay: nil)
    }

    @Test("network mailers: any *smtp* and relay, in any case", arguments: [
        ("esmtp", true), ("smtp", true), ("smtp8", true), ("dsmtp", true), ("relay", true), ("RELAY", true),
        ("Relay", true), ("ESMTP", true), ("lmtp-smtp", true), ("local", false), ("prog", false), ("*file*", false),
        ("*include*", false), ("relays", false), ("rela", false), ("", false),
    ])
    func networkMailer(_ c: (String, Bool)) {
        #expect(Self.delivery(mailer: c.0).usesNetworkMailer == c.1)
    }

    @Test func noMailerIsNotNetwork() {
        #expect(!Self.delivery(mailer: nil).usesNetworkMailer)
    }

    @Test("encrypted: the S flag of proto in any case, or a linked session", arguments: [
        ("ESMTPS", true), ("ESMTPSA", true), ("UTF8SMTPS", true), ("esmtps", true), ("ESMTP", false), ("SMTP", false),
        ("ESMTPA", false),
    ])
    func encrypted(_ c: (String, Bool)) {
        let m = InboundMessage(sender: "<a@example.org>", size: 1, nrcpts: 1, messageID: nil, proto: c.0, daemon: "MTA",
                               relay: nil)
        #expect(m.isEncrypted(sessionID: nil) == c.1)
        #expect(m.isEncrypted(sessionID: 7))
    }
}
