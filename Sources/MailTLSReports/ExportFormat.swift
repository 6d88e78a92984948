/// How `mailtls export` streams rows.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV with a header row, safe for spreadsheets.
    case csv
    /// JSON Lines: one object per row.
    case jsonl
}
