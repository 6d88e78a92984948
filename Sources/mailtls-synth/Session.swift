/// What kind of process a session is.
enum SessionKind: UInt8 {
    case inbound
    case outbound
    case local
    case mspHop
    case mspQueue
}

/// One SMTP conversation (or delivery run) in progress. Plain value type; lives in a fixed slot.
struct Session {
    var active = false
    var kind = SessionKind.inbound
    var host = 0
    /// Syslog tag index: 0 MTA (`sm-mta` or `sendmail`), 1 MSP (`sendmail`), 2 `sm-msp-queue`.
    var tag = 0
    var pid: Int32 = 0
    /// Second pid (the MTA child of an MSP hop), 0 when unused.
    var pid2: Int32 = 0
    var prog = OpProgram()
    var step = 0

    /// Server peer index (inbound) or MX index (outbound).
    var peer = 0
    /// Fallback MX index (outbound), -1 if none.
    var mx2 = -1
    /// Destination index (outbound).
    var dest = 0
    var profile = 0
    var verify = 0
    /// The session did a successful STARTTLS (so far).
    var tls = false
    var mech = 0
    /// An AUTH=server line was logged.
    var authed = false
    /// Inbound submission port (`daemon=MSA`).
    var msa = false

    /// Current message queue id (inbound: created here; outbound: being delivered).
    var qid = QueueID(sec: 0, seq: 0, pid: 0)
    /// Second queue id (MSP hop: the id the MTA assigned; bounce: the DSN id).
    var qid2 = QueueID(sec: 0, seq: 0, pid: 0)
    /// Local user for MSP hops.
    var user = 0
}
