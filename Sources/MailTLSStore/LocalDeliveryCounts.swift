import MailTLSParser

/// Deliveries by non-network mailers (local, prog, *file*, *include*, …), kept as daily counts instead
/// of one row each.
///
/// They carry no TLS: no report reads them one by one, yet they were about a third of all delivery rows
/// on a typical relay (half on a mailbox server). The store keeps, per UTC day, syslog host, mailer,
/// status and input file, how many there were (`local_deliveries`); network deliveries stay rows in
/// `deliveries`. Counting by input file lets `--reingest` take a file's counts away before it reads the
/// file again, as it does with its rows. Counted in memory as the writer sees them, written with the
/// rows of the same transaction (`flush`), forgotten on rollback (`clear`).
final class LocalDeliveryCounts {
    private struct Key: Hashable {
        let day: Int64
        let host: String
        let mailer: String
        let status: String
        let source: Int64
    }

    private struct Count {
        var n: Int64 = 0
        var first = Int64.max
        var last = Int64.min
    }

    private var counts: [Key: Count] = [:]
    private let upsert: Statement

    static let schema = """
        CREATE TABLE local_deliveries (  -- deliveries by non-network mailers, counted per day instead of stored as rows
            day        TEXT NOT NULL,     -- UTC day, YYYY-MM-DD
            host       TEXT NOT NULL,     -- syslog host
            mailer     TEXT NOT NULL,     -- local, prog, *file*, *include*, ... ('' when the line names none)
            status     TEXT NOT NULL,     -- sent, deferred, bounced or other
            source_id  INTEGER NOT NULL,  -- sources.id: the input file they were read from
            n          INTEGER NOT NULL,  -- deliveries (to= lines; a to= ... [more] list counts once)
            first_ts   TEXT,
            last_ts    TEXT,
            PRIMARY KEY (day, host, mailer, status, source_id)
        ) WITHOUT ROWID
        """

    init(_ db: Database) throws {
        upsert = try db.prepare("""
            INSERT INTO local_deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET n = n + excluded.n, first_ts = min(first_ts, excluded.first_ts),
                last_ts = max(last_ts, excluded.last_ts)
            """)
    }

    /// Counts one delivery of `r` by a non-network mailer.
    func add(_ d: Delivery, of r: LogRecord) {
        let key = Key(day: r.time >= 0 ? r.time / 86400 : (r.time - 86399) / 86400, host: r.host,
                      mailer: d.mailer ?? "", status: d.status.rawValue, source: r.origin.source)
        counts[key, default: Count()].n += 1
        counts[key]!.first = min(counts[key]!.first, r.time)
        counts[key]!.last = max(counts[key]!.last, r.time)
    }

    /// Adds the counts to `local_deliveries` (in the caller's transaction) and starts again from zero.
    func flush() throws {
        for (k, c) in counts {
            upsert.bind(1, CivilTime.isoDate(k.day * 86400))
            upsert.bind(2, k.host)
            upsert.bind(3, k.mailer)
            upsert.bind(4, k.status)
            upsert.bind(5, k.source)
            upsert.bind(6, c.n)
            upsert.bind(7, CivilTime.iso8601(c.first))
            upsert.bind(8, CivilTime.iso8601(c.last))
            try upsert.run()
        }
        counts.removeAll(keepingCapacity: true)
    }

    /// Forgets the counts not yet written (the transaction is being rolled back).
    func clear() { counts.removeAll(keepingCapacity: true) }
}
