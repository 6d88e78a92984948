import MailTLSTestSupport

/// A deterministic synthetic sendmail log for `rates --by domain`: inbound and outbound SMTP sessions
/// (host mx3, 2026-03-04 from midnight, one a minute) whose names exercise the domain rules: peers
/// under multi-label public suffixes (`co.uk`, `com.br`), wildcard ones (`*.ck`), private ones
/// (`github.io`), peers known by IP only and loopback peers; senders with mixed case, trailing
/// dots, `<>` and no domain; to= lists of one to three addresses with repeated domains; deliveries
/// in clear, deferred or by the local mailer, which `rates` does not count.
enum DomainLog {
    static let peers = [
        "mail-%.out.example.co.uk", "smtp%.mailer.example.com.br", "mx%.relay.b.test.ck", "m%.someone.github.io",
        "o%.outbound.protection.example.com", "", "localhost", "mail%.example.de", "host%.www.ck",
    ]
    static let senders = [
        "<news@Example.CO.UK>", "<>", "root", "<billing@shop.example.com.>", "<a.b@c@weird.example>", "<x@sub.github.io>",
    ]
    static let recipients = ["alice@Partner.CO.UK.", "bob@partner.co.uk", "carol@other.example", "dave@GMAIL.com", "postmaster",
                             "erin@mx.yahoo.co.jp"]
    static let versions = ["TLSv1.3", "TLSv1.2", "TLSv1", "TLSv1/SSLv3"]
    static let verifies = ["OK", "FAIL", "TRUSTED", "NO"]

    /// The lines of `sessions` sessions.
    static func text(sessions: Int) -> String {
        var rng: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ n: Int) -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((rng >> 33) % UInt64(n))
        }
        var out = ""
        for i in 0..<sessions {
            let pid = 40_000 + i
            let qid = "624" + "0" + SynthLog.pad(i, 10)
            func stamp(_ s: Int) -> String { SynthLog.stamp(month: "Mar", day: 4, second: 60 * i + s) }
            func add(_ s: Int, _ message: String) { out += "\(stamp(s)) mx3 sm-mta[\(pid)]: \(message)\n" }
            let ip = "192.0.2.\(i % 250 + 1)"
            let template = peers[next(peers.count)]
            let name = template.replacingOccurrences(of: "%", with: String(i % 4))
            let tls = next(4) != 0
            let version = versions[next(versions.count)], verify = verifies[next(verifies.count)]
            if i % 2 == 0 {
                // Inbound.
                let relay = name.isEmpty ? "[\(ip)]" : name == "localhost" ? "localhost [127.0.0.1]" : "\(name) [\(ip)]"
                if tls {
                    add(0, "STARTTLS=server, relay=\(relay), version=\(version), verify=\(verify), cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256")
                }
                let proto = tls && version != "TLSv1/SSLv3" ? "ESMTPS" : "ESMTP"
                add(1, "\(qid): from=\(senders[next(senders.count)]), size=1200, class=0, nrcpts=1, msgid=<\(qid)@example.org>, proto=\(proto), daemon=MTA, relay=\(relay)")
            } else {
                // Outbound: one to three recipients; now and then deferred or local.
                let mx = name.isEmpty || name == "localhost" ? "mx.example.net" : name
                let list = (0...next(3)).map { _ in "<\(recipients[next(recipients.count)])>" }.joined(separator: ",")
                let kind = next(10)
                if tls && kind > 1 {
                    add(0, "STARTTLS=client, relay=\(mx)., version=\(version), verify=\(verify), cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256")
                }
                switch kind {
                case 0: add(1, "\(qid): to=\(list), delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=\(mx). [\(ip)], dsn=4.0.0, stat=Deferred: Connection timed out with \(mx).")
                case 1: add(1, "\(qid): to=\(list), delay=00:00:01, xdelay=00:00:00, mailer=local, pri=120000, dsn=2.0.0, stat=Sent")
                default: add(1, "\(qid): to=\(list), delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=\(mx). [\(ip)], dsn=2.0.0, stat=Sent (ok \(qid))")
                }
            }
        }
        return out
    }
}
