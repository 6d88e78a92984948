import MailTLSIngest
import MailTLSStore
import Testing

/// The one-line summary of a run (stderr): counts with the noun in the number they take.
@Suite struct IngestSummaryTests {
    @Test func oneOfAThingIsSingular() {
        var s = IngestSummary()
        s.files = 1
        s.lines = 1
        s.rows.sessions = 1
        s.rows.messages = 1
        s.rows.deliveries = 1
        s.rows.auth = 1
        s.rows.failures = 1
        #expect(s.line.hasPrefix("1 file, 1 line, 1 TLS session, 1 message, 1 delivery, 1 auth, 1 TLS failure, 0 skipped"), "\(s.line)")
        s.files = 2
        s.lines = 2
        s.rows.sessions = 0
        s.rows.deliveries = 3
        s.rows.failures = 2
        #expect(s.line.hasPrefix("2 files, 2 lines, 0 TLS sessions, 1 message, 3 deliveries, 1 auth, 2 TLS failures"), "\(s.line)")
    }
}
