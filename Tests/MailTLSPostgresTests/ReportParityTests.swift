import Foundation
import MailTLSReports
import MailTLSTestSupport
import Testing

/// Every report, export and check from a PostgreSQL store equals SQLite's for the same input, byte
/// for byte in every format (`ReportTwins.cases`): the shared `Queries/` files, the `.postgres.sql`
/// ones, the typing of PostgreSQL's values and the SQLite functions of `PostgresReportFunctions`.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL server: set MAILTLS_TEST_PG (scripts/pg-test-server)"))
struct ReportParityTests {
    /// Samples/*.log: sendmail, Postfix and Exim, loopback hops, failures, AUTH, several hosts and days.
    @Test func samplesReportTheSameFromBothStores() throws {
        let twins = try ReportTwins(logs: try LogFeed.sampleLogs())
        try Self.expectSame(twins)
    }

    /// A generated log (`mailtls-synth`, two hosts, 1 MB): thousands of peers, every cipher and
    /// verify outcome, weeks of days.
    @Test func syntheticLogReportsTheSameFromBothStores() async throws {
        let dir = try TempDir()
        let log = dir.url.appendingPathComponent("synth.log")
        try await BuiltBinary.synth(["1M", "--seed", "5", "--hosts", "2", "--out", log.path])
        let twins = try ReportTwins(logs: [log])
        try Self.expectSame(twins)
    }

    static func expectSame(_ twins: ReportTwins, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (count, differing) = twins.differences()
        #expect(count > 900, "the comparison covers every case", sourceLocation: sourceLocation)
        let report = "\(differing.count) of \(count) renderings differ:\n" + differing.prefix(25).joined(separator: "\n")
        #expect(differing.isEmpty, "\(report)", sourceLocation: sourceLocation)
    }
}
