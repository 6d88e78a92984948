import Foundation

extension ReportSection {
    /// Every section, in the order of `mailtls report --help` (abstracts fit its 80 columns). The first
    /// is the default.
    public static let all: [ReportSection] = [
        summary, rates, verify, versions, ciphers, peers, failures, weak, auth, verifyFailures, daily, downgrades, policy,
    ]

    /// `mailtls report summary`.
    public static let summary = ReportSection(
        name: "summary", title: "TLS summary",
        abstract: "Everything at a glance: sessions, rates, versions, ciphers, days.",
        shape: .document)

    /// `mailtls report rates`.
    public static let rates = ReportSection(
        name: "rates", title: "Encryption rates",
        abstract: "Share of mail encrypted, overall or --by day|week|month|host|peer|hour|domain.",
        options: [.by])

    /// `mailtls report verify`.
    public static let verify = ReportSection(
        name: "verify", title: "Certificate verification",
        abstract: "Certificate verification results (verify=) per role.")

    /// `mailtls report versions`.
    public static let versions = ReportSection(
        name: "versions", title: "TLS versions",
        abstract: "Negotiated TLS versions per role.", notes: [unknownTLS])

    /// `mailtls report ciphers`.
    public static let ciphers = ReportSection(
        name: "ciphers", title: "Ciphers",
        abstract: "Sessions and distinct peers per role and cipher.", notes: [unknownTLS])

    /// `mailtls report peers`.
    public static let peers = ReportSection(
        name: "peers", title: "Peers",
        abstract: "Per peer: versions, ciphers, verify results, mail encrypted.",
        options: [.cipher, .tlsVersion])

    /// `mailtls report failures`.
    public static let failures = ReportSection(
        name: "failures", title: "TLS failures",
        abstract: "Failed handshakes by reason and peer; TLS rejects, I/O errors.")

    /// `mailtls report weak`.
    public static let weak = ReportSection(
        name: "weak", title: "Weak TLS",
        abstract: "Old versions, weak and anonymous ciphers, by peer, with reasons.", notes: [unknownTLS])

    /// The note of the sections whose figures are TLS sessions: Postfix mail encrypted without a TLS
    /// line (`smtpd_tls_loglevel = 0`) has no version or cipher to count.
    static let unknownTLS = "notes/postfix-without-tls-line"

    /// `mailtls report auth`.
    public static let auth = ReportSection(
        name: "auth", title: "SMTP AUTH",
        abstract: "AUTH over TLS or in clear; passwords sent in clear; failures.")

    /// `mailtls report verify-failures`.
    public static let verifyFailures = ReportSection(
        name: "verify-failures", title: "Certificate verification failures",
        abstract: "Why certificates did not verify: reason, issuer, hint, peers.")

    /// `mailtls report daily`.
    public static let daily = ReportSection(
        name: "daily", title: "Daily trend",
        abstract: "The trend: sessions, encryption rates and failures per day.")

    /// `mailtls report downgrades`.
    public static let downgrades = ReportSection(
        name: "downgrades", title: "STARTTLS downgrades",
        abstract: "Peers lately in clear, on an older version or failing verify.",
        options: [.recent, .minHistory])

    /// The `report downgrades` command that lists the rows a check or a digest found: the store `db`,
    /// the history from `since`, the recent window the `recent` seconds before `until`, and `filter`'s
    /// host, role, peer, MTA, loopback and `--min-sessions` settings; as its words, each one shell
    /// word (the digest splits it over lines).
    public static func downgradesCommand(since: Date, until: Date, recent: TimeInterval, filter: ReportFilter,
                                         db: String?) -> [String] {
        var words = ["mailtls", "report", "downgrades"]
        if let db { words += ["--db", ReportFilter.shellWord(db)] }
        words += ["--since", TimeBound.iso(since), "--until", TimeBound.iso(until), "--recent", Age.text(recent)]
        words += filter.commandLineOptions
        if let minHistory = filter.minHistory { words += ["--min-sessions", String(minHistory)] }
        return words
    }

    /// `mailtls report policy`.
    public static let policy = ReportSection(
        name: "policy", title: "TLS policy suggestions",
        abstract: "Verify-always peers as sendmail/Postfix policy lines; no-TLS peers.",
        options: [.min])

    /// The names of all sections.
    public static var names: [String] { all.map(\.name) }

    /// The section called `name`.
    public static func named(_ name: String) throws -> ReportSection {
        guard let s = all.first(where: { $0.name == name.lowercased() }) else { throw ReportError.unknownSection(name) }
        return s
    }
}
