import Foundation
import MailTLSParser
import Testing

/// The linker's open state stays bounded however many made-up hosts and pids a log holds, and the
/// sessions still in use survive the sweeps that bound it (docs/parsing-limits.md).
@Suite("Linker bounds")
struct LinkerBoundsTests {
    @Test("30,000 one-line hosts and pids: the open keys stay bounded, an active session keeps linking")
    func madeUpHostsAndPids() throws {
        var p = Pipeline()
        p.feed(["Mar  4 10:00:00 mx1 sm-mta[7]: STARTTLS=server, relay=a.example [192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256"])
        var mostKeys = 0
        for i in 0..<30_000 {
            let t = String(format: "10:%02d:%02d", 1 + i / 1000, (i / 20) % 60)
            var lines = ["Mar  4 \(t) junk\(i) sm-mta[\(i)]: NOQUEUE: connect from [192.0.2.\(i % 250)]"]
            // mx1's session stays active among them: the sweeps keep it, and renumber its host.
            if i % 1000 == 999 {
                lines.append("Mar  4 \(t) mx1 sm-mta[7]: AUTH=server, relay=a.example [192.0.2.1], authid=u\(i), mech=PLAIN, bits=0")
            }
            p.feed(lines)
            mostKeys = max(mostKeys, p.linker.openKeys)
        }
        p.feed(["Mar  4 10:40:00 mx1 sm-mta[7]: u24A00aa000001: from=<a@example.org>, size=10, class=0, nrcpts=1, proto=ESMTPS, daemon=MTA, relay=a.example [192.0.2.1]"])
        let session = try #require(p.sessions.first)
        #expect(p.auths.count == 30)
        #expect(p.auths.allSatisfy { $0.sessionID == session.id })
        #expect(p.messages.first?.sessionID == session.id)
        // 4 MiB at 400 bytes a key, plus what one sweep interval may add.
        #expect(mostKeys < 15_000, "open keys grew to \(mostKeys)")
        #expect(p.linker.openKeys < 15_000)

        // The saved state keeps the session (the hosts were renumbered; the JSON names them).
        var copy = try JSONDecoder().decode(SessionLinker.self, from: JSONEncoder().encode(p.linker))
        var after: [LogRecord] = []
        var parser = LineParser(resolver: TimestampResolver(year: 2026, timeZone: utcZone))
        let line = "Mar  4 10:41:00 mx1 sm-mta[7]: u24A00aa000002: from=<b@example.org>, size=10, class=0, nrcpts=1, proto=ESMTPS, daemon=MTA, relay=a.example [192.0.2.1]"
        if case .record(let r) = ByteSpan.with(line, { parser.parse($0, origin: LineOrigin(source: 1, offset: 0)) }) {
            copy.link(r) { after.append($0) }
        }
        #expect(after.first?.sessionID == session.id)
    }
}
