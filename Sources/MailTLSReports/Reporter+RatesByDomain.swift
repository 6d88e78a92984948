extension Reporter {
    /// `rates --by domain`: `Queries/rates-by-domain.sql` run without `:limit`, its peer rows merged
    /// into registered domains by the embedded Public Suffix List (`RatesByDomain`), then `--limit`
    /// rows of each kind.
    func ratesByDomain(filter: ReportFilter) throws -> ResultTable {
        var all = filter
        all.limit = nil
        let rows = try runner.table(RatesByDomain.query, filter: all)
        return try RatesByDomain.merge(rows, suffixes: .embedded, limit: filter.limit)
    }
}
