import MailTLSParser

/// Formats UTC seconds as `YYYY-MM-DDTHH:MM:SSZ` into a reusable buffer, with the date part cached:
/// the writer stamps every row, so this avoids creating a String per row.
struct TimeText {
    private var day: Int64 = .min
    private var buffer = [UInt8](repeating: 0, count: 20)

    static func iso(_ t: Int64) -> String { CivilTime.iso8601(t) }

    /// Calls `body` with the 20 bytes of the timestamp.
    mutating func withISO<R>(_ t: Int64, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var d = t / 86400
        var s = t % 86400
        if s < 0 { s += 86400; d -= 1 }
        if d != day {
            day = d
            // `YYYY-MM-DDT` of that day, from the one ISO-8601 formatter.
            buffer.replaceSubrange(0..<11, with: CivilTime.iso8601(d * 86400).utf8.prefix(11))
            buffer[13] = UInt8(ascii: ":")
            buffer[16] = UInt8(ascii: ":")
            buffer[19] = UInt8(ascii: "Z")
        }
        let h = Int(s / 3600), mi = Int(s / 60 % 60), se = Int(s % 60)
        buffer[11] = UInt8(48 + h / 10); buffer[12] = UInt8(48 + h % 10)
        buffer[14] = UInt8(48 + mi / 10); buffer[15] = UInt8(48 + mi % 10)
        buffer[17] = UInt8(48 + se / 10); buffer[18] = UInt8(48 + se % 10)
        return buffer.withUnsafeBytes(body)
    }
}
