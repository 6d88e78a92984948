// mailtls-embed-queries QUERIES_DIR OUTPUT.swift
// mailtls-embed-queries --public-suffix-list public_suffix_list.dat OUTPUT.swift
//
// The first form writes a Swift file holding every `*.sql` file below QUERIES_DIR, byte for byte, as
// `EmbeddedQueries.files[name]` where name is the relative path without `.sql`. The second writes the
// rules of the Public Suffix List, per section (ICANN, private), one rule per line without the
// comments, as `EmbeddedPublicSuffixList`. Run by the EmbedQueries build-tool plugin; not installed.
import Foundation

/// Prints `message` to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("mailtls-embed-queries: \(message)\n".utf8))
    exit(1)
}

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

/// The text of `url`, which must be UTF-8.
func readText(_ url: URL) throws -> String {
    let data = try Data(contentsOf: url)
    guard let text = String(data: data, encoding: .utf8) else { fail("\(url.path) is not UTF-8") }
    return text
}

/// Writes `text` to `output` unless it already holds it, so an unchanged input does not recompile
/// the target.
func writeIfChanged(_ text: String, to output: URL) throws {
    if (try? String(contentsOf: output, encoding: .utf8)) != text {
        try text.write(to: output, atomically: true, encoding: .utf8)
    }
}

/// `EmbeddedQueries`: every `*.sql` below `root`.
func embedQueries(root: URL, output: URL) throws {
    let names = (FileManager.default.subpaths(atPath: root.path) ?? []).filter { $0.hasSuffix(".sql") }.sorted()
    var out = """
        // Generated at build time by the EmbedQueries plugin from Queries/*.sql. Do not edit: edit Queries/.

        /// The text of every file in `Queries/`, keyed by its path without `.sql` (`rates`, `export/sessions`).
        enum EmbeddedQueries {
            static let files: [String: String] = [

        """
    for name in names {
        let text = try readText(root.appendingPathComponent(name))
        let key = String(name.dropLast(4))
        out += "        \"\(key)\": \(rawLiteral(text)),\n"
    }
    if names.isEmpty { out += "        :\n" }
    out += "    ]\n}\n"
    try writeIfChanged(out, to: output)
}

/// `EmbeddedPublicSuffixList`: the rules of the list at `list`, per section.
///
/// The file's format (publicsuffix.org/list): a rule is the first word of a line; lines starting
/// with `//` are comments; `// ===BEGIN ICANN DOMAINS===` and `// ===BEGIN PRIVATE DOMAINS===` open
/// the two sections. Rules are kept as written (IDN rules in Unicode): `PublicSuffixList` turns them
/// into their ASCII form when it loads them.
func embedPublicSuffixList(list: URL, output: URL) throws {
    let text = try readText(list)
    var section: String?
    var rules: [String: [String]] = ["ICANN": [], "PRIVATE": []]
    for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("//") {
            for name in ["ICANN", "PRIVATE"] {
                if line.contains("===BEGIN \(name) DOMAINS===") { section = name }
                if line.contains("===END \(name) DOMAINS===") { section = nil }
            }
            continue
        }
        guard let rule = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first else { continue }
        guard let section else { fail("\(list.path):\(number + 1): rule '\(rule)' outside the ICANN and PRIVATE sections") }
        rules[section, default: []].append(String(rule))
    }
    guard let icann = rules["ICANN"], !icann.isEmpty, let privateRules = rules["PRIVATE"], !privateRules.isEmpty else {
        fail("\(list.path) is not a Public Suffix List: no rules between its ===BEGIN ICANN DOMAINS=== and ===BEGIN PRIVATE DOMAINS=== lines")
    }
    let out = """
        // Generated at build time by the EmbedQueries plugin from \(list.path). Do not edit.

        /// The rules of the Public Suffix List (publicsuffix.org) that mailtls was built with, one rule
        /// per line as the list writes them (`co.uk`, `*.ck`, `!www.ck`, IDN rules in Unicode), without
        /// its comments. Read by `PublicSuffixList.embedded`.
        enum EmbeddedPublicSuffixList {
            /// The file the rules were read from at build time.
            static let path = \(rawLiteral(list.path))
            /// The ICANN section: suffixes under which registries hand out names (\(icann.count) rules).
            static let icann = \(rawLiteral(icann.joined(separator: "\n")))
            /// The private section: suffixes that companies hand out names under, such as `github.io`
            /// (\(privateRules.count) rules).
            static let privateDomains = \(rawLiteral(privateRules.joined(separator: "\n")))
        }

        """
    try writeIfChanged(out, to: output)
}

let arguments = CommandLine.arguments
do {
    if arguments.count == 4, arguments[1] == "--public-suffix-list" {
        try embedPublicSuffixList(list: URL(fileURLWithPath: arguments[2]), output: URL(fileURLWithPath: arguments[3]))
    } else if arguments.count == 3 {
        try embedQueries(root: URL(fileURLWithPath: arguments[1]), output: URL(fileURLWithPath: arguments[2]))
    } else {
        FileHandle.standardError.write(Data("""
            usage: mailtls-embed-queries QUERIES_DIR OUTPUT.swift
                   mailtls-embed-queries --public-suffix-list public_suffix_list.dat OUTPUT.swift

            """.utf8))
        exit(2)
    }
} catch {
    fail("\(error)")
}
