/// Who connects to us (server role).
enum PeerKind: UInt8 {
    case mta       // other mail servers delivering to us
    case customer  // our users' mail clients (dynamic IPs, AUTH)
    case bot       // scanners, spammers, password guessers
}

/// An SMTP client that connects to our hosts (STARTTLS=server side).
struct ServerPeer {
    /// `relay=` exactly as sendmail logs it (macro `${_}`): `host [ip]`, `[ip]`, `... (may be forged)`.
    var relay: Tok
    /// PTR name, empty when the relay is a bare `[ip]`.
    var name: Tok
    /// Address without brackets or `IPv6:` prefix.
    var ip: Tok
    /// Domain used for envelope senders.
    var domain: Tok
    var kind: PeerKind
    var tlsCapable: Bool
    var profile: UInt8
    var altProfile: UInt8
    /// Client certificate: 0 none, 1 verifies (OK), 2 does not verify (FAIL).
    var cert: UInt8
    /// SASL authid (customers), e.g. `alice` or `alice@example.org`.
    var user: Tok
    /// 0 PLAIN, 1 LOGIN, 2 CRAM-MD5.
    var mech: UInt8
}

/// A server we deliver to (STARTTLS=client side).
struct MXHost {
    /// `mci_host`: the name as used to connect (MX names end with a dot, smarthosts do not).
    var name: Tok
    /// `shortenstring(name, 40)`, as it appears in `to=` lines.
    var toName: Tok
    var ip: Tok
    var tls: Bool
    var profile: UInt8
    var altProfile: UInt8
    var verify: UInt8
    var subject: Tok
    var issuer: Tok
    var verifyMsg: UInt8
    /// Style of the `stat=Sent (...)` reply.
    var reply: UInt8
    /// Smarthost (mailer=relay, AUTH=client).
    var smarthost: Bool
}

/// A recipient domain and its MX hosts (indices into `mx`); `mx2 < 0` when there is only one.
struct Destination {
    var domain: Tok
    var mx1: Int32
    var mx2: Int32
}

/// The fixed cast of the generated log: built once from the seed.
struct PeerPopulation {
    var peers: [ServerPeer] = []
    var mtaRange: Range<Int> = 0 ..< 0
    var customerRange: Range<Int> = 0 ..< 0
    var botRange: Range<Int> = 0 ..< 0
    var mx: [MXHost] = []
    var dests: [Destination] = []
    /// Destinations that have two MX hosts (for MX fallback).
    var fallbackDests: [Int32] = []
    var smarthosts: [Int32] = []
    var localUsers: [Tok] = []
    var remoteLocals: [Tok] = []
    var verifyMessages: [Tok] = []
    var orgDomain = Tok.empty

    static func shorten(_ s: String, _ m: Int = 40) -> String {
        let u = Array(s.utf8)
        if u.count < m { return s }
        let h = (m - 3) / 2
        return String(decoding: u[0 ..< h], as: UTF8.self) + "..." + String(decoding: u[(u.count - h)...], as: UTF8.self)
    }

    init(rng r0: SplitMix64, arena: inout TokenArena, orgDomain org: String) {
        var rng = r0
        var usedIPv4 = Set<UInt32>()
        var usedKeys = Set<String>()
        orgDomain = arena.add(org)

        func ipv4() -> UInt32 {
            while true {
                let a = NameLists.firstOctets[rng.below(NameLists.firstOctets.count)]
                let v = (a << 24) | UInt32(truncatingIfNeeded: rng.below(1 << 24))
                let last = v & 255
                if last == 0 || last == 255 || usedIPv4.contains(v) { continue }
                usedIPv4.insert(v)
                return v
            }
        }
        func dotted(_ v: UInt32) -> String { "\(v >> 24).\((v >> 16) & 255).\((v >> 8) & 255).\(v & 255)" }
        func dashed(_ v: UInt32) -> String { "\(v >> 24)-\((v >> 16) & 255)-\((v >> 8) & 255)-\(v & 255)" }
        func reversed(_ v: UInt32) -> String { "\(v & 255).\((v >> 8) & 255).\((v >> 16) & 255).\(v >> 24)" }
        func hex32(_ v: UInt32) -> String {
            let s = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: 8 - s.count) + s
        }
        func hex(_ v: Int) -> String { String(v, radix: 16) }
        var ipv6Counter = 0
        func ipv6() -> String {
            ipv6Counter += 1
            let prefixes = ["2a01:4f8", "2a00:1450", "2607:f8b0", "2001:67c", "2a02:c7f", "2600:3c03", "2a03:b0c0"]
            let p = prefixes[rng.below(prefixes.count)]
            return "\(p):\(hex(rng.range(1, 0xfff))):\(hex(ipv6Counter))::\(hex(rng.range(1, 0xffff)))"
        }

