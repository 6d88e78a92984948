/// One section of `mailtls report`: a query of `Queries/` and how to present it.
///
/// Adding a section takes three steps:
/// 1. `Queries/<name>.sql`: one SELECT, runnable as is with `sqlite3`, using only the parameters of
///    `ReportFilter.parameterNames` (unset ones are NULL, meaning "no filter").
/// 2. One entry in `ReportSection.all` (ReportSection+Catalog.swift).
/// 3. Its subcommand of `mailtls report` (Sources/mailtls/Report+Sections.swift), listed in
///    `MailTLS.Report`'s configuration.
///
/// Rendering follows the column names: fractions in columns named `rate`/`share` or ending in
/// `_rate`/`_share` print as percentages in tables; everything else prints as the query returns it.
public struct ReportSection: Sendable, Equatable {
    /// What the query returns.
    public enum Shape: Sendable, Equatable {
        /// Rows, rendered as an aligned table, CSV records or a JSON array of objects.
        case table
        /// One row with one column holding a JSON document (the summary): printed as JSON, rendered
        /// generically as a table, or flattened to `key,value` CSV records.
        case document
    }

    /// Filters beyond the common ones that only some sections use.
    public enum Option: String, Sendable, CaseIterable {
        /// `--by`: the query groups its rows by `:by` into a column named `bucket`.
        case by
        /// `--cipher`: the query reads `:cipher`.
        case cipher
        /// `--tls-version`: the query reads `:version`.
        case tlsVersion = "tls-version"
        /// `--recent`: the query compares the last `:recent` seconds with the history before.
        case recent
        /// `--min`: the query keeps peers with at least `:min` sessions.
        case min
        /// `--min-sessions`: downgrades keeps peers with at least this much earlier history.
        case minHistory = "min-sessions"
    }

    /// The name users type (`mailtls report rates`).
    public let name: String
    /// The query's path below `Queries/`, without `.sql`.
    public let query: String
    /// The heading of the table output.
    public let title: String
    /// One line for `--help`.
    public let abstract: String
    /// Rows or one JSON document.
    public let shape: Shape
    /// The extra filters the section accepts.
    public let options: Set<Option>
    /// Queries below `Queries/` whose rows' `note` column is printed under the table (table and HTML
    /// formats): what the section's figures cannot say for the same filter.
    public let notes: [String]

    /// A section; `query` defaults to `name`.
    public init(name: String, query: String? = nil, title: String, abstract: String, shape: Shape = .table,
                options: Set<Option> = [], notes: [String] = []) {
        self.name = name
        self.query = query ?? name
        self.title = title
        self.abstract = abstract
        self.shape = shape
        self.options = options
        self.notes = notes
    }

    /// Throws when `filter` sets an option this section does not use (e.g. `--by` on `verify`), or an
    /// MTA that is not registered.
    public func check(_ filter: ReportFilter) throws {
        let given: [(Option, Bool)] = [(.by, filter.by != nil), (.cipher, filter.cipher != nil), (.tlsVersion, filter.version != nil),
                                       (.recent, filter.recent != nil), (.min, filter.minSessions != nil),
                                       (.minHistory, filter.minHistory != nil)]
        if let mta = filter.mta { _ = try ReportFilter.mtaName(mta) }
        for (option, isSet) in given where isSet && !options.contains(option) {
            let users = ReportSection.all.filter { $0.options.contains(option) }.map(\.name)
            throw ReportError.optionNotApplicable(option: "--" + option.rawValue, section: name, sections: users)
        }
    }

    /// The query that answers `filter`: `query`, or for `rates --by hour` `rates-by-hour` (hours of
    /// the day come from the rows only, so they have their own, simpler file), for `rates --by domain`
    /// `rates-by-domain` (other columns; `RatesByDomain` merges its peer rows).
    public func query(for filter: ReportFilter) -> String {
        if name == "rates" && filter.by == .hour { return "rates-by-hour" }
        if name == "rates" && filter.by == .domain { return RatesByDomain.query }
        return query
    }

    /// The heading for `filter` (`Encryption rates by day`).
    public func heading(for filter: ReportFilter) -> String {
        if options.contains(.by), let by = filter.by { return "\(title) by \(by.rawValue)" }
        return title
    }
}
