import ArgumentParser
import MailTLSReports

// The subcommands of `mailtls report`, one per section, in the order of `ReportSection.all`. Most take
// only the common options; rates, peers, downgrades and policy add their own.

extension MailTLS.Report {
    struct Summary: ReportSectionCommand {
        static let section = ReportSection.summary
        @OptionGroup var common: ReportOptions
    }

    struct Rates: ReportSectionCommand {
        static let section = ReportSection.rates
        @OptionGroup var common: ReportOptions

        @Option(help: ArgumentHelp("One row per day, week, month, host, peer or hour of the day, or per domain: recipient "
                                   + "(outbound), sender and peer's registered domain (inbound). Default: one row.",
                                   valueName: "grouping"))
        var by: ReportFilter.Grouping?

        func apply(to filter: inout ReportFilter) throws { filter.by = by }
    }

    struct Verify: ReportSectionCommand {
        static let section = ReportSection.verify
        @OptionGroup var common: ReportOptions
    }

    struct Versions: ReportSectionCommand {
        static let section = ReportSection.versions
        @OptionGroup var common: ReportOptions
    }

    struct Ciphers: ReportSectionCommand {
        static let section = ReportSection.ciphers
        @OptionGroup var common: ReportOptions
    }

    struct Peers: ReportSectionCommand {
        static let section = ReportSection.peers
        @OptionGroup var common: ReportOptions

        @Option(help: ArgumentHelp("Only peers with a session using this cipher ('*' wildcard).", valueName: "cipher"))
        var cipher: String?

        @Option(name: .customLong("tls-version"),
                help: ArgumentHelp("Only peers with a session of this TLS version ('*' wildcard).", valueName: "version"),
                completion: .list(["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"]))
        var tlsVersion: String?

        func apply(to filter: inout ReportFilter) throws {
            filter.cipher = cipher
            filter.version = tlsVersion
        }
    }

    struct Failures: ReportSectionCommand {
        static let section = ReportSection.failures
        @OptionGroup var common: ReportOptions
    }

    struct Weak: ReportSectionCommand {
        static let section = ReportSection.weak
        @OptionGroup var common: ReportOptions
    }

    struct Auth: ReportSectionCommand {
        static let section = ReportSection.auth
        @OptionGroup var common: ReportOptions
    }

    struct VerifyFailures: ReportSectionCommand {
        static let section = ReportSection.verifyFailures
        @OptionGroup var common: ReportOptions
    }

    struct Daily: ReportSectionCommand {
        static let section = ReportSection.daily
        @OptionGroup var common: ReportOptions
    }

    struct Downgrades: ReportSectionCommand {
        static let section = ReportSection.downgrades
        @OptionGroup var common: ReportOptions

        @Option(help: ArgumentHelp("The recent window, compared with the history before it (default 7d).", valueName: "age"))
        var recent: String?

        @Option(name: .customLong("min-sessions"),
                help: ArgumentHelp("The fewest earlier sessions (messages, deliveries) a peer needs to be reported (default 3).",
                                   valueName: "n"))
        var minHistory: Int?

        func apply(to filter: inout ReportFilter) throws {
            do { filter.recent = try recent.map { try Age.parse($0, option: "--recent") } } catch {
                throw ValidationError("\(error)")
            }
            if let minHistory, minHistory < 1 { throw ValidationError("--min-sessions must be at least 1") }
            filter.minHistory = minHistory
        }
    }

    struct Policy: ReportSectionCommand {
        static let section = ReportSection.policy
        @OptionGroup var common: ReportOptions

        @Option(name: [.customLong("min-sessions"), .customLong("min")],
                help: ArgumentHelp("The fewest verified sessions a peer needs to be suggested for 'enforce' (default 3).",
                                   valueName: "n"))
        var minSessions: Int?

        func apply(to filter: inout ReportFilter) throws {
            if let minSessions, minSessions < 1 { throw ValidationError("--min-sessions must be at least 1") }
            filter.minSessions = minSessions
        }
    }
}
