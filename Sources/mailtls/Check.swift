import ArgumentParser
import Foundation
import MailTLSReports
import MailTLSStore

extension MailTLS {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Monitoring: judge the last 24h against limits, as a Nagios/Icinga plugin.",
            discussion: """
                Prints one status line (MAILTLS OK|WARNING|CRITICAL - ... | perfdata) \
                and detail lines, and exits 0 (OK), 1 (WARNING), 2 (CRITICAL) or 3 \
                (UNKNOWN: the store cannot be read, or the options are wrong). Rates are fractions; a rate is bad \
                below its limit, a count above it (the limit itself is fine). Each \
                limit has a --warn- and a --crit- form; the plain form is --crit-. \
                A rate with nothing to count (no mail in the period) is not judged. \
                Downgrades are the rows of `mailtls report downgrades` with the period \
                as the recent window, against the --history before it.

                Examples:
                  mailtls check --min-inbound-rate 0.9 --min-outbound-rate 0.8 \\
                                --max-weak 0 --max-plaintext-auth 0 --max-downgrades 0
                  mailtls check --warn-min-inbound-rate 0.95 --crit-min-inbound-rate 0.9
                  out=$(mailtls check --max-weak 0) || echo "$out"     # cron: mail when not OK

                Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (and usage errors).
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("Start of the period: an age (24h, 90m, 7d) before --until, or a date or time.", valueName: "time"))
        var since: String = "24h"

        @Option(help: ArgumentHelp("End of the period, exclusive (default: now).", valueName: "time"))
        var until: String?

        @Option(help: ArgumentHelp("How far before the period downgrades look.", valueName: "age"))
        var history: String = "30d"

        @OptionGroup var traffic: TrafficFilterOptions

        @OptionGroup var mtaFilter: MTAFilterOption

        // Unconditional (all limits): `--max-weak -1` is a bad value, not a missing one.
        @Option(name: .customLong("min-inbound-rate"), parsing: .unconditional, help: ArgumentHelp("Critical below this share of inbound messages encrypted (e.g. 0.9; no limit by default).", valueName: "fraction"))
        var minInboundRate: Double?
        @Option(name: .customLong("warn-min-inbound-rate"), parsing: .unconditional, help: ArgumentHelp("Warning below it.", valueName: "fraction"))
        var warnMinInboundRate: Double?
        @Option(name: .customLong("crit-min-inbound-rate"), parsing: .unconditional, help: ArgumentHelp("Critical below it.", valueName: "fraction"))
        var critMinInboundRate: Double?

        @Option(name: .customLong("min-outbound-rate"), parsing: .unconditional, help: ArgumentHelp("Critical below this share of outbound deliveries encrypted.", valueName: "fraction"))
        var minOutboundRate: Double?
        @Option(name: .customLong("warn-min-outbound-rate"), parsing: .unconditional, help: ArgumentHelp("Warning below it.", valueName: "fraction"))
        var warnMinOutboundRate: Double?
        @Option(name: .customLong("crit-min-outbound-rate"), parsing: .unconditional, help: ArgumentHelp("Critical below it.", valueName: "fraction"))
        var critMinOutboundRate: Double?

        @Option(name: .customLong("max-weak"), parsing: .unconditional, help: ArgumentHelp("Critical above this many weak TLS sessions (see report weak).", valueName: "n"))
        var maxWeak: Double?
        @Option(name: .customLong("warn-max-weak"), parsing: .unconditional, help: ArgumentHelp("Warning above it.", valueName: "n"))
        var warnMaxWeak: Double?
        @Option(name: .customLong("crit-max-weak"), parsing: .unconditional, help: ArgumentHelp("Critical above it.", valueName: "n"))
        var critMaxWeak: Double?

        @Option(name: .customLong("max-plaintext-auth"), parsing: .unconditional, help: ArgumentHelp("Critical above this many passwords sent in clear (AUTH PLAIN/LOGIN without TLS).", valueName: "n"))
        var maxPlaintextAuth: Double?
        @Option(name: .customLong("warn-max-plaintext-auth"), parsing: .unconditional, help: ArgumentHelp("Warning above it.", valueName: "n"))
        var warnMaxPlaintextAuth: Double?
        @Option(name: .customLong("crit-max-plaintext-auth"), parsing: .unconditional, help: ArgumentHelp("Critical above it.", valueName: "n"))
        var critMaxPlaintextAuth: Double?

        @Option(name: .customLong("min-sessions"), parsing: .unconditional,
                help: ArgumentHelp("Downgrades count only peers with this many earlier sessions (default 3).", valueName: "n"))
        var minSessions: Int?

        @Option(name: .customLong("max-downgrades"), parsing: .unconditional, help: ArgumentHelp("Critical above this many downgrades (see report downgrades).", valueName: "n"))
        var maxDowngrades: Double?
        @Option(name: .customLong("warn-max-downgrades"), parsing: .unconditional, help: ArgumentHelp("Warning above it.", valueName: "n"))
        var warnMaxDowngrades: Double?
        @Option(name: .customLong("crit-max-downgrades"), parsing: .unconditional, help: ArgumentHelp("Critical above it.", valueName: "n"))
        var critMaxDowngrades: Double?

        @Option(name: .customLong("min-traffic"), parsing: .unconditional, help: ArgumentHelp("Critical below this many TLS sessions, messages and deliveries in the period: 1 catches a stopped ingest.", valueName: "n"))
        var minTraffic: Double?
        @Option(name: .customLong("warn-min-traffic"), parsing: .unconditional, help: ArgumentHelp("Warning below it.", valueName: "n"))
        var warnMinTraffic: Double?
        @Option(name: .customLong("crit-min-traffic"), parsing: .unconditional, help: ArgumentHelp("Critical below it.", valueName: "n"))
        var critMinTraffic: Double?

        /// The limits given, per metric: (plain, warn, crit).
        private var given: [(CheckMetric, Double?, Double?, Double?)] {
            [(.inboundRate, minInboundRate, warnMinInboundRate, critMinInboundRate),
             (.outboundRate, minOutboundRate, warnMinOutboundRate, critMinOutboundRate),
             (.weak, maxWeak, warnMaxWeak, critMaxWeak),
             (.plaintextAuth, maxPlaintextAuth, warnMaxPlaintextAuth, critMaxPlaintextAuth),
             (.downgrades, maxDowngrades, warnMaxDowngrades, critMaxDowngrades),
             (.traffic, minTraffic, warnMinTraffic, critMinTraffic)]
        }

        func thresholds() throws -> CheckThresholds {
            var t = CheckThresholds()
            for (metric, plain, warn, crit) in given {
                if plain != nil && crit != nil {
                    throw ValidationError("give --\(metric.option) or --crit-\(metric.option), not both (they are the same limit)")
                }
                for (prefix, value) in [("", plain), ("warn-", warn), ("crit-", crit)] {
                    guard let value else { continue }
                    do { try CheckThresholds.validate(value, for: metric, option: prefix + metric.option) } catch {
                        throw ValidationError("\(error)")
                    }
                }
                t[metric] = CheckLimits(warning: warn, critical: crit ?? plain)
            }
            return t
        }

        /// The period and the history.
        func period(now: Date) throws -> (since: Date, until: Date, history: TimeInterval) {
            do {
                // An age (the default 24h too) counts back from --until when there is one.
                let u = try until.map { try TimeBound.parse($0, now: now, timeZone: traffic.zone) } ?? now
                let s = try TimeBound.parse(since, now: u, timeZone: traffic.zone)
                let h = try Age.parse(history, option: "--history")
                guard s < u else { throw ValidationError("--since (\(TimeBound.iso(s))) must be before --until (\(TimeBound.iso(u)))") }
                return (s, u, h)
            } catch let e as ValidationError {
                throw e
            } catch {
                throw ValidationError("\(error)")
            }
        }

        func filter() -> ReportFilter {
            var f = ReportFilter()
            traffic.apply(to: &f)
            mtaFilter.apply(to: &f)
            f.minHistory = minSessions
            return f
        }

        func validate() throws {
            if let minSessions, minSessions < 1 { throw ValidationError("--min-sessions must be at least 1") }
            _ = try thresholds()
            _ = try period(now: Date())
        }

        func run() throws {
            let (since, until, history) = try period(now: Date())
            let output = ReportOutput()
            let result: CheckResult
            do {
                let reporter = try Reporter.open(db: store.path)
                result = try reporter.check(since: since, until: until, filter: filter(), thresholds: try thresholds(),
                                            history: history)
            } catch ReportError.noStore(let path) {
                output.put(CheckResult.unknown("no store at \(path): run `mailtls ingest` first, or give --db PATH"))
                output.flush()
                throw ExitCode(CheckStatus.unknown.rawValue)
            } catch ReportError.noPostgresStore(let url) {
                output.put(CheckResult.unknown("\(ReportError.noPostgresStore(url: url))"))
                output.flush()
                throw ExitCode(CheckStatus.unknown.rawValue)
            } catch let e as StoreError where !e.isSQLite {
                output.put(CheckResult.unknown("\(e)"))  // names the store
                output.flush()
                throw ExitCode(CheckStatus.unknown.rawValue)
            } catch let e as StoreError {
                output.put(CheckResult.unknown("cannot read the store \(store.path): \(e.sqliteMessage)"))
                output.flush()
                throw ExitCode(CheckStatus.unknown.rawValue)
            } catch {
                output.put(CheckResult.unknown("cannot read the store \(Reporter.location(db: store.path)): \(error)"))
                output.flush()
                throw ExitCode(CheckStatus.unknown.rawValue)
            }
            output.put(result.text)
            output.flush()
            if result.exitCode != 0 { throw ExitCode(result.exitCode) }
        }
    }
}