        // Domains: unique by construction (index walks the head x tail x tld product with a stride).
        let nh = NameLists.domainHeads.count, nt = NameLists.domainTails.count, nl = NameLists.tlds.count
        let space = nh * nt * nl
        let offset = rng.below(space)
        func domain(_ i: Int) -> String {
            let k = (offset + i * 7919) % space
            return NameLists.domainHeads[k % nh] + NameLists.domainTails[(k / nh) % nt] + NameLists.tlds[k / (nh * nt)]
        }
        var nextDomain = 0
        func freshDomain() -> String {
            defer { nextDomain += 1 }
            return domain(nextDomain)
        }

        // Local users of our organisation.
        var userNames: [String] = []
        var seenUsers = Set<String>()
        while userNames.count < 300 {
            let f = NameLists.firstNames[rng.below(NameLists.firstNames.count)]
            let l = NameLists.lastNames[rng.below(NameLists.lastNames.count)]
            let u: String
            switch rng.below(4) {
            case 0: u = f
            case 1: u = "\(f).\(l)"
            case 2: u = "\(f.first!)\(l)"
            default: u = "\(f)\(rng.range(1, 99))"
            }
            if seenUsers.insert(u).inserted { userNames.append(u) }
        }
        localUsers = userNames.map { arena.add($0) }
        var remote = NameLists.roleLocals
        for f in NameLists.firstNames { remote.append(f); remote.append("\(f).\(NameLists.lastNames[rng.below(NameLists.lastNames.count)])") }
        remoteLocals = remote.map { arena.add($0) }
        verifyMessages = NameLists.verifyMessages.map { arena.add($0) }

        let modern = WeightedTable(TLSProfile.modernWeights)
        let mua = WeightedTable(TLSProfile.muaWeights)
        let old = WeightedTable(TLSProfile.oldWeights)
        let anon = WeightedTable(TLSProfile.anonWeights)

        func addPeer(name: String?, ip: String, v6: Bool, forged: Bool, kind: PeerKind, domain dom: String) -> Bool {
            let key = (name ?? ip).lowercased()
            guard usedKeys.insert(key).inserted else { return false }
            let addr = v6 ? "IPv6:\(ip)" : ip
            var relay = name.map { "\($0) [\(addr)]" } ?? "[\(addr)]"
            if forged { relay += " (may be forged)" }
            var p = ServerPeer(
                relay: arena.add(relay), name: name.map { arena.add($0) } ?? .empty, ip: arena.add(ip),
                domain: arena.add(dom), kind: kind, tlsCapable: true, profile: 0, altProfile: 0, cert: 0,
                user: .empty, mech: 0)
            switch kind {
            case .mta:
                p.tlsCapable = rng.chance(0.93)
                let table = rng.chance(0.07) ? old : modern
                p.profile = UInt8(table.pick(&rng))
                p.altProfile = UInt8(table.pick(&rng))
                if name != nil, rng.chance(0.09) { p.cert = rng.chance(0.3) ? 1 : 2 }
            case .customer:
                p.tlsCapable = rng.chance(0.86)
                // Outlook Express era clients on the old-style relay: TLSv1/SSLv3 + proto=ESMTP.
                let table = rng.chance(0.15) ? old : mua
                p.profile = UInt8(table.pick(&rng))
                p.altProfile = p.profile
                let u = userNames[rng.skewed(userNames.count)]
                p.user = arena.add(rng.chance(0.4) ? "\(u)@\(org)" : u)
                let m = rng.below(100)
                p.mech = m < 58 ? 0 : (m < 94 ? 1 : 2)
            case .bot:
                p.tlsCapable = rng.chance(0.35)
                let t = rng.below(10)
                let table = t < 6 ? modern : (t < 9 ? old : mua)
                p.profile = UInt8(table.pick(&rng))
                p.altProfile = UInt8(modern.pick(&rng))
                let u = userNames[rng.below(userNames.count)]
                p.user = arena.add(rng.chance(0.5) ? u : "admin")
                p.mech = rng.chance(0.7) ? 0 : 1
            }
            peers.append(p)
            return true
        }

