import MailTLSStore

/// Renders a JSON document (the summary) as text tables or `key,value` CSV, whatever its keys, so a
/// key added to `Queries/summary.sql` shows up in every format without Swift changes.
///
/// Table layout:
/// - a top-level scalar is a headline line (`handshake failures   1`);
/// - a top-level object is a headline line of its scalar members (`inbound   messages 3  encrypted 2
///   rate 66.7%`), and each of its object members a small table below: `by_version` of
///   `sessions` becomes "sessions by version" with columns `version` and `sessions`; an object of
///   objects (`by_verify`: role → verify → count) becomes a grid with one column per outer key;
/// - a top-level array of objects is a table with one column per key;
/// - a top-level object whose members are all objects (`by_mta`: MTA → its figures) is one grid with
///   a row per figure (nested keys joined: `inbound rate`) and a column per member;
/// - a top-level array of strings (`notes`) is a list, each item wrapped to the width (whole with
///   `--wide`).
struct DocumentRenderer {
    var renderer = TableRenderer()

    func table(_ document: JSONValue, title: String, note: String) -> String {
        guard case .object(let members) = document else { return title + "\n" + renderer.cell(Self.sqlValue(document), column: "") + "\n" }
        var headlines: [(String, String)] = []
        var blocks: [(String, ResultTable)] = []
        var lines: [(String, [String])] = []
        for (key, value) in members {
            let label = key.replacingOccurrences(of: "_", with: " ")
            switch value {
            case .object(let inner) where !inner.isEmpty && inner.allSatisfy({ if case .object = $0.value { return true } else { return false } }):
                blocks.append((label, grid(value)))
            case .array(let items) where !items.isEmpty && items.allSatisfy({ $0.string != nil }):
                lines.append((label, items.compactMap(\.string)))
            case .object(let inner):
                let scalars = inner.filter { $0.value.isScalar }
                if !scalars.isEmpty || inner.isEmpty {
                    headlines.append((label, scalars.map { "\($0.key.replacingOccurrences(of: "_", with: " ")) \(scalar($0.value, key: $0.key))" }
                        .joined(separator: "  ")))
                }
                for (innerKey, innerValue) in inner where !innerValue.isScalar {
                    blocks.append(Self.block(parent: key, key: innerKey, value: innerValue))
                }
            case .array:
                blocks.append((label, Self.rows(of: value, keyName: key)))
            default:
                headlines.append((label, scalar(value, key: key)))
            }
        }
        var out = title + "\n" + TableRenderer.noteLines(note, width: renderer.width) + "\n"
        let width = (headlines.map { $0.0.count }.max() ?? 0) + 3
        for (label, text) in headlines {
            out += label + String(repeating: " ", count: width - label.count) + text + "\n"
        }
        for (heading, table) in blocks {
            out += "\n" + heading + "\n" + renderer.render(table)
        }
        for (heading, items) in lines {
            // Wrapped to the width (a note is a sentence or two).
            out += "\n" + heading + "\n" + items.map { TableRenderer.lines("- " + TableRenderer.printable($0), width: renderer.width) }.joined()
        }
        return out
    }

    private func scalar(_ value: JSONValue, key: String) -> String {
        renderer.cell(Self.sqlValue(value), column: key)
    }

    /// An object of objects (`by_mta`) as one grid: a row per scalar inside the members (its keys
    /// joined with spaces, `by_` dropped: `sessions role server`), a column per member. A fraction (a
    /// `rate`/`share` key) is formatted as a percentage here, by its own key, as the grid's columns are
    /// the members' names.
    func grid(_ value: JSONValue) -> ResultTable {
        guard case .object(let members) = value else { return ResultTable(columns: [], rows: []) }
        var figures: [String] = []
        var cells: [String: [String: SQLValue]] = [:]
        for (name, inner) in members {
            func walk(_ v: JSONValue, _ path: [String]) {
                if case .object(let entries) = v {
                    for (k, e) in entries { walk(e, path + [k]) }
                    return
                }
                let label = path.map { $0.hasPrefix("by_") ? String($0.dropFirst(3)) : $0 }
                    .joined(separator: " ").replacingOccurrences(of: "_", with: " ")
                if cells[label] == nil { figures.append(label) }
                let value = Self.sqlValue(v)
                // Fractions as percentages; other values as they are, so numbers stay right-aligned.
                cells[label, default: [:]][name] = path.contains(where: Self.isShare) && value != .null
                    ? .text(renderer.cell(value, column: "rate")) : value
            }
            walk(inner, [])
        }
        let names = members.map(\.key)
        return ResultTable(columns: ["figure"] + names,
                           rows: figures.map { f in [.text(f)] + names.map { cells[f]?[$0] ?? .null } })
    }

