/// Exim's own log file: `YYYY-MM-DD HH:MM:SS[.mmm] [+hhmm] [[pid]] message` (log-formats.md §4).
///
/// Exim writes its main log itself, not through syslog: no host, no tag. The time is local unless
/// `log_timezone` adds the offset (then it is absolute); `+millisec` adds the fraction, `+pid` the
/// `[pid]`. The same timestamp also leads Exim's messages sent to syslog (`syslog_timestamp`, on by
/// default), where `parse` steps over it.
extension EximParser {
    /// The envelope of a main-log line, or nil for any other line after a look at a few bytes. A
    /// syslog line written with the same date form (`2019-10-22 03:39:17 mx1 exim[29786]: …`) is left
    /// to the syslog envelope.
    public static func envelope(_ line: ByteSpan) -> SyslogEnvelope? {
        guard line.count > 21, line[4] == UInt8(ascii: "-"), line[10] == 0x20, line[13] == UInt8(ascii: ":"),
              let (timestamp, end) = Self.timestamp(line) else { return nil }
        var i = end
        var pid: Int32 = 0
        if let (p, next) = Self.pid(line, i) {
            pid = p
            i = next
        }
        let message = line.suffix(from: i)
        if !startsWithMessageID(message) && looksLikeSyslog(message) { return nil }
        return SyslogEnvelope(timestamp: timestamp, host: line.slice(0, 0), tag: tag, pid: pid, message: message)
    }

    /// The tag of main-log lines (they have none; the parser is chosen by `envelope`).
    static let tag: ByteSpan = {
        let bytes = Array("exim".utf8)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        return ByteSpan(base: p, count: bytes.count)
    }()

    /// `YYYY-MM-DD HH:MM:SS[.fff][ ±hhmm] ` at the start of `s`: the time (local, or UTC with an
    /// offset) and the index after it and the space that follows.
    static func timestamp(_ s: ByteSpan) -> (SyslogTimestamp, Int)? {
        guard s.count > 20, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"), s[10] == 0x20,
              s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
              let y1 = two(s, 0), let y2 = two(s, 2), let mo = two(s, 5), let d = two(s, 8),
              let hh = two(s, 11), let mm = two(s, 14), let ss = two(s, 17),
              mo >= 1, mo <= 12, d >= 1, d <= 31, hh < 24, mm < 60, ss <= 60 else { return nil }
        var i = 19
        if i < s.count && s[i] == UInt8(ascii: ".") {
            i += 1
            while i < s.count && ByteSpan.isDigit(s[i]) { i += 1 }
        }
        guard i < s.count, s[i] == 0x20 else { return nil }
        i += 1
        let year = y1 * 100 + y2
        // `log_timezone`: " +0100" (a sign, four digits, a space).
        if i + 5 < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"), s[i + 5] == 0x20,
           let oh = two(s, i + 1), let om = two(s, i + 3) {
            let sign: Int64 = s[i] == UInt8(ascii: "+") ? 1 : -1
            let wall = CivilTime.seconds(year: year, month: mo, day: d, hour: hh, minute: mm, second: ss)
            return (.utc(wall - sign * Int64(oh * 3600 + om * 60)), i + 6)
        }
        return (.local(LocalDateTime(year: year, month: mo, day: d, hour: hh, minute: mm, second: ss)), i)
    }

    /// `[digits] ` at `i`: the pid (`+pid`) and the index after it.
    static func pid(_ s: ByteSpan, _ i: Int) -> (Int32, Int)? {
        guard i < s.count, s[i] == UInt8(ascii: "["), let close = s.firstIndex(of: UInt8(ascii: "]"), from: i),
              close - i <= 11, let v = s.slice(i + 1, close).decimal else { return nil }
        var next = close + 1
        if next < s.count && s[next] == 0x20 { next += 1 }
        return (Int32(truncatingIfNeeded: v), next)
    }

