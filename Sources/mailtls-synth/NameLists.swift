/// Word lists used to build host names, domains and mailbox names. Fixed order: the population
/// built from them must be identical for a given seed on every run.
enum NameLists {
    static let domainHeads: [String] = [
        "north", "blue", "river", "stone", "green", "maple", "harbor", "cedar", "silver", "eagle",
        "summit", "pacific", "atlas", "delta", "nova", "orion", "pixel", "quantum", "vector", "zenith",
        "amber", "birch", "cobalt", "dune", "ember", "fjord", "granite", "hazel", "iris", "juniper",
        "kestrel", "lumen", "meadow", "nimbus", "oak", "prairie", "quartz", "raven", "sierra", "tundra",
        "umber", "valley", "willow", "yarrow", "alpine", "bay", "canyon", "drift", "echo", "falcon",
    ]
    static let domainTails: [String] = [
        "tech", "mail", "works", "labs", "net", "systems", "media", "group", "hosting", "cloud",
        "data", "soft", "link", "corp", "trade", "design", "logistics", "health", "energy", "legal",
    ]
    static let tlds: [String] = [
        ".com", ".net", ".org", ".de", ".fr", ".co.uk", ".nl", ".io", ".jp", ".com.br", ".it", ".ca",
        ".se", ".pl", ".ch", ".at", ".es", ".be", ".dk", ".fi",
    ]
    static let firstNames: [String] = [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
        "mallory", "nick", "olivia", "peggy", "quentin", "rupert", "sybil", "trent", "ursula", "victor",
        "walter", "xena", "yolanda", "zoe", "anna", "ben", "chris", "dana", "elena", "felix",
        "gina", "hugo", "ines", "jonas", "karin", "lars", "maria", "nils", "oskar", "paula",
    ]
    static let lastNames: [String] = [
        "smith", "jones", "miller", "brown", "garcia", "martin", "schmidt", "muller", "dubois", "rossi",
        "tanaka", "silva", "novak", "berg", "larsen", "kowalski", "meyer", "moreau", "weber", "costa",
    ]
    static let roleLocals: [String] = [
        "info", "noreply", "newsletter", "support", "billing", "sales", "no-reply", "notifications",
        "orders", "hr", "jobs", "postmaster", "mailer-daemon", "alerts", "team", "hello",
    ]
    static let mtaPrefixes: [String] = [
        "mail", "smtp", "mx", "out", "mta", "relay", "mailout", "smtp-out", "o", "mail-out",
        "outbound", "bounce", "send", "gw", "mailgw", "edge",
    ]
    /// `%` = dashed address a-b-c-d, `#` = reversed dotted address d.c.b.a, `$` = hex of the address.
    static let dynamicTemplates: [String] = [
        "%.dsl.dynamic.sonic.net", "c-%.hsd1.ca.comcast.net", "pool-%.nycmny.fios.verizon.net",
        "p$.dip0.t-ipconnect.de", "#.dsl-dynamic.vsi.ru", "%.dynamic.hinet.net", "%.cust.telecomnet.it",
        "%.rev.sfr.net", "host-%.static.kpn.net", "%.broadband.corbina.ru", "cpe-%.sc.res.rr.com",
        "ip%.ip.videotron.ca", "%.adsl.proxad.net", "dslb-%.pools.arcor-ip.net",
    ]
    static let firstOctets: [UInt32] = [
        24, 37, 46, 50, 62, 66, 69, 71, 73, 77, 78, 80, 81, 82, 84, 85, 86, 87, 88, 89, 91, 93, 94,
        95, 98, 99, 104, 107, 108, 109, 141, 151, 173, 176, 178, 185, 188, 193, 194, 195, 199, 204,
        205, 206, 207, 208, 209, 212, 213, 216, 217,
    ]
    /// xtext-encoded certificate issuers (as sendmail logs them at LogLevel 12).
    static let issuers: [String] = [
        "/C=US/O=Let's+20Encrypt/CN=R11",
        "/C=US/O=Let's+20Encrypt/CN=E6",
        "/C=US/O=Google+20Trust+20Services/CN=WR2",
        "/C=US/O=DigiCert+20Inc/CN=DigiCert+20Cloud+20Services+20CA-1",
        "/C=BE/O=GlobalSign+20nv-sa/CN=GlobalSign+20RSA+20OV+20SSL+20CA+202018",
        "/C=US/O=GeoTrust+20Inc./CN=RapidSSL+20SHA256+20CA+20-+20G3",
        "/C=GB/ST=Greater+20Manchester/L=Salford/O=Sectigo+20Limited/CN=Sectigo+20RSA+20Domain+20Validation+20Secure+20Server+20CA",
        "/C=DE/O=Partner+20Exchange+20GmbH/CN=Partner+20Exchange+20Internal+20CA+202024",
    ]
    static let verifyMessages: [String] = [
        "ok",
        "unable to get local issuer certificate",
        "self-signed certificate",
        "certificate has expired",
        "self signed certificate in certificate chain",
    ]
}