    /// True for a key whose values are fractions (`rate`, `share`, `…_rate`, `…_share`, `…_share_…`).
    static func isShare(_ key: String) -> Bool {
        key == "rate" || key == "share" || key.hasSuffix("_rate") || key.hasSuffix("_share") || key.contains("_share_")
    }

    /// A nested object of a headline object as a titled table.
    static func block(parent: String, key: String, value: JSONValue) -> (String, ResultTable) {
        let dimension = key.hasPrefix("by_") ? String(key.dropFirst(3)) : key
        let heading = (parent + " " + (key.hasPrefix("by_") ? "by " + dimension : key)).replacingOccurrences(of: "_", with: " ")
        guard case .object(let entries) = value else { return (heading, rows(of: value, keyName: key)) }
        if entries.allSatisfy({ $0.value.isScalar }) {
            return (heading, ResultTable(columns: [dimension, parent], rows: entries.map { [.text($0.key), sqlValue($0.value)] }))
        }
        // An object of objects: one row per inner key, one column per outer key.
        var innerKeys: [String] = []
        for (_, v) in entries {
            if case .object(let inner) = v { for (k, _) in inner where !innerKeys.contains(k) { innerKeys.append(k) } }
        }
        let columns = [dimension] + entries.map(\.key)
        let rows = innerKeys.map { k in [SQLValue.text(k)] + entries.map { $0.value[k].map(sqlValue) ?? .integer(0) } }
        return (heading, ResultTable(columns: columns, rows: rows))
    }

    /// An array of objects as a table (keys in first-seen order); an array of scalars as one column.
    static func rows(of value: JSONValue, keyName: String) -> ResultTable {
        guard case .array(let items) = value else { return ResultTable(columns: [keyName], rows: [[sqlValue(value)]]) }
        var columns: [String] = []
        for item in items {
            if case .object(let members) = item { for (k, _) in members where !columns.contains(k) { columns.append(k) } }
        }
        if columns.isEmpty {
            return ResultTable(columns: [keyName], rows: items.map { [sqlValue($0)] })
        }
        return ResultTable(columns: columns, rows: items.map { item in columns.map { item[$0].map(sqlValue) ?? .null } })
    }

    /// A JSON scalar as a column value (nested values as their JSON text).
    static func sqlValue(_ value: JSONValue) -> SQLValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .integer(b ? 1 : 0)
        case .number(let n): return Int64(n).map(SQLValue.integer) ?? Double(n).map(SQLValue.real) ?? .text(n)
        case .string(let s): return .text(s)
        case .array, .object: return .text(value.compactText)
        }
    }

    /// Every scalar as a `key,value` CSV record: `inbound.rate`, `sessions.by_version.TLSv1.3`,
    /// `daily[0].date`.
    static func csv(_ document: JSONValue) -> String {
        var out = CSV.record(["key", "value"])
        func walk(_ v: JSONValue, _ path: String) {
            switch v {
            case .object(let members):
                for (k, inner) in members { walk(inner, path.isEmpty ? k : path + "." + k) }
            case .array(let items):
                for (i, inner) in items.enumerated() { walk(inner, path + "[\(i)]") }
            default:
                out += CSV.record([CSV.field(path), CSV.field(sqlValue(v))])
            }
        }
        walk(document, "")
        return out
    }
}
