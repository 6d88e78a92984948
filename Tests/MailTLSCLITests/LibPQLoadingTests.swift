import Foundation
import MailTLSTestSupport
import Testing

/// libpq is opened when a PostgreSQL store is (`CLibPQ`), not linked: SQLite use works without it,
/// and a `postgresql://` store without it fails with a message saying what to install.
/// `MAILTLS_LIBPQ` names a file that does not exist, as on a machine without libpq.
@Suite struct LibPQLoadingTests {
    static let missing = ["MAILTLS_LIBPQ": "/nonexistent/libpq.so.5"]

    @Test func sqliteWorksWithoutLibpq() async throws {
        let dir = try Scratch()
        let log = try dir.write("maillog", SynthLog.text(SynthLog.lines(0..<20)))
        let db = dir.path("t.db")
        let ingest = try await dir.run(ingestArgs(db, [log]), env: Self.missing)
        #expect(ingest.status == 0, "\(ingest)")
        let report = try await dir.run(["report", "--db", db, "--format", "json"], env: Self.missing)
        #expect(report.status == 0 && report.stdout.contains("sessions"), "\(report)")
        // The binary does not link libpq (nor the libraries it pulls in).
        if toolExists("ldd") {
            let (status, output) = try sh("ldd '\(try MailTLSBinary.path())'")
            #expect(status == 0 && !output.contains("libpq"), "\(output)")
        }
    }

    @Test func aPostgresStoreWithoutLibpqSaysWhatToInstall() async throws {
        let dir = try Scratch()
        let r = try await dir.run(["status", "--db", "postgresql://mailtls@127.0.0.1:1/mailtls"], env: Self.missing)
        #expect(r.status != 0 && !r.signaled, "\(r)")
        #expect(r.stderr.contains("PostgreSQL support needs libpq (Debian: apt-get install libpq5"), "\(r)")
        #expect(r.stderr.contains("/nonexistent/libpq.so.5"), "\(r)")
    }
}
