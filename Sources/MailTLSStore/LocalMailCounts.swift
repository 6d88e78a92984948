import MailTLSParser

/// Mail that never crossed the network, kept as daily counts instead of one row each: deliveries by
/// non-network mailers (local, prog, *file*, *include*, …) and messages submitted on the command line
/// (a `from=` line without `proto=`).
///
/// They carry no TLS: no report reads them one by one, yet local deliveries were about a third of all
/// delivery rows on a typical relay (half on a mailbox server) and submissions a tenth of the messages.
/// The store keeps, per UTC day, syslog host, kind, mailer, status and input file, how many there
/// were (`local_mail`); network deliveries and SMTP messages stay rows. Counting by input file lets
/// `--reingest` take a file's counts away before it reads the file again, as it does with its rows.
/// Counted in memory as the writer sees them, written with the rows of the same transaction (`flush`),
/// forgotten on rollback (`clear`).
package final class LocalMailCounts {
    enum Kind: String {
        /// A `to=` line of a non-network mailer.
        case delivery
        /// A `from=` line without `proto=`: submitted on the command line, not over SMTP.
        case submission
    }

    private struct Key: Hashable {
        let day: Int64
        let host: String
        let kind: Kind
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

    package static let schema = """
        CREATE TABLE local_mail (  -- mail that never crossed the network, counted per day instead of stored as rows
            day        TEXT NOT NULL,     -- UTC day, YYYY-MM-DD
            host       TEXT NOT NULL,     -- syslog host
            kind       TEXT NOT NULL,     -- 'delivery': a to= line of a non-network mailer;
                                          -- 'submission': a from= line without proto= (command-line submission)
            mailer     TEXT NOT NULL,     -- deliveries: local, prog, *file*, *include*, ... ('' when none is named)
            status     TEXT NOT NULL,     -- deliveries: sent, deferred, bounced or other ('' for submissions)
            source_id  INTEGER NOT NULL,  -- sources.id: the input file they were read from
            n          INTEGER NOT NULL,  -- lines (a to= ... [more] list counts once)
            first_ts   TEXT,
            last_ts    TEXT,
            PRIMARY KEY (day, host, kind, mailer, status, source_id)
        ) WITHOUT ROWID
        """

    init(_ db: Database) throws {
        upsert = try db.prepare("""
            INSERT INTO local_mail VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET n = n + excluded.n, first_ts = min(first_ts, excluded.first_ts),
                last_ts = max(last_ts, excluded.last_ts)
            """)
    }

    /// Counts one local delivery or submission of `r`.
    func add(_ kind: Kind, of r: LogRecord, mailer: String? = nil, status: String = "") {
        let key = Key(day: r.time >= 0 ? r.time / 86400 : (r.time - 86399) / 86400, host: r.host, kind: kind,
                      mailer: mailer ?? "", status: status, source: r.origin.source)
        var c = counts[key, default: Count()]
        c.n += 1
        c.first = min(c.first, r.time)
        c.last = max(c.last, r.time)
        counts[key] = c
    }

    /// Adds the counts to `local_mail` (in the caller's transaction) and starts again from zero.
    func flush() throws {
        for (k, c) in counts {
            upsert.bind(1, CivilTime.isoDate(k.day * 86400))
            upsert.bind(2, k.host)
            upsert.bind(3, k.kind.rawValue)
            upsert.bind(4, k.mailer)
            upsert.bind(5, k.status)
            upsert.bind(6, k.source)
            upsert.bind(7, c.n)
            upsert.bind(8, CivilTime.iso8601(c.first))
            upsert.bind(9, CivilTime.iso8601(c.last))
            try upsert.run()
        }
        counts.removeAll(keepingCapacity: true)
    }

    /// Forgets the counts not yet written (the transaction is being rolled back).
    func clear() { counts.removeAll(keepingCapacity: true) }
}
