import MailTLSReports
import MailTLSStore
import MailTLSTestSupport
import Testing

/// `rates --by hour` equals the messages and deliveries of the view rows counted per UTC hour of the
/// day, by rates' definitions, on the samples and on generated logs (FilterTests pins hand-counted
/// rows and the time zones).
@Suite struct RatesByHourTests {
    @Test(arguments: ["samples", "synthlog", "domainlog"])
    func agreesWithTheRawRows(log: String) throws {
        let store: TestStore
        switch log {
        case "samples": store = try TestStore([], files: ["isp-relay.log", "multihost.log", "outbound.log"].map(sample))
        case "synthlog": store = try TestStore(SynthLog.text(SynthLog.lines(0..<3_000)))  // 01:00 to 06:00
        default: store = try TestStore(DomainLog.text(sessions: 600))  // 00:00 to 10:00
        }
        let database = store.reporter.store!.database
        for includeLocal in [false, true] {
            // hour -> [inbound messages, inbound encrypted, outbound deliveries, outbound encrypted]
            var truth: [String: [Int64]] = [:]
            let local = includeLocal ? 1 : 0
            let rows = try database.prepare("""
                SELECT substr(ts, 12, 2), 0, encrypted FROM messages WHERE proto IS NOT NULL AND (\(local) OR NOT loopback)
                UNION ALL
                SELECT substr(ts, 12, 2), 2, encrypted FROM deliveries
                WHERE status = 'sent' AND network_mailer AND (\(local) OR NOT loopback)
                """)
            while try rows.step() {
                let hour = rows.value(0).text ?? "?", column = Int(rows.value(1).int ?? 0)
                var counts = truth[hour, default: [0, 0, 0, 0]]
                counts[column] += 1
                counts[column + 1] += rows.value(2).int ?? 0
                truth[hour] = counts
            }
            #expect(truth.count > 1, "\(log): traffic in more than one hour")
            let report = try store.table("rates", ReportFilter(includeLocal: includeLocal, by: .hour))
            var got: [String: [Int64]] = [:]
            for r in report.records {
                got[r["bucket"]?.text ?? "?"] = ["inbound_messages", "inbound_encrypted", "outbound_deliveries", "outbound_encrypted"]
                    .map { r[$0]?.int ?? -1 }
            }
            #expect(got == truth, "\(log), include local \(includeLocal)")
        }
    }
}
