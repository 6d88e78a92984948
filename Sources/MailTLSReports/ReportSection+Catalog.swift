extension ReportSection {
    /// Every section, in the order of `mailtls report --help` (abstracts fit its 80 columns). The first
    /// is the default.
    public static let all: [ReportSection] = [
        ReportSection(
            name: "summary", title: "TLS summary",
            abstract: "Everything at a glance: sessions, rates, versions, ciphers, days.",
            shape: .document),
        ReportSection(
            name: "rates", title: "Encryption rates",
            abstract: "Share of mail encrypted, overall or --by day|week|month|host|peer.",
            options: [.by]),
        ReportSection(
            name: "verify", title: "Certificate verification",
            abstract: "Certificate verification results (verify=) per role."),
        ReportSection(
            name: "versions", title: "TLS versions",
            abstract: "Negotiated TLS versions per role."),
        ReportSection(
            name: "ciphers", title: "Ciphers",
            abstract: "Sessions and distinct peers per role and cipher."),
        ReportSection(
            name: "peers", title: "Peers",
            abstract: "Per peer: versions, ciphers, verify results, mail encrypted.",
            options: [.cipher, .version]),
        ReportSection(
            name: "failures", title: "TLS failures",
            abstract: "Failed handshakes by reason and peer; TLS rejects, I/O errors."),
        ReportSection(
            name: "daily", title: "Daily trend",
            abstract: "The trend: sessions, encryption rates and failures per day."),
    ]

    /// The names of all sections.
    public static var names: [String] { all.map(\.name) }

    /// The section called `name`.
    public static func named(_ name: String) throws -> ReportSection {
        guard let s = all.first(where: { $0.name == name.lowercased() }) else { throw ReportError.unknownSection(name) }
        return s
    }
}
