import Foundation
import MailTLSIngest

/// A one-line progress display on stderr (only when stderr is a terminal).
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    private var last = Date.distantPast
    private var shown = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func show(_ p: IngestProgress) {
        guard enabled, Date().timeIntervalSince(last) >= 0.25 else { return }
        last = Date()
        let mib = 1024.0 * 1024.0
        var text = String(format: "\r%8.1f / %.1f MiB  %6.1f MiB/s", Double(p.bytesDone) / mib, Double(p.bytesTotal) / mib,
                          p.bytesPerSecond / mib)
        if let eta = p.eta { text += String(format: "  ETA %d:%02d", Int(eta) / 60, Int(eta) % 60) }
        text += "  " + (p.path as NSString).lastPathComponent + "\u{1B}[K"
        Console.write(text)
        shown = true
    }

    func clear() {
        if shown { Console.write("\r\u{1B}[K") }
    }
}
