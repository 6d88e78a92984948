/// How `mailtls report` prints a section.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// Aligned columns with percentages, for people.
    case table
    /// RFC 4180 CSV with a header row, safe for spreadsheets.
    case csv
    /// JSON: an array of row objects, or the summary document.
    case json
    /// One self-contained HTML page with inline SVG charts (`HTMLRenderer`).
    case html
}
