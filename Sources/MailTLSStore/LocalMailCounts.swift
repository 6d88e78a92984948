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

    /// Compared in place by `RollupTable`, hashed with `FastHash`: a Dictionary keyed by this struct
    /// hashed its three Strings with SipHash and copied the key on every line, about 4,800 instructions
    /// a local delivery (callgrind; an Exim log has twice as many per MiB as sendmail's).
    private struct Key {
        let day: Int64
        let host: String
        let kind: Kind
        let mailer: String
        let status: String
        let source: Int64
    }

    private let counts = RollupTable<Key>()
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
        let day = RollupAccumulator.day(r.time), mailer = mailer ?? ""
        let hash = FastHash.of(status, FastHash.of(mailer, FastHash.of(
            (day &* 2 &+ (kind == .delivery ? 1 : 0)) ^ (r.origin.source &<< 40), FastHash.of(r.host))))
        counts.add(r.time, hash: hash) {
            $0.day == day && $0.source == r.origin.source && $0.kind == kind && $0.status == status
                && $0.mailer == mailer && $0.host == r.host
        } make: {
            Key(day: day, host: r.host, kind: kind, mailer: mailer, status: status, source: r.origin.source)
        }
    }

    /// Adds the counts to `local_mail` (in the caller's transaction) and starts again from zero.
    func flush() throws {
        try counts.forEach { k, c in
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
        counts.removeAll()
    }

    /// Forgets the counts not yet written (the transaction is being rolled back).
    func clear() { counts.removeAll() }
}
