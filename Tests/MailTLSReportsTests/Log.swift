/// Builders for hand-written sendmail lines (host mx1, 2026-03-02 unless told otherwise).
enum Log {
    static func serverTLS(_ time: String, _ pid: Int, relay: String, version: String = "TLSv1.3", verify: String = "NO",
                          cipher: String = "TLS_AES_256_GCM_SHA384", bits: String = "256/256", host: String = "mx1",
                          day: String = "Mar  2") -> String {
        line(time, pid, "STARTTLS=server, relay=\(relay), version=\(version), verify=\(verify), cipher=\(cipher), bits=\(bits)",
             host: host, day: day)
    }

    static func clientTLS(_ time: String, _ pid: Int, relay: String, version: String = "TLSv1.2", verify: String = "OK",
                          cipher: String = "ECDHE-RSA-AES256-GCM-SHA384", bits: String = "256/256", host: String = "mx1",
                          day: String = "Mar  2", tag: String = "sm-mta") -> String {
        line(time, pid, "STARTTLS=client, relay=\(relay), version=\(version), verify=\(verify), cipher=\(cipher), bits=\(bits)",
             host: host, day: day, tag: tag)
    }

    /// A `from=` line; `proto: nil` leaves the field out (command-line submission).
    static func from(_ time: String, _ pid: Int, qid: String, proto: String?, relay: String, host: String = "mx1",
                     day: String = "Mar  2", tag: String = "sm-mta") -> String {
        let p = proto.map { ", proto=\($0), daemon=MTA" } ?? ""
        return line(time, pid, "\(qid): from=<sender@example.org>, size=1200, class=0, nrcpts=1, msgid=<\(qid)@example.org>\(p), relay=\(relay)",
                    host: host, day: day, tag: tag)
    }

    /// A `to=` line; `relay: nil` leaves the field out (local mailers).
    static func to(_ time: String, _ pid: Int, qid: String, mailer: String, relay: String?, dsn: String = "2.0.0",
                   stat: String = "Sent (ok)", host: String = "mx1", day: String = "Mar  2", tag: String = "sm-mta") -> String {
        let r = relay.map { ", relay=\($0)" } ?? ""
        return line(time, pid, "\(qid): to=<rcpt@example.net>, delay=00:00:01, xdelay=00:00:01, mailer=\(mailer), pri=120000\(r), dsn=\(dsn), stat=\(stat)",
                    host: host, day: day, tag: tag)
    }
}