    /// A message id at the start of `s`, followed by a space: `1Ov4tU-0000Nz-Rm` (6-6-2) or, since
    /// 4.97, `1smkL5-00000000e65-24eQ` (6-11-4).
    static func messageIDLength(_ s: ByteSpan) -> Int? {
        let n: Int
        if s.count > 16 && s[16] == 0x20 && s[6] == UInt8(ascii: "-") && s[13] == UInt8(ascii: "-") {
            n = 16
        } else if s.count > 23 && s[23] == 0x20 && s[6] == UInt8(ascii: "-") && s[18] == UInt8(ascii: "-") {
            n = 23
        } else {
            return nil
        }
        // Every byte a letter, a digit or '-', tested eight at a time (the last word overlaps the one
        // before): the byte-by-byte tests were a tenth of the Exim envelope (callgrind).
        let p = UnsafeRawPointer(s.base)
        return idWord(p.loadUnaligned(as: UInt64.self)) && idWord(p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            && idWord(p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) ? n : nil
    }

    /// True when each of the eight bytes of `w` is `-`, `0`-`9`, `A`-`Z` or `a`-`z`. For a byte b < 128,
    /// b + (128 - lo) has its high bit set when b >= lo, and b + (127 - hi) when b > hi; no sum carries
    /// into the next byte.
    @inline(__always) static func idWord(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let x = w & ~highs
        func inRange(_ lo: UInt64, _ hi: UInt64) -> UInt64 { (x &+ ones &* (128 - lo)) & ~(x &+ ones &* (127 - hi)) }
        let dash = ~((x ^ (ones &* 0x2D)) &+ ones &* 0x7F)
        let ok = (inRange(0x30, 0x39) | inRange(0x41, 0x5A) | inRange(0x61, 0x7A) | dash) & highs
        return ok == highs && w & highs == 0
    }

    static func startsWithMessageID(_ s: ByteSpan) -> Bool { messageIDLength(s) != nil }

    /// True when `s` starts like a syslog message rather than an Exim one: `tag[pid]: …` or
    /// `host tag[pid]: …` (a tag is a word of letters, digits, `/`, `_`, `.`, `-` ending in `:`).
    static func looksLikeSyslog(_ s: ByteSpan) -> Bool {
        guard let e1 = s.firstIndex(of: 0x20) else { return false }
        if isTag(s.prefix(e1)) { return true }
        let first = s.prefix(e1)
        if first.firstIndex(of: UInt8(ascii: "=")) != nil || first.firstIndex(of: UInt8(ascii: "[")) != nil { return false }
        let e2 = s.firstIndex(of: 0x20, from: e1 + 1) ?? s.count
        let second = s.slice(e1 + 1, e2)
        guard isTag(second) else { return false }
        // `host tag[pid]:`; a bare `tag:` only after a host name in lower case (Exim's own
        // `TLS session: …` has a capital first word).
        if second.count > 2 && second[second.count - 2] == UInt8(ascii: "]") { return true }
        for i in 0..<first.count where first[i] >= 0x41 && first[i] <= 0x5A { return false }
        return true
    }

    /// `tag:` or `tag[digits]:`.
    static func isTag(_ t: ByteSpan) -> Bool {
        guard t.count >= 2, t[t.count - 1] == UInt8(ascii: ":") else { return false }
        var i = 0
        while i < t.count - 1 {
            let b = t[i]
            if b == UInt8(ascii: "[") {
                guard t.count - 2 > i, t[t.count - 2] == UInt8(ascii: "]") else { return false }
                return i > 0 && t.slice(i + 1, t.count - 2).decimal != nil
            }
            guard ByteSpan.isAlnum(b) || b == UInt8(ascii: "/") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
                    || b == UInt8(ascii: "-") else { return false }
            i += 1
        }
        return true
    }

    @inline(__always) static func two(_ s: ByteSpan, _ i: Int) -> Int? {
        guard i + 1 < s.count else { return nil }
        let a = Int(s[i]) &- 48, b = Int(s[i + 1]) &- 48
        guard a >= 0 && a <= 9 && b >= 0 && b <= 9 else { return nil }
        return a * 10 + b
    }
}
