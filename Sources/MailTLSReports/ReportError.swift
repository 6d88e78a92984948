/// Why a report or export could not be produced, with a message that says what to do.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    /// The store file does not exist.
    case noStore(path: String)
    /// The PostgreSQL database has no mailtls schema (`url` without its password).
    case noPostgresStore(url: String)
    /// The store predates this mailtls and this user may not write it to migrate it.
    case schemaTooOld(path: String, found: Int32, current: Int32)
    /// The section name is not one of `ReportSection.all`.
    case unknownSection(String)
    /// The export table name is not one of `ExportTable`.
    case unknownTable(String)
    /// A `--since` / `--until` value could not be read.
    case invalidTime(String)
    /// A `--role` value is not server/client (or inbound/outbound).
    case invalidRole(String)
    /// A `--by` value is not one of `ReportFilter.Grouping`.
    case invalidGrouping(String)
    /// A `--mta` value is not a registered MTA (`MTARegistry`).
    case invalidMTA(String)
    /// A filter was given to a section that does not use it (`--by` outside `rates`).
    case optionNotApplicable(option: String, section: String, sections: [String])
    /// No `Queries/<name>.sql` was embedded at build time (a packaging bug).
    case missingQuery(String)
    /// SQLite refused a query (e.g. a store from an older mailtls that lacks a column).
    case queryFailed(query: String, message: String)
    /// A document query did not return one JSON value.
    case malformedDocument(query: String, detail: String)
    /// The process's time zone (`TZ`, `--timezone`) is not one PostgreSQL knows.
    case invalidTimeZone(String)
    /// `--out FILE` could not be written.
    case cannotWrite(path: String, reason: String)

    /// The message for the user: what went wrong and what to do.
    public var description: String {
        switch self {
        case .noStore(let path):
            return "no store at \(path): run `mailtls ingest FILE...` first, give --db PATH (or $MAILTLS_DB), "
                + "or pass log files to `mailtls report` directly"
        case .schemaTooOld(let path, let found, let current):
            return "the store \(path) has schema version \(found), this mailtls reads \(current): the next "
                + "`mailtls ingest` by the store's owner upgrades it"
        case .unknownSection(let name):
            return "unknown report section '\(name)' (sections: \(ReportSection.names.joined(separator: ", ")))"
        case .unknownTable(let name):
            return "unknown table '\(name)' (tables: \(ExportTable.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .invalidTime(let text):
            return "cannot read the time '\(text)': use a date (2026-03-01), a time (2026-03-01T08:00, "
                + "2026-03-01T08:00:00Z, 2026-03-01 08:00:00+01:00) or an age (90m, 24h, 7d, 2w)"
        case .invalidRole(let text):
            return "unknown role '\(text)': use server (inbound) or client (outbound)"
        case .invalidGrouping(let text):
            return "unknown grouping '\(text)': use day, week, month, host, peer, hour or domain"
        case .invalidMTA(let text):
            return "unknown MTA '\(text)': use " + ReportFilter.mtaNames.joined(separator: ", ")
        case .optionNotApplicable(let option, let section, let sections):
            return "\(option) does not apply to the \(section) section (it applies to: \(sections.joined(separator: ", ")))"
        case .missingQuery(let name):
            return "no query Queries/\(name).sql was built into this mailtls (rebuild it from the source tree)"
        case .queryFailed(let query, let message):
            return "query Queries/\(query).sql failed: \(message)"
        case .malformedDocument(let query, let detail):
            return "query Queries/\(query).sql did not return one JSON document: \(detail)"
        case .noPostgresStore(let url):
            return "no mailtls store in the PostgreSQL database \(url) (or check the database name): its owner creates "
                + "it by running any mailtls command once, e.g. `mailtls status --db postgresql://OWNER@HOST/DB`, "
                + "then the mail hosts ingest into it (docs/fleet.md, Setting up)"
        case .invalidTimeZone(let zone):
            return "PostgreSQL does not know the time zone '\(zone)': give --timezone an IANA name (Europe/Berlin) or UTC"
        case .cannotWrite(let path, let reason):
            return "cannot write the report to \(path): \(reason) (give --out a path in a folder you may write)"
        }
    }
}
