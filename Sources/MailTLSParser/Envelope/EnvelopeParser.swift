/// Splits a syslog line into timestamp, host, tag, pid and message (log-formats.md §1).
///
/// Accepted shapes: BSD (`Mar  4`, `Apr 09`, `Mar 4`), RFC 3339 with fraction and offset, ISO with a
/// `+hhmm` offset (journald short-iso), `<PRI>` prefixes, RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID
/// MSGID SD MSG`), Solaris `[ID n facility.level]`, a docker-compose `name  | ` prefix, and lines that
/// start at `tag[pid]:`. Returns nil when no `tag:` can be found.
public enum EnvelopeParser {
    public static func parse(_ input: ByteSpan) -> SyslogEnvelope? {
        let s = input
        var i = 0
        let n = s.count
        guard n > 0 else { return nil }

        // docker-compose prefix: "mail_1  | Jul 24 …"
        let startsWithMonth = monthNumber(s, 0) != nil && n > 3 && s[3] == 0x20
        if !ByteSpan.isDigit(s[0]) && s[0] != UInt8(ascii: "<") && !startsWithMonth,
           let sp = s.firstIndex(of: 0x20), sp < 64 {
            var k = sp
            while k < n && s[k] == 0x20 { k += 1 }
            if k + 1 < n && s[k] == UInt8(ascii: "|") && s[k + 1] == 0x20 { i = k + 2 }
        }

        // <PRI>
        var rfc5424 = false
        if i < n && s[i] == UInt8(ascii: "<") {
            var k = i + 1
            while k < n && k < i + 5 && ByteSpan.isDigit(s[k]) { k += 1 }
            if k < n && s[k] == UInt8(ascii: ">") && k > i + 1 {
                i = k + 1
                if i + 1 < n && s[i] == UInt8(ascii: "1") && s[i + 1] == 0x20 {
                    rfc5424 = true
                    i += 2
                }
            }
        }

        if rfc5424 { return parse5424(s, from: i) }
        if i == 0 && (s.hasPrefix("date=") || s.hasPrefix("time=")) { return parseKeyValue(s) }

        var timestamp = SyslogTimestamp.none
        if let (ts, next) = parseISO(s, i) {
            timestamp = ts
            i = next
        } else if let (ts, next) = parseBSD(s, i) {
            timestamp = .local(ts)
            i = next
        }
        while i < n && s[i] == 0x20 { i += 1 }
        // syslog-ng "<facility.priority>" after the timestamp.
        if i < n && s[i] == UInt8(ascii: "<"), let close = s.firstIndex(of: UInt8(ascii: ">"), from: i), close - i < 24,
           close + 1 < n, s[close + 1] == 0x20 {
            i = close + 2
        }

        // Host, unless the next token already is the tag ("tag[pid]:").
        var host = s.slice(i, i)
        guard let end1 = tokenEnd(s, i) else { return nil }
        let first = s.slice(i, end1)
        if first.count > 0 && first[first.count - 1] == UInt8(ascii: ":") && timestamp != .none
            && looksLikeTag(first) {
            // No host field (e.g. some BSD syslogd forms).
        } else if timestamp != .none || !looksLikeTag(first) {
            host = first
            i = end1
            while i < n && s[i] == 0x20 { i += 1 }
        }
        return parseTag(s, from: i, timestamp: timestamp, host: host)
    }

    /// FortiMail-style `key=value` records whose `msg="…"` holds the sendmail text
    /// (`date=2024-03-01 time=18:33:36.601 devname=fm1 … msg="STARTTLS=server, …"`).
    /// Without `date=` the timestamp is unknown; there is no pid, so such lines are not linked.
    static func parseKeyValue(_ s: ByteSpan) -> SyslogEnvelope? {
        guard let m = s.firstIndex(of: " msg=\"") else { return nil }
        let start = m + 6
        var end = s.count
        while end > start && s[end - 1] != UInt8(ascii: "\"") { end -= 1 }
        guard end > start else { return nil }
        let message = s.slice(start, end - 1)
        let head = s.prefix(m)
        func value(_ key: StaticString) -> ByteSpan? {
            var from = 0
            while let k = head.firstIndex(of: key, from: from) {
                if k == 0 || head[k - 1] == 0x20 {
                    let vs = k + key.utf8CodeUnitCount
                    let ve = head.firstIndex(of: 0x20, from: vs) ?? head.count
                    var v = head.slice(vs, ve)
                    if v.count >= 2 && v[0] == UInt8(ascii: "\"") { v = v.slice(1, v.count - 1) }
                    return v
                }
                from = k + 1
            }
            return nil
        }
        var timestamp = SyslogTimestamp.none
        if let d = value("date="), let t = value("time="), d.count == 10, t.count >= 8,
           let y1 = two(d, 0), let y2 = two(d, 2), let mo = two(d, 5), let dd = two(d, 8),
           let hh = two(t, 0), let mi = two(t, 3), let ss = two(t, 6) {
            timestamp = .local(LocalDateTime(year: y1 * 100 + y2, month: mo, day: dd, hour: hh, minute: mi, second: ss))
        }
        let host = value("devname=") ?? value("device_id=") ?? s.slice(0, 0)
        return SyslogEnvelope(timestamp: timestamp, host: host, tag: fortiMailTag, pid: 0, message: message)
    }

