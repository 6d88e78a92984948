/// The fixed cast of a generated Exim log, built once from the seed: who sends to us, who we deliver
/// to, and how each of them does TLS.
struct EximPeers {
    /// A client connecting to us (`<=` lines).
    struct Inbound {
        enum Kind { case mta, customer, loopback }
        var kind: Kind
        /// The name Exim found (`H=name [ip]`), nil when only the HELO is known (`H=(helo) [ip]`).
        var name: String?
        var helo: String
        var ip: String
        var domain: String
        /// Index into `EximProfile.all`, nil when it does not use TLS.
        var profile: Int?
        /// The client certificate: 0 none (no CV=), 1 verified (CV=yes), 2 not verified (CV=no with DN=).
        var cert: Int
        /// Customers: the authenticator (`dovecot_plain`, …) and the login.
        var authenticator: String
        var user: String
        /// The peer the reports name: the name in lower case, else the address.
        var peer: String { name?.lowercased() ?? ip }
        var loopback: Bool { kind == .loopback }
    }

    /// A server we deliver to (`=>` lines).
    struct MX {
        var name: String
        var ip: String
        var domain: String
        var profile: Int?
        /// CV= on deliveries: 0 yes, 1 dane, 2 no with DN= (FAIL), 3 no without DN= (NO), 4 none logged.
        var verify: Int
        /// 0 TLS works; 1 the handshake fails and the delivery is deferred (hosts_require_tls); 2 it
        /// fails and Exim delivers in clear (4.90+ `delivering unencrypted`).
        var broken: Int
        /// 4.100+ logs the key-exchange group after the bits.
        var group: String?
        var loopback: Bool { ip.hasPrefix("127.") }
    }

    var inbound: [Inbound] = []
    var mtas: [Int] = []
    var customers: [Int] = []
    var loopbacks: [Int] = []
    var mx: [MX] = []
    var filter: Int = 0

    /// A public-looking IPv4 address (never loopback).
    static func ipv4(_ rng: inout SplitMix64) -> String {
        var a = rng.range(11, 200)
        if a == 127 { a = 128 }
        return "\(a).\(rng.range(0, 255)).\(rng.range(0, 255)).\(rng.range(1, 254))"
    }

    init(rng: inout SplitMix64) {
        let server = WeightedTable(EximProfile.serverWeights), client = WeightedTable(EximProfile.clientWeights)
        func domain(_ i: Int) -> String {
            NameLists.domainHeads[i % NameLists.domainHeads.count] + NameLists.domainTails[(i / 7) % NameLists.domainTails.count]
                + NameLists.tlds[(i / 3) % NameLists.tlds.count]
        }
        for i in 0..<600 {
            let d = domain(i * 13 + 5)
            let named = rng.chance(0.8)
            let name = named ? (rng.chance(0.1) ? "MX\(i % 3 + 1).\(d.uppercased())" : "mail\(i % 4).\(d)") : nil
            let ip = Self.ipv4(&rng)
            let tls = rng.chance(0.85)
            let cert = !tls ? 0 : (rng.chance(0.1) ? 1 : (rng.chance(0.05) ? 2 : 0))
            inbound.append(Inbound(kind: .mta, name: name, helo: name?.lowercased() ?? "helo\(i).\(d)", ip: ip, domain: d,
                                   profile: tls ? server.pick(&rng) : nil, cert: cert, authenticator: "", user: ""))
            mtas.append(inbound.count - 1)
        }
        let authenticators = ["dovecot_plain", "dovecot_login", "plain_server", "login", "cram_md5"]
        for i in 0..<300 {
            let user = NameLists.firstNames[i % NameLists.firstNames.count] + "\(i)@example.org"
            let ip = i % 10 == 0 ? "2001:db8:\(i):\(rng.range(1, 9999))::\(rng.range(1, 99))"
                : Self.ipv4(&rng)
            let tls = rng.chance(0.9)
            inbound.append(Inbound(kind: .customer, name: nil, helo: "pc-\(i)", ip: ip, domain: "example.org",
                                   profile: tls ? client.pick(&rng) : nil, cert: 0,
                                   authenticator: authenticators[rng.below(authenticators.count)], user: user))
            customers.append(inbound.count - 1)
        }
        for (name, tls) in [("localhost", true), ("localhost", false)] {
            inbound.append(Inbound(kind: .loopback, name: name, helo: "mx.example.org", ip: "127.0.0.1", domain: "example.org",
                                   profile: tls ? 0 : nil, cert: 0, authenticator: "", user: ""))
            loopbacks.append(inbound.count - 1)
        }
        for i in 0..<400 {
            let d = domain(i * 17 + 3)
            let tls = rng.chance(0.88)
            let broken = tls && rng.chance(0.04) ? (rng.chance(0.5) ? 1 : 2) : 0
            mx.append(MX(name: "mx\(i % 2 + 1).\(d)", ip: Self.ipv4(&rng),
                         domain: d, profile: tls ? server.pick(&rng) : nil,
                         verify: [0, 0, 0, 1, 2, 3, 4][rng.below(7)], broken: broken,
                         group: tls && rng.chance(0.2) ? "X25519" : nil))
        }
        // The content filter on this host, reached over loopback with TLS.
        mx.append(MX(name: "localhost", ip: "127.0.0.1", domain: "", profile: 0, verify: 3, broken: 0, group: nil))
        filter = mx.count - 1
    }
}
