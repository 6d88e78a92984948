import Foundation
import MailTLSReports

/// Generated mail histories over days of March 2026 (host mx1, UTC), for the "watch over time"
/// tests: each call adds one SMTP session with its own pid and queue id.
struct WatchHistory {
    private(set) var text = ""
    private var n = 0

    static func day(_ d: Int) -> String { d < 10 ? "Mar  \(d)" : "Mar \(d)" }

    /// The stored time of `time` on March `d`: `2026-03-05T11:00:01Z`.
    static func ts(_ d: Int, _ time: String) -> String { "2026-03-\(d < 10 ? "0" : "")\(d)T\(time)Z" }

    private mutating func next() -> (pid: Int, qid: String) {
        n += 1
        let digits = String(n)
        return (10000 + n, "4AT" + String(repeating: "0", count: 11 - digits.count) + digits)
    }

    /// One delivery to `peer`, at `time` (the to= line one second later). `tls: false` delivers in
    /// clear (the peer offered no STARTTLS).
    mutating func outbound(_ d: Int, _ time: String, peer: String, tls: Bool = true, version: String = "TLSv1.3",
                           verify: String = "OK", cipher: String = "TLS_AES_256_GCM_SHA384", bits: String = "256/256",
                           status: String = "Sent (ok)", dsn: String = "2.0.0") {
        let (pid, qid) = next()
        let day = Self.day(d)
        if tls {
            text += Log.clientTLS(time + ":00", pid, relay: peer + ".", version: version, verify: verify, cipher: cipher,
                                  bits: bits, day: day)
        }
        text += Log.to(time + ":01", pid, qid: qid, mailer: "esmtp", relay: "\(peer). [198.51.100.\(n % 250 + 1)]",
                       dsn: dsn, stat: status, day: day)
    }

    /// A failed outbound handshake with `peer` (connect failed, its ruleset line, the deferral).
    mutating func failedHandshake(_ d: Int, _ time: String, peer: String) {
        let (pid, qid) = next()
        let day = Self.day(d)
        text += line(time + ":00", pid, "STARTTLS=client, error: connect failed=-1, reason=no shared cipher, SSL_error=1, errno=0, retry=-1", day: day)
        text += line(time + ":00", pid, "ruleset=tls_server, arg1=SOFTWARE, relay=\(peer)., reject=403 4.7.0 TLS handshake failed.", day: day)
        text += Log.to(time + ":01", pid, qid: qid, mailer: "esmtp", relay: "\(peer). [198.51.100.\(n % 250 + 1)]",
                       dsn: "4.0.0", stat: "Deferred: 403 4.7.0 TLS handshake failed.", day: day)
    }

    /// One message from `relay` (`name [ip]`) at `time`: over STARTTLS (proto ESMTPS), or in clear
    /// (ESMTP).
    mutating func inbound(_ d: Int, _ time: String, relay: String, tls: Bool = true, version: String = "TLSv1.3",
                          verify: String = "NO", cipher: String = "TLS_AES_256_GCM_SHA384", bits: String = "256/256") {
        let (pid, qid) = next()
        let day = Self.day(d)
        if tls {
            text += Log.serverTLS(time + ":00", pid, relay: relay, version: version, verify: verify, cipher: cipher,
                                  bits: bits, day: day)
        }
        text += Log.from(time + ":01", pid, qid: qid, proto: tls ? "ESMTPS" : "ESMTP", relay: relay, day: day)
    }

    /// An AUTH=server login from `relay` at `time` (over STARTTLS or in clear), with its message.
    mutating func login(_ d: Int, _ time: String, relay: String, mech: String, tls: Bool, success: Bool = true) {
        let (pid, qid) = next()
        let day = Self.day(d)
        if tls { text += Log.serverTLS(time + ":00", pid, relay: relay, day: day) }
        if success {
            text += line(time + ":01", pid, "AUTH=server, relay=\(relay), authid=user\(n), mech=\(mech), bits=0", day: day)
        } else {
            text += line(time + ":01", pid, "AUTH failure (\(mech)): authentication failure (-13) SASL(-13): authentication failure: Password verification failed, user=user\(n), relay=\(relay)", day: day)
        }
        text += Log.from(time + ":02", pid, qid: qid, proto: tls ? "ESMTPSA" : "ESMTPA", relay: relay, day: day)
    }

    /// A history with one known downgrade of each kind and peers that must not be reported
    /// (days 1-20; `until` 2026-03-21 and a 7-day window make days 14-20 the recent window).
    static func downgrades() -> WatchHistory {
        var h = WatchHistory()
        for d in 1...20 {
            // Always verified: never a downgrade.
            h.outbound(d, "10:00", peer: "mx.stable.example")
            // STARTTLS stripped from March 17 on: delivered in clear.
            h.outbound(d, "11:00", peer: "mx.stripped.example", tls: d < 17)
            // TLSv1.3 until March 15, TLSv1 from March 16.
            h.outbound(d, "12:00", peer: "mx.oldtls.example", version: d < 16 ? "TLSv1.3" : "TLSv1",
                       cipher: d < 16 ? "TLS_AES_256_GCM_SHA384" : "ECDHE-RSA-AES256-SHA")
            // Verified until March 17, FAIL from March 18.
            h.outbound(d, "13:00", peer: "mx.badcert.example", verify: d < 18 ? "OK" : "FAIL")
            // Two MX behind one name, TLSv1.3 and TLSv1.2 on alternate days: back to its best each time.
            h.outbound(d, "14:00", peer: "mx.flappy.example", version: d % 2 == 0 ? "TLSv1.3" : "TLSv1.2",
                       cipher: d % 2 == 0 ? "TLS_AES_256_GCM_SHA384" : "ECDHE-RSA-AES256-GCM-SHA384")
            // Logged by an old sendmail from March 14: 'TLSv1/SSLv3' is not ranked, not a downgrade.
            h.outbound(d, "15:00", peer: "mx.legacy.example", version: d < 14 ? "TLSv1.2" : "TLSv1/SSLv3",
                       cipher: d < 14 ? "ECDHE-RSA-AES256-GCM-SHA384" : "AES256-SHA")
            // Inbound: encrypted until March 18, in clear from March 19.
            h.inbound(d, "09:00", relay: "mail.sender.example [192.0.2.10]", tls: d < 19)
            // Inbound: exactly half encrypted before (days 1-12), in clear in the window.
            if d <= 12 || d >= 14 { h.inbound(d, "08:00", relay: "half.example [192.0.2.11]", tls: d <= 12 && d % 2 == 1) }
            // Inbound: less than half encrypted before (5 of 11): not a downgrade.
            if d <= 11 || d >= 14 { h.inbound(d, "07:00", relay: "mostlyclear.example [192.0.2.12]", tls: d <= 5) }
            // Loopback (MSP -> MTA): encrypted before, in clear in the window; left out by default.
            h.inbound(d, "06:00", relay: "localhost [127.0.0.1]", tls: d < 14)
        }
        // The newest row of the store: March 20, 23:59:01.
        h.inbound(20, "23:59", relay: "anchor.example [192.0.2.99]")
        return h
    }
}
