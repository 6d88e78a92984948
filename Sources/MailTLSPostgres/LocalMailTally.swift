import MailTLSParser

/// Local deliveries and command-line submissions counted per (UTC day, host, kind, mailer, status,
/// source), as the SQLite store's `local_mail` holds them, added to that table at each commit.
///
/// Keys are written in sorted order, so two writers that add to the same day's counts lock the rows
/// in the same order (one waits, none deadlocks).
struct LocalMailTally {
    struct Key: Hashable, Comparable {
        let day: Int64, host: String, kind: String, mailer: String, status: String, source: Int64
        static func < (a: Key, b: Key) -> Bool {
            (a.day, a.host, a.kind, a.mailer, a.status, a.source) < (b.day, b.host, b.kind, b.mailer, b.status, b.source)
        }
    }
    struct Count { var n: Int64 = 0, first = Int64.max, last = Int64.min }

    private(set) var counts: [Key: Count] = [:]

    mutating func add(kind: String, of r: LogRecord, mailer: String? = nil, status: String = "") {
        let day = r.time >= 0 ? r.time / 86400 : (r.time - 86399) / 86400
        let key = Key(day: day, host: r.host, kind: kind, mailer: mailer ?? "", status: status, source: r.origin.source)
        var c = counts[key, default: Count()]
        c.n += 1
        c.first = min(c.first, r.time)
        c.last = max(c.last, r.time)
        counts[key] = c
    }

    mutating func removeAll() { counts.removeAll(keepingCapacity: true) }

    /// Adds the counts to `local_mail` in the connection's transaction.
    func flush(into connection: PostgresConnection) throws {
        for (k, c) in counts.sorted(by: { $0.key < $1.key }) {
            try connection.query("""
                INSERT INTO local_mail VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT ON CONSTRAINT local_mail_pkey DO UPDATE SET n = local_mail.n + excluded.n,
                    first_ts = least(local_mail.first_ts, excluded.first_ts),
                    last_ts = greatest(local_mail.last_ts, excluded.last_ts)
                """, [CivilTime.isoDate(k.day * 86400), k.host, k.kind, k.mailer, k.status, String(k.source), String(c.n),
                      CivilTime.iso8601(c.first), CivilTime.iso8601(c.last)])
        }
    }
}
