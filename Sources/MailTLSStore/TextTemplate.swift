import MailTLSParser

/// Splits a logged text into a repeated template and the unique part it carries, so the template can
/// go in `texts` once and only the unique part stays in the row.
///
/// `stat=` of a network delivery is the remote server's reply: `Sent (Ok: queued as 4CDF19C24068)`,
/// `Sent (OK id=1v4c03-000CBD3D-19Qa)`, `Sent (<id@host> [InternalId=…] Queued mail for delivery)`. The
/// words around its ids repeat across millions of rows; the ids do not. The token is the span from the
/// first word holding a digit to the last one; the template is the text with that span replaced by
/// `marker` (U+0001). The views put the token back (`replace(template, char(1), token)`). Text with no
/// digit, or holding the marker itself, is stored whole as its own template.
///
/// A reply that starts with its SMTP code and enhanced status code (`250 2.0.0 Ok: queued as
/// 000K1gLG`, as Exim's `C=` and Postfix's `status=sent (…)` log it) keeps those in the template: they
/// repeat, and the token would otherwise be the whole reply (32 bytes a delivery in an Exim log, 5 % of
/// its store).
package enum TextTemplate {
    package static let marker: UInt8 = 0x01

    /// Where the token is in `s`, or nil when `s` is its own template. From the first digit back to the
    /// start of its word, and from the last digit on to the end of its word: the bytes between are not
    /// looked at (a reply's ids are near its ends; one pass over every byte cost 700 instructions a
    /// delivery, 1.5 % of an Exim ingest's writer thread).
    package static func tokenRange(_ s: ByteSpan) -> Range<Int>? {
        let n = s.count
        guard s.firstIndex(of: marker) == nil else { return nil }
        var i = replyCodeEnd(s)
        while i < n && !isDigit(s[i]) { i += 1 }
        guard i < n else { return nil }
        var first = i
        while first > 0 && s[first - 1] != 0x20 { first -= 1 }
        var j = n - 1
        while !isDigit(s[j]) { j -= 1 }   // stops at i at the latest
        var last = j + 1
        while last < n && s[last] != 0x20 { last += 1 }
        return first..<last
    }

    @inline(__always) private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Where the text after a leading reply code begins: after `DDD ` or `DDD-`, then after an enhanced
    /// status code `D.D[DD].D[DD] ` (RFC 3463) if one follows; 0 when the text starts otherwise.
    static func replyCodeEnd(_ s: ByteSpan) -> Int {
        let n = s.count
        guard n >= 4, isDigit(s[0]), isDigit(s[1]), isDigit(s[2]), s[3] == 0x20 || s[3] == 0x2D else { return 0 }
        var i = 4
        // class "." subject "." detail, each 1-3 digits, then a space
        var j = i
        for part in 0..<3 {
            let start = j
            while j < n && j - start < 3 && isDigit(s[j]) { j += 1 }
            guard j > start, j < n else { return i }
            if part < 2 {
                guard s[j] == 0x2E else { return i }
                j += 1
            }
        }
        if s[j] == 0x20 { i = j + 1 }
        return i
    }

    /// The SQL expression that gives the text back from a template id column and its token column.
    static func sql(template: String, token: String) -> String {
        "CASE WHEN \(token) IS NULL THEN (SELECT value FROM texts WHERE id = \(template)) "
            + "ELSE replace((SELECT value FROM texts WHERE id = \(template)), char(1), \(token)) END"
    }
}