        // Other MTAs.
        var mtaDomains: [String] = []
        for _ in 0 ..< 500 { mtaDomains.append(freshDomain()) }
        while peers.count < 1800 {
            let d = mtaDomains[rng.skewed(mtaDomains.count)]
            let style = rng.below(100)
            if style < 3 {
                _ = addPeer(name: nil, ip: ipv6(), v6: true, forged: false, kind: .mta, domain: d)
                continue
            }
            var name: String
            switch rng.below(10) {
            case 0:
                let ip = ipv4()
                name = "mail-\(["wr1", "wm1", "ej1", "pl1", "qt1", "yw1"][rng.below(6)])-f\(ip & 255).google.com"
                _ = addPeer(name: name, ip: dotted(ip), v6: false, forged: false, kind: .mta, domain: "gmail.com")
                continue
            case 1:
                let ip = ipv4()
                name = "mail-\(["db8eur05", "am6eur03", "vi1eur04", "he1eur02", "dm6nam12"][rng.below(5)])on\(rng.range(2000, 2199)).outbound.protection.outlook.com"
                _ = addPeer(name: name, ip: dotted(ip), v6: false, forged: false, kind: .mta, domain: d)
                continue
            default:
                let pre = NameLists.mtaPrefixes[rng.below(NameLists.mtaPrefixes.count)]
                name = rng.chance(0.5) ? "\(pre)\(rng.range(1, 40)).\(d)" : "\(pre).\(d)"
            }
            if rng.chance(0.02) {
                // A few names logged in mixed case (PTR records as published).
                let parts = name.split(separator: ".", maxSplits: 1)
                name = parts[0].uppercased() + "." + (parts.count > 1 ? String(parts[1]) : "")
            }
            if style < 5 {
                _ = addPeer(name: name, ip: ipv6(), v6: true, forged: false, kind: .mta, domain: d)
            } else if style < 10 {
                _ = addPeer(name: nil, ip: dotted(ipv4()), v6: false, forged: false, kind: .mta, domain: d)
            } else {
                _ = addPeer(name: name, ip: dotted(ipv4()), v6: false, forged: style < 13, kind: .mta, domain: d)
            }
        }
        mtaRange = 0 ..< peers.count

        func dynamicName(_ ip: UInt32) -> String {
            let t = NameLists.dynamicTemplates[rng.below(NameLists.dynamicTemplates.count)]
            return t.replacing("%", with: dashed(ip)).replacing("#", with: reversed(ip)).replacing("$", with: hex32(ip))
        }

        // Our customers' mail clients.
        while peers.count < 1800 + 900 {
            let ip = ipv4()
            let style = rng.below(100)
            if style < 12 {
                _ = addPeer(name: nil, ip: dotted(ip), v6: false, forged: false, kind: .customer, domain: org)
            } else {
                _ = addPeer(name: dynamicName(ip), ip: dotted(ip), v6: false, forged: style < 20, kind: .customer, domain: org)
            }
        }
        customerRange = mtaRange.upperBound ..< peers.count

        // Bots.
        while peers.count < 1800 + 900 + 1300 {
            let style = rng.below(100)
            let d = mtaDomains[rng.below(mtaDomains.count)]
            if style < 55 {
                _ = addPeer(name: nil, ip: dotted(ipv4()), v6: false, forged: false, kind: .bot, domain: d)
            } else if style < 58 {
                _ = addPeer(name: nil, ip: ipv6(), v6: true, forged: false, kind: .bot, domain: d)
            } else if style < 64 {
                let ip = ipv4()
                _ = addPeer(name: "\(dashed(ip)).HINET-IP.hinet.net", ip: dotted(ip), v6: false, forged: false, kind: .bot, domain: d)
            } else {
                let ip = ipv4()
                _ = addPeer(name: dynamicName(ip), ip: dotted(ip), v6: false, forged: style < 80, kind: .bot, domain: d)
            }
        }
        botRange = customerRange.upperBound ..< peers.count

