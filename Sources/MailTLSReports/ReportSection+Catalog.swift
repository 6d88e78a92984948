extension ReportSection {
    /// Every section, in the order of `mailtls report --help`. The first is the default.
    public static let all: [ReportSection] = [
        ReportSection(
            name: "summary", title: "TLS summary",
            abstract: "Everything at a glance: sessions, encryption rates, versions, verify results, ciphers, failures, days.",
            shape: .document),
        ReportSection(
            name: "rates", title: "Encryption rates",
            abstract: "Inbound messages and outbound deliveries sent over TLS, overall or --by day|week|month|host|peer.",
            options: [.by]),
        ReportSection(
            name: "verify", title: "Certificate verification",
            abstract: "verify= results (OK, FAIL, NO, NOT, TRUSTED, DANE_*, other) per role, with their share."),
        ReportSection(
            name: "versions", title: "TLS versions",
            abstract: "Negotiated TLS versions per role, with their share."),
        ReportSection(
            name: "ciphers", title: "Ciphers",
            abstract: "Sessions and distinct peers per role and cipher, with bits."),
        ReportSection(
            name: "peers", title: "Peers",
            abstract: "Per peer: sessions, roles, best and worst version, ciphers, verify results, mail encrypted, last seen.",
            options: [.cipher, .version]),
        ReportSection(
            name: "failures", title: "TLS failures",
            abstract: "Failed handshakes by reason and peer; TLS ruleset rejects and read/write errors apart."),
        ReportSection(
            name: "daily", title: "Daily trend",
            abstract: "Per day: TLS sessions, inbound and outbound encryption rates, handshake failures."),
    ]

    /// The names of all sections.
    public static var names: [String] { all.map(\.name) }

    /// The section called `name`.
    public static func named(_ name: String) throws -> ReportSection {
        guard let s = all.first(where: { $0.name == name.lowercased() }) else { throw ReportError.unknownSection(name) }
        return s
    }
}
