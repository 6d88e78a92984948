// Test support shared by the test targets (not part of the tool).
import Foundation
import MailTLSStore

/// Deterministic, realistic sendmail log lines for the incremental-ingest tests.
///
/// Every line is unique (its own pid, queue id and second), so a line read twice or lost always
/// shows in the store. Event `i` (pid `20000 + i`, starting at 01:00:00 + 6·i seconds) has kind
/// `i % 5`:
///
/// | kind | lines                                              | rows                          |
/// |------|----------------------------------------------------|-------------------------------|
/// | 0    | STARTTLS=server, from=                             | session + message linked to it |
/// | 1    | STARTTLS=client, to=                               | session + delivery linked to it |
/// | 2    | from= without TLS, a CRON line (skipped)           | message, no session           |
/// | 3    | accept failed, ruleset=tls_server reject           | one failure row with the ruleset merged in |
/// | 4    | STARTTLS=server, AUTH=server, from=                | session + auth + message, both linked |
///
/// So cutting the line list at an odd line index usually splits an SMTP session between two files
/// or two runs, which only links right when the open-session state survives the cut.
public enum SynthLog {
    public static func pad(_ v: Int, _ width: Int, _ fill: Character = "0") -> String {
        let s = String(v)
        return String(repeating: fill, count: max(0, width - s.count)) + s
    }

    /// A BSD syslog timestamp ("Nov 29 01:00:06"): `second` counts from midnight of `day`
    /// (past 24 h it rolls into the next day).
    public static func stamp(month: String, day: Int, second: Int) -> String {
        let d = day + second / 86400, s = second % 86400
        return "\(month) \(pad(d, 2, " ")) \(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2))"
    }

    /// The lines of event `i`.
    public static func event(_ i: Int, host: String = "mx1", month: String = "Nov", day: Int = 29) -> [String] {
        let pid = 20000 + i
        let t = 3600 + 6 * i
        let qid = "4AT\(pad(i, 6))\(pad(pid % 100_000, 5))"
        let ip = "\(i / 65536 % 256 + 10).\(i / 256 % 256).\(i % 256).\(i % 7 + 1)"
        func head(_ j: Int, _ tag: String = "sm-mta") -> String {
            "\(stamp(month: month, day: day, second: t + j)) \(host) \(tag)[\(pid)]: "
        }
        switch i % 5 {
        case 0:
            return [
                head(0) + "STARTTLS=server, relay=in\(i).example.org [\(ip)], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256",
                head(1) + "\(qid): from=<user\(i)@example.org>, size=\(1000 + i), class=0, nrcpts=1, msgid=<m\(i)@example.org>, proto=ESMTPS, daemon=MTA, relay=in\(i).example.org [\(ip)]",
            ]
        case 1:
            return [
                head(0) + "STARTTLS=client, relay=mx\(i).example.net., version=TLSv1.2, verify=OK, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256",
                head(1) + "\(qid): to=<rcpt\(i)@example.net>, delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=\(120000 + i), relay=mx\(i).example.net. [\(ip)], dsn=2.0.0, stat=Sent (ok \(qid))",
            ]
        case 2:
            return [
                head(0) + "\(qid): from=<plain\(i)@example.com>, size=\(500 + i), class=0, nrcpts=1, msgid=<p\(i)@example.com>, proto=ESMTP, daemon=MTA, relay=plain\(i).example.com [\(ip)]",
                head(1, "CRON") + "(root) CMD (run-parts /etc/cron.hourly \(i))",
            ]
        case 3:
            return [
                head(0) + "STARTTLS=server, error: accept failed=0, reason=wrong version number, SSL_error=1, errno=0, retry=-1, relay=scan\(i).example.net [\(ip)]",
                head(1) + "ruleset=tls_server, arg1=SOFTWARE, relay=scan\(i).example.net [\(ip)], reject=403 4.7.0 TLS handshake failed.",
            ]
        default:
            return [
                head(0) + "STARTTLS=server, relay=auth\(i).example.org [\(ip)], version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES128-GCM-SHA256, bits=128/128",
                head(1) + "AUTH=server, relay=auth\(i).example.org [\(ip)], authid=user\(i), mech=PLAIN, bits=0",
                head(2) + "\(qid): from=<auth\(i)@example.org>, size=\(2000 + i), class=0, nrcpts=1, msgid=<a\(i)@example.org>, proto=ESMTPSA, daemon=MSA, relay=auth\(i).example.org [\(ip)]",
            ]
        }
    }

    /// The lines of events `events`, in order.
    public static func lines(_ events: Range<Int>, host: String = "mx1", month: String = "Nov", day: Int = 29) -> [String] {
        events.flatMap { event($0, host: host, month: month, day: day) }
    }

    /// Lines as file content, each ending with a newline.
    public static func text<S: Sequence>(_ lines: S) -> String where S.Element == String {
        lines.map { $0 + "\n" }.joined()
    }

    public static func bytes<S: Sequence>(_ lines: S) -> Int64 where S.Element == String {
        Int64(text(lines).utf8.count)
    }

