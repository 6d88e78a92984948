/// The Public Suffix List (publicsuffix.org): which part of a host name is a public suffix (`co.uk`,
/// `github.io`) and which is the domain someone registered under it (`example.co.uk`).
///
/// `report rates --by domain` groups inbound mail by the registered domain of the peer that sent it,
/// so the 40 outbound hosts of one provider (`mail-a.example.co.uk`, `smtp9.out.example.co.uk`) are one
/// row, and `example.co.uk` is not cut to `co.uk` as a last-two-labels guess would. The rules are those
/// of Debian's `publicsuffix` package, embedded at build time (`EmbeddedPublicSuffixList`, by the
/// EmbedQueries plugin), both sections: ICANN (`co.uk`, `*.ck`) and private (`github.io`,
/// `blogspot.com`).
///
/// The algorithm is publicsuffix.org's: the rule matching the most labels of the name prevails, an
/// exception rule (`!www.ck`) over every other rule, and a name no rule matches falls under the
/// default rule `*` (its last label is the public suffix). Names are compared in their ASCII form:
/// lowercase, without a trailing dot, IDN labels as Punycode A-labels (`食狮.公司.cn` and
/// `xn--85x722f.xn--55qx5d.cn` give the same answer, each in its own form).
public struct PublicSuffixList: Sendable {
    // Substrings, so that a lookup tests the suffixes of a name without copying them.
    /// Normal rules (`co.uk`), in ASCII form.
    private var exact: Set<Substring> = []
    /// Wildcard rules (`*.ck`), by what follows the `*.` (`ck`).
    private var wildcards: Set<Substring> = []
    /// Exception rules (`!www.ck`), without the `!` (`www.ck`).
    private var exceptions: Set<Substring> = []
    /// How many rules were read.
    public private(set) var ruleCount = 0

    /// The list mailtls was built with (ICANN and private sections), read on first use.
    public static let embedded = PublicSuffixList(
        rules: EmbeddedPublicSuffixList.icann + "\n" + EmbeddedPublicSuffixList.privateDomains)

    /// The file the embedded list was read from at build time.
    public static var embeddedPath: String { EmbeddedPublicSuffixList.path }

    /// A list from rules in the format of `public_suffix_list.dat`: the first word of each line is a
    /// rule; blank lines and `//` comments are skipped. A rule that cannot be put into ASCII form is
    /// skipped too (none of the published list's).
    public init(rules text: String) {
        // Split on bytes: splitting 100 KiB into Characters costs more than the rest of the work.
        for line in text.utf8.split(whereSeparator: { $0 == 10 || $0 == 13 }) {
            guard let word = line.split(whereSeparator: { $0 == 32 || $0 == 9 }).first else { continue }
            var rule = Substring(word)
            if rule.hasPrefix("//") { continue }
            var set = \PublicSuffixList.exact
            if rule.hasPrefix("!") {
                rule = rule.dropFirst()
                set = \.exceptions
            } else if rule.hasPrefix("*.") {
                rule = rule.dropFirst(2)
                set = \.wildcards
            }
            if rule.utf8.allSatisfy({ $0 < 0x80 }) {
                guard !rule.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else { continue }
                self[keyPath: set].insert(Substring(rule.lowercased()))
            } else {
                guard let labels = Self.asciiLabels(Substring(rule.lowercased())) else { continue }
                self[keyPath: set].insert(Substring(labels.joined(separator: ".")))
            }
            ruleCount += 1
        }
    }

    /// The public suffix of `name` (`co.uk` for `mail.example.co.uk`), in the form `name` is written
    /// in, lowercased; nil for a name that is not a domain name (empty, an empty label, a leading dot).
    public func publicSuffix(of name: String) -> String? {
        guard let (labels, count) = split(name) else { return nil }
        return labels.suffix(count).joined(separator: ".")
    }

    /// The registered domain of `name`: its public suffix and the label before it (`example.co.uk`
    /// for `mail.example.co.uk`); nil when `name` is itself a public suffix (`co.uk`, `com`) or not a
    /// domain name.
    public func registeredDomain(of name: String) -> String? {
        guard let (labels, count) = split(name), labels.count > count else { return nil }
        return labels.suffix(count + 1).joined(separator: ".")
    }

    /// The labels of `name` (lowercased, without a trailing dot) and how many of the last ones are
    /// its public suffix.
    private func split(_ name: String) -> (labels: [Substring], suffixCount: Int)? {
        var lower = name.lowercased()
        if lower.hasSuffix(".") { lower.removeLast() }
        let labels = lower.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ !$0.isEmpty }) else { return nil }  // "" is one empty label
        if lower.utf8.allSatisfy({ $0 < 0x80 }) { return (labels, suffixCount(lower)) }
        guard let ascii = Self.asciiLabels(Substring(lower)) else { return nil }
        return (labels, suffixCount(ascii.joined(separator: ".")))
    }

    /// How many of the last labels of `name` (ASCII form, no empty label) the prevailing rule covers.
    private func suffixCount(_ name: String) -> Int {
        let dot = UInt8(ascii: ".")
        var best = 1  // the default rule "*"
        var count = 0
        var shorter: Substring?  // the suffix one label shorter
        var end = name.endIndex
        while true {
            let start = name.utf8[..<end].lastIndex(of: dot).map { name.utf8.index(after: $0) } ?? name.startIndex
            let suffix = name[start...]
            count += 1
            if exceptions.contains(suffix) { return count - 1 }
            if exact.contains(suffix) || shorter.map(wildcards.contains) == true { best = count }
            guard start > name.startIndex else { return best }
            shorter = suffix
            end = name.utf8.index(before: start)
        }
    }

    /// The ASCII labels of a lowercased name; nil when a label is empty or cannot be encoded.
    private static func asciiLabels(_ name: Substring) -> [String]? {
        var out: [String] = []
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, let ascii = Punycode.asciiLabel(label) else { return nil }
            out.append(ascii)
        }
        return out
    }
}
