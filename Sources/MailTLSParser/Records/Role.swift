/// Which side of the SMTP connection we were when TLS was negotiated.
///
/// `server`: we accepted STARTTLS from a connecting peer (inbound mail).
/// `client`: we issued STARTTLS to the peer we connected to (outbound mail).
public enum Role: String, Sendable, Codable, CaseIterable {
    case server
    case client
}
