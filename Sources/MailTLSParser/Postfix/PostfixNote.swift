/// The kinds of `LinkerNote` the Postfix parser makes for `PostfixLinker`: facts that decide other
/// records but are no rows themselves.
enum PostfixNote {
    /// smtpd `disconnect from NAME[IP] … starttls=N[/M] …`: the connection ended; `flag` is true when
    /// the counters say STARTTLS succeeded (N ≥ 1).
    static let disconnect: UInt8 = 1
    /// smtp `… TLS connection reused to NAME[IP]:PORT: …`: a cached TLS connection used again (`relay`).
    static let reused: UInt8 = 2
    /// `warning: TLS library problem: …` (`text`): the reason of the handshake failure around it.
    static let libraryProblem: UInt8 = 3
    /// `certificate verification failed for NAME[IP]:PORT: …` (`text`): the verify message of the
    /// session logged next.
    static let verifyFailed: UInt8 = 4
    /// qmgr `QID: from=<S>, size=N, nrcpt=M (queue active)`: sender (`text`), `size`, `count`.
    static let queued: UInt8 = 5
    /// cleanup `QID: message-id=<…>` (`text`).
    static let messageID: UInt8 = 6
}
