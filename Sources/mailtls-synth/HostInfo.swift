/// One syslog host of the generated log and its configuration.
struct HostInfo {
    var name: String
    /// `"<host> <tag>["` for tag 0 (MTA), 1 (MSP `sendmail`), 2 (`sm-msp-queue`).
    var tagPrefix: [Tok]
    var cronPrefix: Tok
    var postfixPrefix: Tok
    var kernelPrefix: Tok
    var dovecotPrefix: Tok
    var systemdPrefix: Tok
    /// `<host>.<org>`, used in MSP addresses and message ids.
    var fqdn: Tok
    /// The outbound/submission host (last host when there are several).
    var isOut: Bool
    /// LogLevel 12: cert-subject lines after STARTTLS, AUTH=client lines.
    var logLevel12: Bool
    /// The MTA asks clients for certificates (verify=NO/OK/FAIL); if not, every server session logs verify=NOT.
    var requestsCerts: Bool
    /// Profile of the MSP -> MTA loopback hop.
    var loopProfile: Int
    /// Weights of the session kinds started on this host.
    var kinds: WeightedTable

    static func names(count: Int) -> [String] {
        if count == 1 { return ["mail"] }
        return (1 ..< count).map { "mx\($0)" } + ["out1"]
    }

    init(index: Int, count: Int, org: String, arena: inout TokenArena) {
        name = HostInfo.names(count: count)[index]
        isOut = count > 1 && index == count - 1
        // RedHat-style host: the MTA daemon logs as "sendmail" too (same tag as the MSP).
        let mtaTag = isOut ? "sendmail" : "sm-mta"
        tagPrefix = [
            arena.add("\(name) \(mtaTag)["), arena.add("\(name) sendmail["), arena.add("\(name) sm-msp-queue["),
        ]
        cronPrefix = arena.add("\(name) CRON[")
        postfixPrefix = arena.add("\(name) postfix/smtpd[")
        kernelPrefix = arena.add("\(name) kernel: [")
        dovecotPrefix = arena.add("\(name) dovecot: ")
        systemdPrefix = arena.add("\(name) systemd[1]: ")
        fqdn = arena.add("\(name).\(org)")
        logLevel12 = count > 1 && index == count - 1
        requestsCerts = !isOut
        loopProfile = [0, 0, 3][index % 3]
        let w: [(Int, Double)]
        if isOut {
            w = [(Int(SessionKind.inbound.rawValue), 38), (Int(SessionKind.outbound.rawValue), 44),
                 (Int(SessionKind.local.rawValue), 8), (Int(SessionKind.mspHop.rawValue), 10),
                 (Int(SessionKind.mspQueue.rawValue), 5)]
        } else {
            w = [(Int(SessionKind.inbound.rawValue), 50), (Int(SessionKind.outbound.rawValue), 32),
                 (Int(SessionKind.local.rawValue), 26), (Int(SessionKind.mspHop.rawValue), 5),
                 (Int(SessionKind.mspQueue.rawValue), 3)]
        }
        kinds = WeightedTable(w)
    }
}
