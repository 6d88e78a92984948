// mailtls-embed-queries QUERIES_DIR OUTPUT.swift
//
// Writes a Swift file holding every `*.sql` file below QUERIES_DIR, byte for byte, as
// `EmbeddedQueries.files[name]` where name is the relative path without `.sql`. Run by the
// EmbedQueries build-tool plugin; not installed.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: mailtls-embed-queries QUERIES_DIR OUTPUT.swift\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1])
let output = URL(fileURLWithPath: arguments[2])

/// A raw string literal that reproduces `text` exactly: enough `#` that no `"#…` or `\#…` inside
/// can end the literal or start an interpolation.
func rawLiteral(_ text: String) -> String {
    var longest = 0, run = 0
    for c in text.unicodeScalars {
        if c == "#" { run += 1; longest = max(longest, run) } else { run = 0 }
    }
    let hashes = String(repeating: "#", count: longest + 1)
    return hashes + "\"\"\"\n" + text + "\n\"\"\"" + hashes
}

do {
    let names = (FileManager.default.subpaths(atPath: root.path) ?? []).filter { $0.hasSuffix(".sql") }.sorted()
    var out = """
        // Generated at build time by the EmbedQueries plugin from Queries/*.sql. Do not edit: edit Queries/.

        /// The text of every file in `Queries/`, keyed by its path without `.sql` (`rates`, `export/sessions`).
        enum EmbeddedQueries {
            static let files: [String: String] = [

        """
    for name in names {
        let data = try Data(contentsOf: root.appendingPathComponent(name))
        guard let text = String(data: data, encoding: .utf8) else {
            FileHandle.standardError.write(Data("mailtls-embed-queries: \(name) is not UTF-8\n".utf8))
            exit(1)
        }
        let key = String(name.dropLast(4))
        out += "        \"\(key)\": \(rawLiteral(text)),\n"
    }
    if names.isEmpty { out += "        :\n" }
    out += "    ]\n}\n"
    // Rewrite only on change, so an unchanged Queries/ does not recompile the target.
    if (try? String(contentsOf: output, encoding: .utf8)) != out {
        try out.write(to: output, atomically: true, encoding: .utf8)
    }
} catch {
    FileHandle.standardError.write(Data("mailtls-embed-queries: \(error)\n".utf8))
    exit(1)
}