    static let fortiMailTag: ByteSpan = {
        let bytes = Array("sendmail".utf8)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        return ByteSpan(base: p, count: bytes.count)
    }()

    // MARK: - Pieces

    static func tokenEnd(_ s: ByteSpan, _ from: Int) -> Int? {
        guard from < s.count else { return nil }
        return s.firstIndex(of: 0x20, from: from) ?? s.count
    }

    /// `tag:` or `tag[digits]:`
    static func looksLikeTag(_ t: ByteSpan) -> Bool {
        guard t.count >= 2, t[t.count - 1] == UInt8(ascii: ":") else { return false }
        if t.count >= 4 && t[t.count - 2] == UInt8(ascii: "]") {
            return t.firstIndex(of: UInt8(ascii: "[")) != nil
        }
        return true
    }

    static func parseTag(_ s: ByteSpan, from start: Int, timestamp: SyslogTimestamp, host: ByteSpan) -> SyslogEnvelope? {
        let n = s.count
        var i = start
        // The tag runs to '[' or ':'; it contains no spaces.
        while i < n {
            let b = s[i]
            if b == UInt8(ascii: "[") || b == UInt8(ascii: ":") || b == 0x20 { break }
            i += 1
        }
        guard i < n, i > start else { return nil }
        let tag = s.slice(start, i)
        var pid: Int32 = 0
        if s[i] == UInt8(ascii: "[") {
            guard let close = s.firstIndex(of: UInt8(ascii: "]"), from: i), close - i <= 11 else { return nil }
            pid = Int32(truncatingIfNeeded: s.slice(i + 1, close).decimal ?? 0)
            i = close + 1
        }
        guard i < n, s[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        if i < n && s[i] == 0x20 { i += 1 }
        var message = s.suffix(from: i)
        // Solaris: "[ID 702911 mail.notice] "
        if message.hasPrefix("[ID "), let close = message.firstIndex(of: UInt8(ascii: "]")), close < 48 {
            message = message.suffix(from: close + 1)
            if message.count > 0 && message[0] == 0x20 { message = message.suffix(from: 1) }
        }
        return SyslogEnvelope(timestamp: timestamp, host: host, tag: tag, pid: pid, message: message)
    }

    static func parse5424(_ s: ByteSpan, from start: Int) -> SyslogEnvelope? {
        let n = s.count
        var i = start
        func token() -> ByteSpan? {
            guard i < n, let e = tokenEnd(s, i) else { return nil }
            let t = s.slice(i, e)
            i = e < n ? e + 1 : e
            return t
        }
        guard let tsTok = token(), let hostTok = token(), let appTok = token(), let procTok = token(),
              token() != nil else { return nil }
        var timestamp = SyslogTimestamp.none
        if !tsTok.equals("-") {
            guard let (ts, next) = parseISO(tsTok, 0), next >= tsTok.count else { return nil }
            timestamp = ts
        }
        // STRUCTURED-DATA: "-" or one or more [..] elements (']' may be escaped inside quotes).
        if i < n && s[i] == UInt8(ascii: "-") {
            i += 1
        } else {
            while i < n && s[i] == UInt8(ascii: "[") {
                var inQuote = false
                i += 1
                while i < n {
                    let b = s[i]
                    if b == UInt8(ascii: "\\") { i += 2; continue }
                    if b == UInt8(ascii: "\"") { inQuote.toggle() }
                    if b == UInt8(ascii: "]") && !inQuote { break }
                    i += 1
                }
                i += 1
            }
        }
        if i < n && s[i] == 0x20 { i += 1 }
        // Optional UTF-8 BOM before MSG.
        if i + 2 < n && s[i] == 0xEF && s[i + 1] == 0xBB && s[i + 2] == 0xBF { i += 3 }
        let host = hostTok.equals("-") ? s.slice(0, 0) : hostTok
        let pid = procTok.decimal.map { Int32(truncatingIfNeeded: $0) } ?? 0
        return SyslogEnvelope(timestamp: timestamp, host: host, tag: appTok, pid: pid, message: s.suffix(from: i))
    }

    @inline(__always) static func digit(_ s: ByteSpan, _ i: Int) -> Int? {
        guard i < s.count else { return nil }
        let d = Int(s[i]) &- 48
        return (d >= 0 && d <= 9) ? d : nil
    }

    @inline(__always) static func two(_ s: ByteSpan, _ i: Int) -> Int? {
        guard let a = digit(s, i), let b = digit(s, i + 1) else { return nil }
        return a * 10 + b
    }

    /// `Jan` … `Dec` at `i`.
    static func monthNumber(_ s: ByteSpan, _ i: Int) -> Int? {
        guard i + 3 <= s.count else { return nil }
        let a = s[i] | 0x20, b = s[i + 1] | 0x20, c = s[i + 2] | 0x20
        switch (a, b, c) {
        case (0x6A, 0x61, 0x6E): return 1   // jan
        case (0x66, 0x65, 0x62): return 2   // feb
        case (0x6D, 0x61, 0x72): return 3   // mar
        case (0x61, 0x70, 0x72): return 4   // apr
        case (0x6D, 0x61, 0x79): return 5   // may
        case (0x6A, 0x75, 0x6E): return 6   // jun
        case (0x6A, 0x75, 0x6C): return 7   // jul
        case (0x61, 0x75, 0x67): return 8   // aug
        case (0x73, 0x65, 0x70): return 9   // sep
        case (0x6F, 0x63, 0x74): return 10  // oct
        case (0x6E, 0x6F, 0x76): return 11  // nov
        case (0x64, 0x65, 0x63): return 12  // dec
        default: return nil
        }
    }

    /// `Mmm dd HH:MM:SS`, `Mmm  d HH:MM:SS` or `Mmm d HH:MM:SS`.
    static func parseBSD(_ s: ByteSpan, _ start: Int) -> (LocalDateTime, Int)? {
        guard let month = monthNumber(s, start) else { return nil }
        var i = start + 3
        guard i < s.count, s[i] == 0x20 else { return nil }
        i += 1
        if i < s.count && s[i] == 0x20 { i += 1 }
        guard var day = digit(s, i) else { return nil }
        i += 1
        if let d2 = digit(s, i) { day = day * 10 + d2; i += 1 }
        guard i < s.count, s[i] == 0x20 else { return nil }
        i += 1
        guard let hh = two(s, i), i + 8 <= s.count, s[i + 2] == UInt8(ascii: ":"),
              let mm = two(s, i + 3), s[i + 5] == UInt8(ascii: ":"), let ss = two(s, i + 6) else { return nil }
        i += 8
        // Optional fraction.
        if i < s.count && s[i] == UInt8(ascii: ".") {
            i += 1
            while digit(s, i) != nil { i += 1 }
        }
        guard day >= 1 && day <= 31 && hh < 24 && mm < 60 && ss <= 60 else { return nil }
        return (LocalDateTime(year: nil, month: month, day: day, hour: hh, minute: mm, second: ss), i)
    }

    /// `YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH:MM|±HHMM]`.
    static func parseISO(_ s: ByteSpan, _ start: Int) -> (SyslogTimestamp, Int)? {
        let i = start
        guard i + 19 <= s.count, s[i + 4] == UInt8(ascii: "-"), s[i + 7] == UInt8(ascii: "-"),
              s[i + 10] == UInt8(ascii: "T") || s[i + 10] == 0x20,
              s[i + 13] == UInt8(ascii: ":"), s[i + 16] == UInt8(ascii: ":"),
              let y1 = two(s, i), let y2 = two(s, i + 2), let mo = two(s, i + 5), let d = two(s, i + 8),
              let hh = two(s, i + 11), let mm = two(s, i + 14), let ss = two(s, i + 17),
              mo >= 1, mo <= 12, d >= 1, d <= 31, hh < 24, mm < 60, ss <= 60 else { return nil }
        let year = y1 * 100 + y2
        var k = i + 19
        if k < s.count && (s[k] == UInt8(ascii: ".") || s[k] == UInt8(ascii: ",")) {
            k += 1
            while digit(s, k) != nil { k += 1 }
        }
        let local = LocalDateTime(year: year, month: mo, day: d, hour: hh, minute: mm, second: ss)
        let wall = CivilTime.seconds(year: year, month: mo, day: d, hour: hh, minute: mm, second: ss)
        if k < s.count && (s[k] == UInt8(ascii: "Z") || s[k] == UInt8(ascii: "z")) {
            return (.utc(wall), k + 1)
        }
        if k < s.count && (s[k] == UInt8(ascii: "+") || s[k] == UInt8(ascii: "-")) {
            let sign: Int64 = s[k] == UInt8(ascii: "+") ? 1 : -1
            guard let oh = two(s, k + 1) else { return nil }
            var j = k + 3
            if j < s.count && s[j] == UInt8(ascii: ":") { j += 1 }
            guard let om = two(s, j) else { return nil }
            let offset = sign * Int64(oh * 3600 + om * 60)
            return (.utc(wall - offset), j + 2)
        }
        return (.local(local), k)
    }
}
