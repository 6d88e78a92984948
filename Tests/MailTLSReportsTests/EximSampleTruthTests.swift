import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// The summary of `Samples/exim.log` against its `exim.log.truth.json`, counted by the definitions of
/// docs/exim.md independently of mailtls (by a separate script, then checked line by line): sessions
/// with loopback included, the rest without, as `SampleTruthTests` compares the sendmail samples.
@Suite struct EximSampleTruthTests {
    @Test func eximSummaryMatchesItsTruthFile() throws {
        let truth = try JSONValue(parsing: try String(contentsOfFile: sample("exim.log") + ".truth.json", encoding: .utf8))
        let store = try TestStore([], files: [sample("exim.log")])
        let summary = try store.summary()
        let local = try store.summary(ReportFilter(includeLocal: true))

        for key in ["total", "by_role", "by_version", "by_cipher", "by_verify"] {
            #expect(SampleTruthTests.sorted(local["sessions"]?[key]) == SampleTruthTests.sorted(truth["sessions"]?[key]),
                    "sessions.\(key)")
        }
        for key in ["inbound", "outbound", "handshake_failures", "auth", "weak_sessions"] {
            #expect(SampleTruthTests.sorted(summary[key]) == SampleTruthTests.sorted(truth[key]), "\(key)")
        }
        let ppcKeys = ["role", "cipher", "peers", "sessions"]
        #expect(SampleTruthTests.rows(summary["peers_per_cipher"], keys: ppcKeys)
                == SampleTruthTests.rows(truth["peers_per_cipher"], keys: ppcKeys))
        let daily = ["date", "inbound_messages", "inbound_encrypted", "inbound_rate", "outbound_deliveries",
                     "outbound_encrypted", "outbound_rate"]
        #expect(SampleTruthTests.rows(summary["daily"], keys: daily) == SampleTruthTests.rows(truth["daily"], keys: daily))
        #expect(SampleTruthTests.rows(local["daily"], keys: ["date", "sessions"])
                == SampleTruthTests.rows(truth["daily"], keys: ["date", "sessions"]))
    }

    /// The figures the truth file holds, written out: a wrong truth file cannot pass unnoticed.
    @Test func eximTruthFileHoldsTheHandCountedFigures() throws {
        let truth = try JSONValue(parsing: try String(contentsOfFile: sample("exim.log") + ".truth.json", encoding: .utf8))
        #expect(truth["sessions"]?["total"]?.compactText == "17")
        #expect(truth["inbound"]?["messages"]?.compactText == "13")
        #expect(truth["inbound"]?["encrypted"]?.compactText == "10")
        #expect(truth["outbound"]?["deliveries"]?.compactText == "10")
        #expect(truth["outbound"]?["encrypted"]?.compactText == "8")
        #expect(truth["handshake_failures"]?.compactText == "6")
        #expect(truth["weak_sessions"]?.compactText == "2")
        #expect(truth["auth"]?["total"]?.compactText == "5")
        #expect(truth["auth"]?["over_tls"]?.compactText == "3")
        #expect(truth["auth"]?["plaintext_password"]?.compactText == "1")
    }
}
