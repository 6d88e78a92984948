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
package enum TextTemplate {
    package static let marker: UInt8 = 0x01

    /// Where the token is in `s`, or nil when `s` is its own template.
    package static func tokenRange(_ s: ByteSpan) -> Range<Int>? {
        var first = -1, last = -1
        var wordStart = 0, hasDigit = false
        var i = 0
        while i <= s.count {
            let b: UInt8 = i < s.count ? s[i] : 0x20
            if b == marker { return nil }
            if b == 0x20 {
                if hasDigit {
                    if first < 0 { first = wordStart }
                    last = i
                }
                wordStart = i + 1
                hasDigit = false
            } else if b >= 0x30 && b <= 0x39 {
                hasDigit = true
            }
            i += 1
        }
        return first < 0 ? nil : first..<last
    }

    /// The SQL expression that gives the text back from a template id column and its token column.
    static func sql(template: String, token: String) -> String {
        "CASE WHEN \(token) IS NULL THEN (SELECT value FROM texts WHERE id = \(template)) "
            + "ELSE replace((SELECT value FROM texts WHERE id = \(template)), char(1), \(token)) END"
    }
}
