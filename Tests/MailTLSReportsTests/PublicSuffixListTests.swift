@testable import MailTLSReports
import Testing

/// The embedded Public Suffix List and publicsuffix.org's algorithm, checked with the cases of its
/// test list (publicsuffix.org/list/tests.txt, `checkPublicSuffix(name, registered domain)`), plus
/// private-section entries and the names mail peers have.
@Suite struct PublicSuffixListTests {
    static let list = PublicSuffixList.embedded

    /// The list is Debian's, complete: both sections, thousands of rules.
    @Test func theEmbeddedListIsDebiansWithBothSections() {
        #expect(PublicSuffixList.embeddedPath.hasSuffix("public_suffix_list.dat"))
        #expect(Self.list.ruleCount > 8_000, "\(Self.list.ruleCount) rules")
        #expect(Self.list.publicSuffix(of: "example.co.uk") == "co.uk")  // ICANN
        #expect(Self.list.publicSuffix(of: "someone.github.io") == "github.io")  // private
    }

    @Test(arguments: [
        // Mixed case.
        ("COM", nil), ("example.COM", "example.com"), ("WwW.example.COM", "example.com"),
        // Leading dot.
        (".com", nil), (".example", nil), (".example.com", nil), (".example.example", nil),
        // Unlisted TLD: the default rule `*`.
        ("example", nil), ("example.example", "example.example"), ("b.example.example", "example.example"),
        ("a.b.example.example", "example.example"),
        // TLD with only 1 rule.
        ("biz", nil), ("domain.biz", "domain.biz"), ("b.domain.biz", "domain.biz"), ("a.b.domain.biz", "domain.biz"),
        // TLD with some 2-level rules.
        ("com", nil), ("example.com", "example.com"), ("b.example.com", "example.com"), ("a.b.example.com", "example.com"),
        ("uk.com", nil), ("example.uk.com", "example.uk.com"), ("b.example.uk.com", "example.uk.com"),
        ("a.b.example.uk.com", "example.uk.com"), ("test.ac", "test.ac"),
        // TLD with only 1 (wildcard) rule.
        ("mm", nil), ("c.mm", nil), ("b.c.mm", "b.c.mm"), ("a.b.c.mm", "b.c.mm"),
        // More complex TLD.
        ("jp", nil), ("test.jp", "test.jp"), ("www.test.jp", "test.jp"), ("ac.jp", nil), ("test.ac.jp", "test.ac.jp"),
        ("www.test.ac.jp", "test.ac.jp"), ("kyoto.jp", nil), ("test.kyoto.jp", "test.kyoto.jp"), ("ide.kyoto.jp", nil),
        ("b.ide.kyoto.jp", "b.ide.kyoto.jp"), ("a.b.ide.kyoto.jp", "b.ide.kyoto.jp"), ("c.kobe.jp", nil),
        ("b.c.kobe.jp", "b.c.kobe.jp"), ("a.b.c.kobe.jp", "b.c.kobe.jp"), ("city.kobe.jp", "city.kobe.jp"),
        ("www.city.kobe.jp", "city.kobe.jp"),
        // TLD with a wildcard rule and exceptions.
        ("ck", nil), ("test.ck", nil), ("b.test.ck", "b.test.ck"), ("a.b.test.ck", "b.test.ck"), ("www.ck", "www.ck"),
        ("www.www.ck", "www.ck"),
        // US K12.
        ("us", nil), ("test.us", "test.us"), ("www.test.us", "test.us"), ("ak.us", nil), ("test.ak.us", "test.ak.us"),
        ("www.test.ak.us", "test.ak.us"), ("k12.ak.us", nil), ("test.k12.ak.us", "test.k12.ak.us"),
        ("www.test.k12.ak.us", "test.k12.ak.us"),
        // IDN labels.
        ("食狮.com.cn", "食狮.com.cn"), ("食狮.公司.cn", "食狮.公司.cn"), ("www.食狮.公司.cn", "食狮.公司.cn"),
        ("shishi.公司.cn", "shishi.公司.cn"), ("公司.cn", nil), ("食狮.中国", "食狮.中国"), ("www.食狮.中国", "食狮.中国"),
        ("shishi.中国", "shishi.中国"), ("中国", nil),
        // Same as above, but punycoded.
        ("xn--85x722f.com.cn", "xn--85x722f.com.cn"), ("xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"),
        ("www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"), ("shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"),
        ("xn--55qx5d.cn", nil), ("xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"),
        ("www.xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"), ("shishi.xn--fiqs8s", "shishi.xn--fiqs8s"),
        ("xn--fiqs8s", nil),
    ] as [(String, String?)])
    func publicsuffixOrgTestList(name: String, registered: String?) {
        #expect(Self.list.registeredDomain(of: name) == registered, "\(name)")
    }

