/// Lines of delivery processes (we are the SMTP client), local deliveries and MSP -> MTA hops.
extension LogGenerator {
    private mutating func recipient(_ dest: Int) {
        w("<")
        t(pop.remoteLocals[rng.skewed(pop.remoteLocals.count)])
        w("@")
        t(pop.dests[dest].domain)
        w(">")
    }

    /// `qid: to=<...>, delay=..., xdelay=..., mailer=..., pri=...` (up to, not including, `, relay=`).
    private mutating func toHead(_ s: inout Session, mailer: StaticString) {
        s.qid = dequeue(host: s.host)
        q(s.qid)
        w(": to=")
        recipient(s.dest)
        if rng.chance(0.08) {
            w(",")
            recipient(s.dest)
        }
        w(", delay=")
        duration(curSec - s.qid.sec)
        w(", xdelay=")
        duration(Int64(rng.range(0, 4)))
        w(", mailer=")
        w(mailer)
        w(", pri=")
        sink.int(rng.range(30_100, 2_400_000))
    }

    private mutating func relayWithIP(_ m: Int) {
        w(", relay=")
        t(pop.mx[m].toName)
        w(" [")
        t(pop.mx[m].ip)
        w("]")
    }

    private mutating func sentReply(_ m: Int, _ s: Session) {
        switch pop.mx[m].reply {
        case 0:
            w("Sent (OK  ")
            sink.int(Int(curSec))
            w(" ")
            sink.hex(rng.next(), digits: 12)
            w(".")
            sink.int(rng.range(1, 999))
            w(" - gsmtp)")
        case 1:
            w("Sent (<")
            sink.hex(rng.next(), digits: 16)
            w("@")
            t(hosts[s.host].fqdn)
            w("> [InternalId=")
            sink.int(rng.range(10_000_000_000, 99_999_999_999))
            w(", Hostname=AM")
            sink.int(rng.range(0, 9))
            w("PR0")
            sink.int(rng.range(1, 9))
            w("MB")
            sink.int(rng.range(1000, 9999))
            w(".eurprd0")
            sink.int(rng.range(1, 9))
            w(".prod.outlook.com] Queued mail for delivery)")
        case 2:
            w("Sent (Ok: queued as 4")
            sink.hex(rng.next(), digits: 11, upper: true)
            w(")")
        case 3:
            w("Sent (")
            q(QueueID(sec: curSec, seq: Int32(rng.below(3600)), pid: Int32(rng.range(1000, 99999))))
            w(" Message accepted for delivery)")
        case 4:
            w("Sent (OK id=1v")
            sink.hex(rng.next(), digits: 4)
            w("-000")
            sink.hex(rng.next(), digits: 5, upper: true)
            w("-")
            sink.hex(rng.next(), digits: 2)
            w("Qa)")
        case 5:
            w("Sent (ok dirdel)")
        default:
            w("Sent (2.0.0 Ok: queued)")
        }
    }

    mutating func emitOutbound(_ op: SessionOp, _ s: inout Session) {
        let host = hosts[s.host]
        let mx = pop.mx[s.peer]
        let mailer: StaticString = mx.smarthost ? "relay" : "esmtp"
        if op == .certClient && s.verify != TLSProfile.verifyOK && s.verify != TLSProfile.verifyFAIL
            && s.verify != TLSProfile.verifyTRUSTED {
            return  // no certificate (anonymous DH): nothing to log
        }
        begin(host.tagPrefix[s.tag], s.pid)
        switch op {
        case .starttlsClient:
            starttlsLine(role: TruthCounter.client, relay: mx.name, profile: s.profile, verify: s.verify, peer: s.peer)
            s.tls = true
        case .starttlsClientFallback:
            s.peer = s.mx2
            (s.profile, s.verify) = clientTLS(s.peer)
            starttlsLine(role: TruthCounter.client, relay: pop.mx[s.peer].name, profile: s.profile, verify: s.verify, peer: s.peer)
            s.tls = true
        case .certClient:
            w("STARTTLS=client, cert-subject=")
            t(mx.subject)
            w(", cert-issuer=")
            t(mx.issuer)
            w(", verifymsg=")
            t(pop.verifyMessages[s.verify == TLSProfile.verifyFAIL ? Int(mx.verifyMsg) : 0])
        case .authClient:
            w("AUTH=client, relay=")
            t(mx.name)
            w(", mech=PLAIN, bits=0")
        case .toSent:
            toHead(&s, mailer: mailer)
            relayWithIP(s.peer)
            w(", dsn=2.0.0, stat=")
            sentReply(s.peer, s)
            truth.outbound(encrypted: s.tls)
        case .toDeferred:
            toHead(&s, mailer: mailer)
            relayWithIP(s.peer)
            switch rng.below(3) {
            case 0: w(", dsn=4.7.1, stat=Deferred: 451 4.7.1 Please try again later")
            case 1: w(", dsn=4.2.2, stat=Deferred: 452 4.2.2 Mailbox full")
            default: w(", dsn=4.7.0, stat=Deferred: 421 4.7.0 Too many concurrent SMTP connections; please try again later.")
            }
        case .toBounce:
            toHead(&s, mailer: mailer)
            relayWithIP(s.peer)
            w(", dsn=5.1.1, stat=User unknown")
            s.qid2 = newQID(host: s.host, pid: s.pid)
        case .dsn:
            q(s.qid)
            w(": ")
            q(s.qid2)
            w(": DSN: User unknown")
        case .connectFailed:
            w("STARTTLS=client, error: connect failed=0, reason=")
            switch rng.below(5) {
            case 0, 1, 2: w("unknown, SSL_error=5, errno=104")
            case 3: w("sslv3 alert handshake failure, SSL_error=1, errno=0")
            default: w("dh key too small, SSL_error=1, errno=0")
            }
            w(", retry=-1")
            truth.handshakeFailures += 1
        case .rulesetTLS:
            w("ruleset=tls_server, arg1=SOFTWARE, relay=")
            t(mx.name)
            w(", reject=403 4.7.0 TLS handshake failed.")
        case .toDeferred403:
            toHead(&s, mailer: mailer)
            relayWithIP(s.peer)
            w(", dsn=4.0.0, stat=Deferred: 403 4.7.0 TLS handshake failed.")
        case .toDeferredNoConnect:
            toHead(&s, mailer: mailer)
            w(", relay=")
            t(mx.toName)
            w(", dsn=4.0.0, stat=Deferred: Connection timed out with ")
            t(mx.name)
        default:
            break
        }
        end()
    }