        // ---- Destinations and their MX hosts.
        var mxIndex: [String: Int32] = [:]
        let issuerToks = NameLists.issuers.map { arena.add($0) }
        func addMX(_ name: String, tls: Bool? = nil, profile: Int? = nil, issuer: Int? = nil,
                   reply: Int, smarthost: Bool = false, selfHosted: Bool = false) -> Int32 {
            if let i = mxIndex[name] { return i }
            let bare = name.hasSuffix(".") ? String(name.dropLast()) : name
            var h = MXHost(
                name: arena.add(name), toName: arena.add(PeerPopulation.shorten(name)), ip: arena.add(dotted(ipv4())),
                tls: tls ?? rng.chance(0.88), profile: 0, altProfile: 0, verify: 0,
                subject: arena.add("/CN=\(bare.lowercased())"), issuer: .empty, verifyMsg: 0,
                reply: UInt8(reply), smarthost: smarthost)
            let roll = rng.below(100)
            if let p = profile {
                h.profile = UInt8(p)
                h.altProfile = UInt8(rng.chance(0.5) ? p : modern.pick(&rng))
            } else if selfHosted && roll < 3 {
                h.profile = UInt8(anon.pick(&rng))
                h.altProfile = h.profile
            } else if selfHosted && roll < 9 {
                h.profile = UInt8(old.pick(&rng))
                h.altProfile = UInt8(old.pick(&rng))
            } else {
                h.profile = UInt8(modern.pick(&rng))
                h.altProfile = UInt8(modern.pick(&rng))
            }
            let v = rng.below(1000)
            if TLSProfile.all[Int(h.profile)].anonymous {
                h.verify = UInt8(TLSProfile.verifyNO)
            } else if selfHosted && v < 40 {
                h.verify = UInt8(TLSProfile.verifyTRUSTED)
            } else if v >= 40 && v < 46 {
                h.verify = UInt8(TLSProfile.verifyNOT)
            } else if v < (selfHosted ? 330 : 450) {
                h.verify = UInt8(TLSProfile.verifyOK)
            } else {
                h.verify = UInt8(TLSProfile.verifyFAIL)
            }
            if selfHosted && h.verify == UInt8(TLSProfile.verifyFAIL) && rng.chance(0.25) {
                h.issuer = h.subject  // self-signed
                h.verifyMsg = 2
            } else {
                h.issuer = issuerToks[issuer ?? rng.below(issuerToks.count)]
                if h.verify == UInt8(TLSProfile.verifyFAIL) {
                    let m = rng.below(10)
                    h.verifyMsg = m < 7 ? 1 : (m < 9 ? 3 : 4)
                }
            }
            let i = Int32(mx.count)
            mx.append(h)
            mxIndex[name] = i
            return i
        }
        func addDest(_ d: String, _ m1: Int32, _ m2: Int32 = -1) {
            let i = Int32(dests.count)
            dests.append(Destination(domain: arena.add(d), mx1: m1, mx2: m2))
            if m2 >= 0 { fallbackDests.append(i) }
        }
        // reply styles: 0 gsmtp, 1 outlook, 2 postfix, 3 sendmail, 4 exim, 5 yahoo, 6 generic
        addDest("gmail.com", addMX("gmail-smtp-in.l.google.com.", tls: true, profile: 0, issuer: 2, reply: 0),
                addMX("alt1.gmail-smtp-in.l.google.com.", tls: true, profile: 0, issuer: 2, reply: 0))
        addDest("outlook.com", addMX("outlook-com.olc.protection.outlook.com.", tls: true, profile: 3, issuer: 3, reply: 1))
        addDest("yahoo.com", addMX("mta5.am0.yahoodns.net.", tls: true, profile: 0, issuer: 3, reply: 5),
                addMX("mta6.am0.yahoodns.net.", tls: true, profile: 0, issuer: 3, reply: 5))
        addDest("hotmail.com", addMX("hotmail-com.olc.protection.outlook.com.", tls: true, profile: 3, issuer: 3, reply: 1))
        addDest("gmx.de", addMX("mx00.emig.gmx.net.", tls: true, profile: 0, issuer: 6, reply: 6),
                addMX("mx01.emig.gmx.net.", tls: true, profile: 0, issuer: 6, reply: 6))
        addDest("web.de", addMX("mx-ha03.web.de.", tls: true, profile: 0, issuer: 6, reply: 6),
                addMX("mx-ha02.web.de.", tls: true, profile: 0, issuer: 6, reply: 6))
        addDest("icloud.com", addMX("mx01.mail.icloud.com.", tls: true, profile: 3, issuer: 3, reply: 6),
                addMX("mx02.mail.icloud.com.", tls: true, profile: 3, issuer: 3, reply: 6))
        addDest("aol.com", addMX("mx-aol.mail.gm0.yahoodns.net.", tls: true, profile: 0, issuer: 3, reply: 5))
        addDest("t-online.de", addMX("mx00.t-online.de.", tls: true, profile: 3, issuer: 4, reply: 6),
                addMX("mx01.t-online.de.", tls: true, profile: 3, issuer: 4, reply: 6))
        addDest("orange.fr", addMX("smtp-in.orange.fr.", tls: true, profile: 4, issuer: 4, reply: 6))
        addDest("comcast.net", addMX("mx1h1.comcast.net.", tls: true, profile: 3, issuer: 3, reply: 6),
                addMX("mx2c1.comcast.net.", tls: true, profile: 3, issuer: 3, reply: 6))
        addDest("yandex.ru", addMX("mx.yandex.ru.", tls: true, profile: 0, issuer: 4, reply: 6))
        addDest("proton.me", addMX("mail.protonmail.ch.", tls: true, profile: 0, issuer: 0, reply: 2),
                addMX("mailsec.protonmail.ch.", tls: true, profile: 0, issuer: 0, reply: 2))
        addDest("free.fr", addMX("mx1.free.fr.", tls: true, profile: 0, issuer: 0, reply: 2),
                addMX("mx2.free.fr.", tls: true, profile: 0, issuer: 0, reply: 2))
        let hosted = ["mx1.ionos.de.", "mx00.ionos.de.", "eu-smtp-inbound-1.mimecast.com.", "eu-smtp-inbound-2.mimecast.com.",
                      "cluster1.eu.messagelabs.com.", "mx1.mailbox.org.", "mx2.mailbox.org.", "mx.zoho.eu.", "mx2.zoho.eu.",
                      "mx1.mail.ovh.net.", "mx2.mail.ovh.net."]
        while dests.count < 1000 {
            let d = freshDomain()
            let style = rng.below(100)
            if style < 22 {
                addDest(d, addMX("aspmx.l.google.com.", tls: true, profile: 0, issuer: 2, reply: 0),
                        addMX("alt1.aspmx.l.google.com.", tls: true, profile: 0, issuer: 2, reply: 0))
            } else if style < 38 {
                let dashedName = d.replacing(".", with: "-")
                addDest(d, addMX("\(dashedName).mail.protection.outlook.com.", tls: true, profile: rng.chance(0.8) ? 3 : 0, issuer: 3, reply: 1))
            } else if style < 46 {
                let k = rng.below(hosted.count / 2) * 2
                addDest(d, addMX(hosted[k], tls: true, reply: 2), addMX(hosted[k + 1], tls: true, reply: 2))
            } else if style < 56 {
                addDest(d, addMX("mx0a-00\(rng.range(100_000, 999_999)).pphosted.com.", tls: true, profile: 3, issuer: 3, reply: 3),
                        addMX("mx0b-00\(rng.range(100_000, 999_999)).pphosted.com.", tls: true, profile: 3, issuer: 3, reply: 3))
            } else if style < 76 {
                var n1 = "mx1.\(d)."
                if rng.chance(0.03) { n1 = "MX1.\(d.uppercased())." }
                let rs = [2, 3, 4][rng.below(3)]
                addDest(d, addMX(n1, reply: rs, selfHosted: true), addMX("mx2.\(d).", reply: rs, selfHosted: true))
            } else {
                let pre = ["mail", "mx", "smtp", "mailhost", "mx01"][rng.below(5)]
                addDest(d, addMX("\(pre).\(d).", reply: [2, 3, 4, 6][rng.below(4)], selfHosted: true))
            }
        }
        // Smarthosts (no trailing dot: configured names), used with mailer=relay and AUTH=client.
        smarthosts.append(addMX("smtp.sendgrid.net", tls: true, profile: 3, issuer: 3, reply: 2, smarthost: true))
        smarthosts.append(addMX("email-smtp.eu-west-1.amazonaws.com", tls: true, profile: 0, issuer: 5, reply: 6, smarthost: true))
        for s in smarthosts { mx[Int(s)].verify = UInt8(TLSProfile.verifyOK); mx[Int(s)].verifyMsg = 0 }
    }
}

