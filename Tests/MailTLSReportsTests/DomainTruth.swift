import Foundation
import MailTLSReports
import MailTLSStore

/// `report rates --by domain` computed the long way, for the tests to compare with: from the rows of
/// the views (`deliveries`, `messages`, `tls_sessions`) by the definitions of docs/reports.md, in
/// Swift, without the query.
struct DomainTruth: Equatable, CustomStringConvertible {
    /// One kind and domain's figures.
    struct Counts: Equatable {
        var mail = 0, encrypted = 0, verified = 0
        var versions: [String: Int] = [:]
    }

    /// kind (`recipient`, `sender`, `peer`) → domain → counts.
    var kinds: [String: [String: Counts]] = [:]

    var description: String {
        kinds.keys.sorted().flatMap { kind in
            kinds[kind]!.keys.sorted().map { "\(kind) \($0): \(kinds[kind]![$0]!)" }
        }.joined(separator: "\n")
    }

    /// The figures of the rows in `database`, loopback peers left out unless `includeLocal`.
    init(_ database: Database, includeLocal: Bool = false) throws {
        // Outbound deliveries as rates.sql counts them: sent, by a network mailer; encrypted when a
        // STARTTLS=client session is linked.
        let deliveries = try database.prepare("""
            SELECT d.recipients, d.encrypted, s.verify, s.version
            FROM deliveries AS d LEFT JOIN tls_sessions AS s ON s.id = d.tls_session_id
            WHERE d.status = 'sent' AND d.network_mailer AND (\(includeLocal ? 1 : 0) OR NOT d.loopback)
            """)
        while try deliveries.step() {
            let list = deliveries.value(0).text ?? ""
            let domains = Set(list.split(separator: ",").map { Self.strip($0) }.filter { !$0.isEmpty }.map(Self.domain))
            for domain in domains {
                add("recipient", domain, encrypted: deliveries.value(1).int == 1, verify: deliveries.value(2).text,
                    version: deliveries.value(3).text)
            }
        }
        // Inbound messages: received over SMTP (proto set); encrypted as the messages view says.
        let messages = try database.prepare("""
            SELECT m.sender, m.peer, m.encrypted, s.verify, s.version
            FROM messages AS m LEFT JOIN tls_sessions AS s ON s.id = m.tls_session_id
            WHERE m.proto IS NOT NULL AND (\(includeLocal ? 1 : 0) OR NOT m.loopback)
            """)
        while try messages.step() {
            let encrypted = messages.value(2).int == 1, verify = messages.value(3).text, version = messages.value(4).text
            let sender: String
            switch messages.value(0).text.map(Self.strip) {
            case nil: sender = "(none)"
            case ""?: sender = "(null sender)"
            case let address?: sender = Self.domain(address)
            }
            add("sender", sender, encrypted: encrypted, verify: verify, version: version)
            add("peer", Self.peerDomain(messages.value(1).text), encrypted: encrypted, verify: verify, version: version)
        }
    }

    /// The figures `rates --by domain` shows in `table` (all rows).
    init(report table: ResultTable) {
        for r in table.records {
            var c = Counts(mail: Int(r["mail"]?.int ?? -1), encrypted: Int(r["encrypted"]?.int ?? -1),
                           verified: Int(r["verified"]?.int ?? -1))
            for item in (r["versions"]?.text ?? "").split(separator: ",") {
                let parts = item.split(separator: " ")
                c.versions[String(parts[0]), default: 0] += Int(parts[1]) ?? -1
            }
            kinds[r["kind"]?.text ?? "?", default: [:]][r["domain"]?.text ?? "?"] = c
        }
    }

    private mutating func add(_ kind: String, _ domain: String, encrypted: Bool, verify: String?, version: String?) {
        var c = kinds[kind, default: [:]][domain, default: Counts()]
        c.mail += 1
        if encrypted { c.encrypted += 1 }
        if verify == "OK" || verify == "TRUSTED" { c.verified += 1 }
        if let version { c.versions[version, default: 0] += 1 }
        kinds[kind, default: [:]][domain] = c
    }

    /// An address without the spaces and angle brackets around it.
    static func strip<S: StringProtocol>(_ address: S) -> String {
        address.trimmingCharacters(in: CharacterSet(charactersIn: " <>"))
    }

    /// The domain of an address: after its last `@`, lowercased, without trailing dots; `(local)`
    /// without one.
    static func domain(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "(local)" }
        var d = address[address.index(after: at)...].lowercased()
        while d.hasSuffix(".") { d.removeLast() }
        return d.isEmpty ? "(local)" : d
    }

    /// The bucket of a peer: its registered domain; its name when it has none; `(no name)` for an IP
    /// or no peer.
    static func peerDomain(_ peer: String?) -> String {
        guard let peer, !peer.contains(":"), !peer.hasPrefix("["), peer.contains(where: { !$0.isNumber && $0 != "." }) else {
            return "(no name)"
        }
        return PublicSuffixList.embedded.registeredDomain(of: peer) ?? peer
    }
}
