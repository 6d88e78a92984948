import Foundation
import MailTLSParser
import MailTLSPostgres
import MailTLSStore

/// The next ingest on a host after `mailtls copy`, as `mailtls ingest --db postgresql://…` keeps its
/// state (the contract the copy writes to): the host's `ingest_state 'linker'` is the SessionLinker,
/// `'ids'` the writer's `IDState` to `restore`, and its `sources` rows the checkpoints to go on from.
/// Reads the rest of one file, writes it with the checkpoint, linker and ids in one transaction.
enum PostgresResume {
    static func ingestRest(of path: String, as host: String, into url: PostgresURL, timeZone: TimeZone) throws {
        let store = try PostgresStore(url: url)
        try store.lockSource(ingestHost: host, path: path)
        defer { try? store.unlockSource(ingestHost: host, path: path) }
        func state(_ key: String) throws -> Data? {
            try store.connection.query("SELECT value FROM ingest_state WHERE ingest_host = $1 AND key = $2", [host, key])
                .first.map { Data(($0[0] ?? "").utf8) }
        }
        var linker = try state(StoreCopy.linkerKey).map { try JSONDecoder().decode(SessionLinker.self, from: $0) }
            ?? SessionLinker()
        let writer = try PostgresWriter(store: store, flushRows: 500)
        if let ids = try state(StoreCopy.idsKey) {
            writer.restore(try JSONDecoder().decode(PostgresWriter.IDState.self, from: ids))
        }
        var source = try store.sources(ingestHost: host).first { $0.path == path } ?? SourceRecord(path: path)
        if source.id == 0 { source.id = try store.insertSource(ingestHost: host, source) }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var parser = LineParser(resolver: TimestampResolver(year: 2026, timeZone: timeZone))
        var records: [LogRecord] = []
        var start = Int(source.offset)
        var lines: Int64 = 0
        bytes.withUnsafeBufferPointer { p in
            while start < p.count {
                guard let end = p[start...].firstIndex(of: 0x0A) else { break }
                let line = ByteSpan(base: p.baseAddress! + start, count: end - start)
                let outcome = parser.parse(line, origin: LineOrigin(source: source.id, offset: Int64(start)))
                var parsed: [LogRecord] = []
                if case .record(let r) = outcome { parsed = [r] }
                if case .records(let rs) = outcome { parsed = rs }
                for r in parsed { linker.link(r) { records.append($0) } }
                lines += 1
                start = end + 1
            }
        }
        linker.compact { records.append($0) }
        try writer.begin()
        do {
            for r in records { try writer.write(r) }
            try writer.flush()
            source.offset = Int64(start)
            source.lines += lines
            try store.updateSource(source)
            for (key, value) in [(StoreCopy.linkerKey, try JSONEncoder().encode(linker)),
                                 (StoreCopy.idsKey, try JSONEncoder().encode(writer.idState))] {
                try store.connection.query("""
                    INSERT INTO ingest_state VALUES ($1, $2, $3)
                    ON CONFLICT (ingest_host, key) DO UPDATE SET value = excluded.value
                    """, [host, key, String(decoding: value, as: UTF8.self)])
            }
            try writer.commit()
        } catch {
            writer.rollback()
            throw error
        }
    }
}