    /// Names as mail peers have them: the provider's registered domain, not the last two labels;
    /// private-section entries count as suffixes; a trailing dot (DNS's root) changes nothing.
    @Test(arguments: [
        ("mail-ed1-x52e.google.com", "google.com"), ("mx.example.co.uk", "example.co.uk"),
        ("smtp.out.mail.example.co.uk.", "example.co.uk"), ("co.uk", nil), ("mta6.am0.yahoodns.net", "yahoodns.net"),
        ("mail.example.com.br", "example.com.br"), ("someone.github.io", "someone.github.io"),
        ("www.someone.github.io", "someone.github.io"), ("github.io", nil), ("myblog.blogspot.com", "myblog.blogspot.com"),
        ("blogspot.com", nil), ("relay.school.sch.uk", "relay.school.sch.uk"), ("a.relay.school.sch.uk", "relay.school.sch.uk"),
        ("mailhost", nil), ("MX.Example.DE", "example.de"),
        ("", nil), ("a..example.com", nil), (".", nil),
    ] as [(String, String?)])
    func mailPeers(name: String, registered: String?) {
        #expect(Self.list.registeredDomain(of: name) == registered, "\(name)")
    }

    /// The public suffix itself, by rule kind: normal, wildcard, exception, and the default `*`.
    @Test func publicSuffixesByRuleKind() {
        #expect(Self.list.publicSuffix(of: "mx.example.co.uk") == "co.uk")
        #expect(Self.list.publicSuffix(of: "a.b.test.ck") == "test.ck")
        #expect(Self.list.publicSuffix(of: "www.ck") == "ck")
        #expect(Self.list.publicSuffix(of: "mail.example.unknowntld") == "unknowntld")
        #expect(Self.list.publicSuffix(of: "www.食狮.公司.cn") == "公司.cn")
    }

    /// A list from rules in the file's format: comments and blank lines skipped, the longest rule
    /// prevails, an exception over all, wildcards cover one label.
    @Test func rulesInTheFilesFormat() {
        let list = PublicSuffixList(rules: """
            // ===BEGIN ICANN DOMAINS===
            test

            *.wild.test
            !keep.wild.test
            deep.sub.test   with a comment after the rule
            // ===END ICANN DOMAINS===
            """)
        #expect(list.ruleCount == 4)
        #expect(list.registeredDomain(of: "a.b.test") == "b.test")
        #expect(list.registeredDomain(of: "x.y.wild.test") == "x.y.wild.test")
        #expect(list.registeredDomain(of: "y.wild.test") == nil)
        #expect(list.registeredDomain(of: "x.keep.wild.test") == "keep.wild.test")
        #expect(list.registeredDomain(of: "x.deep.sub.test") == "x.deep.sub.test")
        #expect(list.registeredDomain(of: "sub.test") == "sub.test")
        #expect(list.registeredDomain(of: "a.other") == "a.other")  // the default rule
    }

    /// Punycode as RFC 3492 section 7.1 and Python's codec give it; ASCII labels stay as they are.
    @Test(arguments: [
        ("ليهمابتكلموشعربي؟", "xn--egbpdaj6bu4bxfgehfvwxn"), ("他们为什么不说中文", "xn--ihqwcrb4cv8a8dqg056pqjye"),
        ("bücher", "xn--bcher-kva"), ("münchen-ost", "xn--mnchen-ost-9db"), ("食狮", "xn--85x722f"), ("公司", "xn--55qx5d"),
        ("mail-1", "mail-1"),
    ])
    func punycode(label: String, ascii: String) {
        #expect(Punycode.asciiLabel(label) == ascii)
    }
}
