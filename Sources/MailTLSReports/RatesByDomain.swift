import MailTLSStore

/// `report rates --by domain`: the rows of `Queries/rates-by-domain.sql` with its `peer` rows, one per
/// peer name, merged into the peers' registered domains by the Public Suffix List, which SQL cannot
/// compute. The `recipient` and `sender` rows stay as the query returns them.
///
/// A peer's mail is counted under:
/// - its registered domain (`example.co.uk` for `mail-1.out.example.co.uk`, `user.github.io` for
///   `mx.user.github.io`), by `PublicSuffixList`;
/// - its name as it is when the name has no registered domain (a public suffix itself, or one label
///   such as `mailhost`);
/// - `(no name)` when only its IP was logged (sendmail logs `[192.0.2.1]` for a peer without reverse
///   DNS, and the store keeps the IP as the peer) or nothing.
enum RatesByDomain {
    /// The query behind `rates --by domain`.
    static let query = "rates-by-domain"
    /// The bucket of peers known by their IP only, or not at all.
    static let noName = "(no name)"
    /// The columns of the query, which the result keeps.
    static let columns = ["kind", "domain", "mail", "encrypted", "encrypted_share", "verified", "verified_share", "versions"]

    /// The domain the mail of `peer` is counted under (see the type's comment).
    static func peerDomain(_ peer: String, suffixes: PublicSuffixList) -> String {
        if peer == noName || isAddress(peer) { return noName }
        return suffixes.registeredDomain(of: peer) ?? peer.lowercased()
    }

    /// Whether `peer` is an IP address rather than a name: IPv6 (it has a `:`), IPv4 (digits and dots
    /// only) or either in brackets.
    static func isAddress(_ peer: String) -> Bool {
        peer.hasPrefix("[") || peer.contains(":") || (!peer.isEmpty && peer.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber })
    }

    /// One kind and domain's counts while rows are merged.
    private struct Tally {
        var mail: Int64 = 0, encrypted: Int64 = 0, verified: Int64 = 0
        var versions: [String: Int64] = [:]
    }

    /// `table`, all rows of the query (run without `:limit`), with the peer rows merged by registered
    /// domain and each kind cut to its first `limit` rows; the order is the query's: kind, most mail
    /// first, then domain.
    static func merge(_ table: ResultTable, suffixes: PublicSuffixList, limit: Int?) throws -> ResultTable {
        guard table.columns == columns else {
            throw ReportError.queryFailed(query: query, message: "it returned the columns \(table.columns), not \(columns)")
        }
        var kept: [[SQLValue]] = []
        var peers: [String: Tally] = [:]
        for row in table.rows {
            guard row[0].text == "peer" else {
                kept.append(row)
                continue
            }
            let domain = peerDomain(row[1].text ?? noName, suffixes: suffixes)
            var t = peers[domain, default: Tally()]
            t.mail += row[2].int ?? 0
            t.encrypted += row[3].int ?? 0
            t.verified += row[5].int ?? 0
            for (version, n) in try versionCounts(row[7].text) { t.versions[version, default: 0] += n }
            peers[domain] = t
        }
        let merged = peers.sorted { a, b in a.value.mail != b.value.mail ? a.value.mail > b.value.mail : a.key < b.key }
        for (domain, t) in merged {
            let versions = t.versions.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }
            kept.append([.text("peer"), .text(domain), .integer(t.mail), .integer(t.encrypted), share(t.encrypted, of: t.mail),
                         .integer(t.verified), share(t.verified, of: t.encrypted),
                         versions.isEmpty ? .null : .text(versions.map { "\($0.key) \($0.value)" }.joined(separator: ", "))])
        }
        guard let limit else { return ResultTable(columns: columns, rows: kept) }
        var perKind: [String: Int] = [:]
        let limited = kept.filter { row in
            let kind = row[0].text ?? ""
            perKind[kind, default: 0] += 1
            return perKind[kind]! <= limit
        }
        return ResultTable(columns: columns, rows: limited)
    }

    /// `part / whole` to 4 decimals like the query's `round(…, 4)`; NULL when `whole` is 0.
    static func share(_ part: Int64, of whole: Int64) -> SQLValue {
        guard whole > 0 else { return .null }
        return .real((Double(part) / Double(whole) * 10_000).rounded() / 10_000)
    }

    /// The counts of a `versions` value (`TLSv1.3 40, TLSv1.2 3`); empty for NULL.
    static func versionCounts(_ text: String?) throws -> [(String, Int64)] {
        guard let text else { return [] }
        return try text.split(separator: ",").map { item in
            let parts = item.split(separator: " ")
            guard parts.count == 2, let n = Int64(parts[1]) else {
                throw ReportError.queryFailed(query: query, message: "cannot read the versions value '\(text)'")
            }
            return (String(parts[0]), n)
        }
    }
}