    /// Rows a clean ingest of `events` writes per table.
    public static func expectedRows(_ events: Range<Int>) -> [String: Int] {
        var r = ["tls_sessions": 0, "messages": 0, "deliveries": 0, "auth_events": 0, "tls_failures": 0]
        for i in events {
            switch i % 5 {
            case 0: r["tls_sessions"]! += 1; r["messages"]! += 1
            case 1: r["tls_sessions"]! += 1; r["deliveries"]! += 1
            case 2: r["messages"]! += 1
            case 3: r["tls_failures"]! += 1
            default: r["tls_sessions"]! += 1; r["auth_events"]! += 1; r["messages"]! += 1
            }
        }
        return r
    }

    /// Line indexes (into `lines(events)`) that are the second line of an event whose first line is a
    /// STARTTLS line: cutting there splits a TLS session (or a failed handshake) between two reads.
    public static func sessionSplits(_ events: Range<Int>) -> [Int] {
        var out: [Int] = []
        var n = 0
        for i in events {
            if i % 5 != 2 { out.append(n + 1) }
            n += event(i).count
        }
        return out
    }
}

/// The store's content, independent of row ids and of which file/offset a row came from: what a
/// user's queries see. Links are shown as the linked session's (ts, role, peer), so two stores are
/// equal only when every row and every link is.
public enum StoreDump {
    public static let queries: [String] = [
        """
        SELECT 'S', ts, host, pid, role, peer, peer_ip, relay, forged, version, verify, cipher, alg_bits, cipher_bits,
            cert_subject, cert_issuer, verifymsg FROM tls_sessions
        """,
        """
        SELECT 'M', m.ts, m.host, m.pid, m.queue_id, m.sender, m.size, m.nrcpts, m.msgid, m.proto, m.daemon, m.peer,
            m.peer_ip, m.auth, m.tls_session_id IS NOT NULL, s.ts, s.role, s.peer
        FROM messages m LEFT JOIN tls_sessions s ON s.id = m.tls_session_id
        """,
        """
        SELECT 'D', d.ts, d.host, d.pid, d.queue_id, d.recipients, d.nrcpts, d.mailer, d.peer, d.peer_ip, d.dsn, d.status,
            d.stat, d.tls_session_id IS NOT NULL, s.ts, s.role, s.peer
        FROM deliveries d LEFT JOIN tls_sessions s ON s.id = d.tls_session_id
        """,
        """
        SELECT 'A', a.ts, a.host, a.pid, a.queue_id, a.role, a.success, a.peer, a.authid, a.mech, a.reason,
            a.tls_session_id IS NOT NULL, s.ts, s.role, s.peer
        FROM auth_events a LEFT JOIN tls_sessions s ON s.id = a.tls_session_id
        """,
        """
        SELECT 'F', f.ts, f.host, f.pid, f.queue_id, f.kind, f.role, f.peer, f.peer_ip, f.reason, f.ssl_error, f.errno,
            f.ruleset, f.ruleset_arg, f.reject, f.tls_session_id IS NOT NULL, s.ts, s.peer
        FROM tls_failures f LEFT JOIN tls_sessions s ON s.id = f.tls_session_id
        """,
    ]

    /// Every row of every data table as text, sorted (rows of one table sort together by their tag).
    public static func of(_ db: String) throws -> [String] {
        let store = try Store(path: db, readOnly: true)
        var out: [String] = []
        for q in queries {
            let s = try store.database.prepare(q)
            while try s.step() {
                out.append((0..<s.columnCount).map { s.value($0).text ?? "∅" }.joined(separator: "|"))
            }
        }
        return out.sorted()
    }

    /// Rows per data table.
    public static func counts(_ db: String) throws -> [String: Int] {
        let store = try Store(path: db, readOnly: true)
        var r: [String: Int] = [:]
        for t in ["tls_sessions", "messages", "deliveries", "auth_events", "tls_failures"] {
            r[t] = Int(try store.database.scalarInt("SELECT count(*) FROM \(t)") ?? -1)
        }
        return r
    }

    /// The rows of one query, each as text joined by "|".
    public static func query(_ db: String, _ sql: String) throws -> [String] {
        let store = try Store(path: db, readOnly: true)
        let s = try store.database.prepare(sql)
        var out: [String] = []
        while try s.step() {
            out.append((0..<s.columnCount).map { s.value($0).text ?? "∅" }.joined(separator: "|"))
        }
        return out
    }

    /// Where the differences are, for a readable failure message.
    public static func diff(_ a: [String], _ b: [String]) -> String {
        let sa = Set(a), sb = Set(b)
        var extraA = a.filter { !sb.contains($0) }
        var extraB = b.filter { !sa.contains($0) }
        // Duplicates show as count differences.
        if extraA.isEmpty && extraB.isEmpty && a.count != b.count {
            var ca: [String: Int] = [:], cb: [String: Int] = [:]
            for x in a { ca[x, default: 0] += 1 }
            for x in b { cb[x, default: 0] += 1 }
            extraA = ca.filter { $0.value > (cb[$0.key] ?? 0) }.map { "\($0.value)× \($0.key)" }
            extraB = cb.filter { $0.value > (ca[$0.key] ?? 0) }.map { "\($0.value)× \($0.key)" }
        }
        return "\(a.count) vs \(b.count) rows; only in first (\(extraA.count)): \(extraA.prefix(6)); only in second (\(extraB.count)): \(extraB.prefix(6))"
    }
}