    mutating func emitLocal(_ s: inout Session) {
        begin(hosts[s.host].tagPrefix[0], s.pid)
        s.qid = dequeue(host: s.host)
        q(s.qid)
        w(": to=<")
        t(pop.localUsers[rng.skewed(pop.localUsers.count)])
        w("@")
        t(pop.orgDomain)
        w(">, delay=")
        duration(curSec - s.qid.sec)
        w(", xdelay=00:00:00, mailer=local, pri=")
        sink.int(rng.range(30_100, 400_000))
        if rng.chance(0.5) { w(", relay=local") }
        w(", dsn=2.0.0, stat=Sent")
        end()
    }

    private mutating func mspUser(_ s: Session) {
        switch s.user {
        case -1: w("root")
        case -2: w("www-data")
        default: t(pop.localUsers[s.user])
        }
    }

    mutating func emitMSP(_ op: SessionOp, _ s: inout Session) {
        let host = hosts[s.host]
        switch op {
        case .mspFrom:
            begin(host.tagPrefix[1], s.pid)
            s.qid = newQID(host: s.host, pid: s.pid)
            q(s.qid)
            w(": from=")
            mspUser(s)
            w(", size=")
            sink.int(rng.range(300, 20_000))
            w(", class=0, nrcpts=1, msgid=<")
            sink.int(curDate.year, width: 4); sink.two(curDate.month); sink.two(curDate.day)
            let rem = Int(curSec % 86400)
            sink.two(rem / 3600); sink.two(rem / 60 % 60)
            w(".")
            q(s.qid)
            w("@")
            t(host.fqdn)
            w(">, relay=")
            mspUser(s)
            w("@localhost")
        case .mspStarttls:
            if s.qid.sec == 0 {
                // Queue run: the message was submitted earlier by another MSP process.
                s.qid = QueueID(sec: curSec - Int64(rng.range(600, 3000)), seq: Int32(rng.below(3600)),
                                pid: max(2, s.pid - 1 - Int32(rng.below(400))))
            }
            begin(host.tagPrefix[s.tag], s.pid)
            w("STARTTLS=client, relay=[127.0.0.1], version=")
            let p = TLSProfile.all[s.profile]
            t(versionTok[p.version])
            w(", verify=FAIL, cipher=")
            t(cipherTok[p.cipher])
            w(", bits=")
            t(bitsTok[p.cipher])
            truth.session(role: TruthCounter.client, profile: s.profile, verify: TLSProfile.verifyFAIL, peer: -1)
        case .loopStarttlsServer:
            begin(host.tagPrefix[0], s.pid2)
            w("STARTTLS=server, relay=localhost [127.0.0.1], version=")
            let p = TLSProfile.all[s.profile]
            t(versionTok[p.version])
            w(", verify=NOT, cipher=")
            t(cipherTok[p.cipher])
            w(", bits=")
            t(bitsTok[p.cipher])
            truth.session(role: TruthCounter.server, profile: s.profile, verify: TLSProfile.verifyNOT, peer: -1)
        case .loopFrom:
            begin(host.tagPrefix[0], s.pid2)
            s.qid2 = newQID(host: s.host, pid: s.pid2)
            q(s.qid2)
            w(": from=<")
            mspUser(s)
            w("@")
            t(host.fqdn)
            w(">, size=")
            sink.int(rng.range(600, 20_000))
            w(", class=0, nrcpts=1, msgid=<")
            sink.int(curDate.year, width: 4); sink.two(curDate.month); sink.two(curDate.day)
            let rem = Int(curSec % 86400)
            sink.two(rem / 3600); sink.two(rem / 60 % 60)
            w(".")
            q(s.qid)
            w("@")
            t(host.fqdn)
            w(">, proto=ESMTPS, daemon=MTA, relay=localhost [127.0.0.1]")
            enqueue(host: s.host, s.qid2)
        case .mspTo:
            begin(host.tagPrefix[s.tag], s.pid)
            q(s.qid)
            w(": to=")
            if rng.chance(0.5) {
                t(pop.remoteLocals[rng.skewed(pop.remoteLocals.count)])
                w("@")
                t(pop.dests[rng.skewed(pop.dests.count)].domain)
            } else {
                w("root")
            }
            w(", ctladdr=")
            mspUser(s)
            switch s.user {
            case -1: w(" (0/0)")
            case -2: w(" (33/33)")
            default: w(" ("); sink.int(1000 + s.user); w("/100)")
            }
            w(", delay=")
            duration(curSec - s.qid.sec)
            w(", xdelay=00:00:0")
            sink.int(rng.below(3))
            w(", mailer=relay, pri=")
            sink.int(rng.range(30_100, 120_000))
            w(", relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent (")
            q(s.qid2)
            w(" Message accepted for delivery)")
        default:
            return
        }
        end()
    }
}
