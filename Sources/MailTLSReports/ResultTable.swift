import MailTLSStore

/// The rows a query returned, with its column names.
public struct ResultTable: Sendable, Equatable {
    /// Column names, as the query's `AS` aliases give them.
    public var columns: [String]
    /// One array of values per row, in column order.
    public var rows: [[SQLValue]]

    /// A table from its parts.
    public init(columns: [String], rows: [[SQLValue]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The values of column `name`, top to bottom (empty when there is no such column).
    public func column(_ name: String) -> [SQLValue] {
        guard let i = columns.firstIndex(of: name) else { return [] }
        return rows.map { $0[i] }
    }

    /// The rows as dictionaries keyed by column name.
    public var records: [[String: SQLValue]] {
        rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
    }
}
