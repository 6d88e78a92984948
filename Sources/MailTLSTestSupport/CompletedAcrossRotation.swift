/// A sendmail log cut by a rotation between lines and the later lines that complete their rows (a
/// session's `cert-subject=` line, the rest of a `to=… [more]` list), for `--reingest` tests on both
/// stores: re-reading either file alone must keep what the other file's lines added, once.
public enum CompletedAcrossRotation {
    public static let older = """
        Nov 29 10:00:03 mx1 sm-mta[4250]: STARTTLS=client, relay=mx.example.net., version=TLSv1.2, verify=OK, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256
        Nov 29 10:00:04 mx1 sm-mta[4250]: 4ATA01aa004242: to=<a@example.net>,<b@example.net>, [more], delay=00:00:03, xdelay=00:00:01, mailer=esmtp, pri=121200, relay=mx.example.net. [198.51.100.7], dsn=2.0.0, stat=Sent (ok)
        Nov 29 10:00:05 mx1 sm-mta[4251]: STARTTLS=client, relay=mx2.example.org., version=TLSv1.3, verify=FAIL, cipher=TLS_AES_256_GCM_SHA384, bits=256/256

        """

    public static let newer = """
        Nov 29 10:00:05 mx1 sm-mta[4250]: 4ATA01aa004242: to=<c@example.net>, delay=00:00:03, xdelay=00:00:01, mailer=esmtp, pri=121200, relay=mx.example.net. [198.51.100.7], dsn=2.0.0, stat=Sent (ok)
        Nov 29 10:00:05 mx1 sm-mta[4251]: STARTTLS=client, cert-subject=/CN=mx2.example.org, cert-issuer=/CN=Example+20CA, verifymsg=unable to get local issuer certificate
        Nov 29 10:00:06 mx1 sm-mta[4251]: 4ATA01bb004243: to=<d@example.org>, delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=121200, relay=mx2.example.org. [203.0.113.9], dsn=2.0.0, stat=Sent (ok)

        """

    /// The completed columns, in a stable order (ids are the linker's on SQLite; on PostgreSQL
    /// they come from the writer's blocks, so these leave them out).
    public static let completed = [
        "SELECT peer, cert_subject, cert_issuer, verifymsg FROM tls_sessions ORDER BY peer",
        "SELECT recipients, nrcpts FROM deliveries ORDER BY recipients",
    ]
}
