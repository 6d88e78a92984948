import Foundation
import Testing

/// `scripts/install`'s checks that need no build. (A release build takes minutes, so installing is
/// not run here: run `scripts/install /tmp/p`, then the binary with the toolchain hidden.)
@Suite struct InstallScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/install").path

    @Test func itIsValidBashAndExecutable() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.script))
        let r = try sh("bash -n '\(Self.script)'")
        #expect(r.status == 0, "\(r.output)")
    }

    @Test func helpSaysWhatItInstalls() throws {
        let r = try sh("'\(Self.script)' --help")
        #expect(r.status == 0, "\(r.output)")
        for part in ["PREFIX/bin/mailtls", "share/man/man1/mailtls.1", "bash-completion", "site-functions/_mailtls",
                     "vendor_completions.d/mailtls.fish", "default /usr/local"] {
            #expect(r.output.contains(part), "\(part): \(r.output)")
        }
    }

    /// A relative PREFIX would install relative to the source tree: a usage error, before any build.
    @Test func aRelativePrefixIsAUsageError() throws {
        let r = try sh("'\(Self.script)' local/stuff")
        #expect(r.status == 2 && r.output.contains("PREFIX must be an absolute path, not 'local/stuff'"), "\(r.output)")
    }
}
