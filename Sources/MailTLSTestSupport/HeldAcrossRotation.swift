import MailTLSStore

/// A Postfix log cut by a rotation while three smtpd connections are open, for `--reingest` tests on
/// both stores.
///
/// What the older file's lines make depends on the newer file: a message and an AUTH row are held
/// until their connection ends, and the `disconnect … starttls=1` that says they were encrypted is in
/// the newer file; a handshake failure waits for its reason, the newer file's `TLS library problem`
/// line. A re-read of either file alone must leave the rows as one clean run over both makes them.
public enum HeldAcrossRotation {
    public static let older: [String] = [
        "Dec  1 09:59:50 mx1 postfix/smtpd[2100]: connect from mail.partner.example[203.0.113.20]",
        "Dec  1 09:59:51 mx1 postfix/smtpd[2100]: Verified TLS connection established from mail.partner.example[203.0.113.20]: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
        "Dec  1 09:59:52 mx1 postfix/smtpd[2100]: 3F2A1B0C00: client=mail.partner.example[203.0.113.20]",
        "Dec  1 09:59:52 mx1 postfix/qmgr[1005]: 3F2A1B0C00: from=<orders@partner.example>, size=20480, nrcpt=1 (queue active)",
        "Dec  1 09:59:53 mx1 postfix/smtpd[2100]: disconnect from mail.partner.example[203.0.113.20] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7",
        "Dec  1 10:00:01 mx1 postfix/smtpd[2101]: connect from mail-a.senderco.example[198.51.100.10]",
        "Dec  1 10:00:02 mx1 postfix/smtpd[2101]: 3F2A1B0C01: client=mail-a.senderco.example[198.51.100.10]",
        "Dec  1 10:00:02 mx1 postfix/cleanup[2301]: 3F2A1B0C01: message-id=<20261201100002.1@senderco.example>",
        "Dec  1 10:00:02 mx1 postfix/qmgr[1005]: 3F2A1B0C01: from=<news@senderco.example>, size=5120, nrcpt=1 (queue active)",
        "Dec  1 10:00:03 mx1 postfix/submission/smtpd[2102]: connect from laptop.customer.example[192.0.2.61]",
        "Dec  1 10:00:04 mx1 postfix/submission/smtpd[2102]: 3F2A1B0C02: client=laptop.customer.example[192.0.2.61], sasl_method=PLAIN, sasl_username=carol",
        "Dec  1 10:00:04 mx1 postfix/cleanup[2301]: 3F2A1B0C02: message-id=<c.1@customer.example>",
        "Dec  1 10:00:04 mx1 postfix/qmgr[1005]: 3F2A1B0C02: from=<carol@ours.example>, size=2048, nrcpt=1 (queue active)",
        "Dec  1 10:00:05 mx1 postfix/smtpd[2106]: connect from scanner.badguy.example[192.0.2.99]",
        "Dec  1 10:00:05 mx1 postfix/smtpd[2106]: SSL_accept error from scanner.badguy.example[192.0.2.99]: -1",
    ]

    public static let newer: [String] = [
        "Dec  1 10:00:05 mx1 postfix/smtpd[2106]: warning: TLS library problem: error:0A000102:SSL routines::unsupported protocol:ssl/statem/statem_srvr.c:1657:",
        "Dec  1 10:00:05 mx1 postfix/smtpd[2106]: lost connection after STARTTLS from scanner.badguy.example[192.0.2.99]",
        "Dec  1 10:00:05 mx1 postfix/smtpd[2106]: disconnect from scanner.badguy.example[192.0.2.99] ehlo=1 starttls=0/1 commands=1/2",
        "Dec  1 10:00:06 mx1 postfix/smtpd[2101]: disconnect from mail-a.senderco.example[198.51.100.10] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7",
        "Dec  1 10:00:07 mx1 postfix/submission/smtpd[2102]: disconnect from laptop.customer.example[192.0.2.61] ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8",
        "Dec  1 10:00:08 mx1 postfix/smtp[2201]: Verified TLS connection established to mx1.partner.example[203.0.113.30]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
        "Dec  1 10:00:09 mx1 postfix/smtp[2201]: 3F2A1B0C01: to=<bob@partner.example>, relay=mx1.partner.example[203.0.113.30]:25, delay=7, delays=0.8/0.1/1.2/0.7, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9C8D7E6F01)",
    ]

    /// A query per view (every column but the ids of messages and AUTH rows, which are the rows' own:
    /// a row put back gets a new one; the linker's ids of sessions, failures and deliveries are kept),
    /// per rollup, and of `local_mail`: the whole store as reports see it.
    public static var everything: [String] {
        let own: Set<String> = ["messages", "auth_events"]
        return CompactRows.tables.map { t in
            "SELECT \(t.columns.map(\.name).filter { $0 != "id" || !own.contains(t.view) }.joined(separator: ", ")) FROM \(t.view)"
        } + Rollups.tableNames.map { "SELECT * FROM \($0)" } + ["SELECT * FROM local_mail"]
    }
}
