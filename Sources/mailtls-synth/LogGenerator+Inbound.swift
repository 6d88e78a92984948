/// Lines of inbound sessions (we are the SMTP server).
extension LogGenerator {
    private mutating func sender(_ p: ServerPeer) {
        w("<")
        switch p.kind {
        case .customer:
            t(pop.localUsers[rng.skewed(pop.localUsers.count)])
            w("@")
            t(pop.orgDomain)
        case .mta, .bot:
            if p.kind == .mta && rng.chance(0.04) {
                w(">")
                return
            }
            t(pop.remoteLocals[rng.below(pop.remoteLocals.count)])
            w("@")
            t(p.domain)
        }
        w(">")
    }

    private mutating func proto(_ s: Session, _ p: ServerPeer) {
        if s.tls {
            if TLSProfile.all[s.profile].oldStyle {
                w("ESMTP")  // pre-8.15 sendmail: no S/A suffixes
            } else {
                w(s.authed ? "ESMTPSA" : "ESMTPS")
            }
        } else if s.authed {
            w("ESMTPA")
        } else if p.kind != .customer && rng.chance(p.kind == .bot ? 0.4 : 0.05) {
            w("SMTP")
        } else {
            w("ESMTP")
        }
    }

    mutating func emitInbound(_ op: SessionOp, _ s: inout Session) {
        let host = hosts[s.host]
        let p = pop.peers[s.peer]
        begin(host.tagPrefix[0], s.pid)
        switch op {
        case .acceptFailed:
            w("STARTTLS=server, error: accept failed=0, reason=")
            switch rng.below(8) {
            case 0, 1, 2: w("unknown protocol, SSL_error=1, errno=0")
            case 3: w("no shared cipher, SSL_error=1, errno=0")
            case 4: w("unsupported protocol, SSL_error=1, errno=0")
            case 5: w("wrong version number, SSL_error=1, errno=0")
            case 6: w("sslv3 alert certificate unknown, SSL_error=1, errno=0")
            default: w("unknown, SSL_error=5, errno=104")
            }
            w(", retry=-1, relay=")
            t(p.relay)
            truth.handshakeFailures += 1
        case .starttlsServer:
            starttlsLine(role: TruthCounter.server, relay: p.relay, profile: s.profile, verify: s.verify, peer: s.peer)
            s.tls = true
        case .certServer:
            w("STARTTLS=server, cert-subject=/CN=")
            t(p.name)
            if s.verify == TLSProfile.verifyOK {
                w(", cert-issuer=/C=DE/O=Partner+20Exchange+20GmbH/CN=Partner+20Exchange+20Internal+20CA+202024, verifymsg=ok")
            } else {
                w(", cert-issuer=/C=US/O=Let's+20Encrypt/CN=R10, verifymsg=unable to get local issuer certificate")
            }
        case .readError:
            switch rng.below(3) {
            case 0: w("STARTTLS: read error=timeout")
            case 1: w("STARTTLS: read error=generic SSL error (-1), errno=0, get_error=error:0A000126:SSL routines::unexpected eof while reading, retry=99, ssl_err=1")
            default: w("STARTTLS: read error=syscall error (-1), errno=104, get_error=error:00000000:lib(0):func(0):reason(0), retry=99, ssl_err=5")
            }
        case .lostInput:
            s.qid = newQID(host: s.host, pid: s.pid)
            q(s.qid)
            w(": lost input channel from ")
            t(p.relay)
            w(s.msa ? " to MSA after " : " to MTA after ")
            if rng.chance(0.5) { w("mail") } else { w("rcpt") }
        case .authServer:
            w("AUTH=server, relay=")
            t(p.relay)
            w(", authid=")
            t(p.user)
            w(", mech=")
            mechName(s.mech)
            w(", bits=0")
            s.authed = true
            truth.auth(overTLS: s.tls, mech: s.mech)
        case .authFailure:
            if s.qid.sec == 0 { s.qid = newQID(host: s.host, pid: s.pid) }
            q(s.qid)
            w(": AUTH failure (")
            mechName(s.mech)
            switch s.mech {
            case 0: w("): authentication failure (-13) SASL(-13): authentication failure: Password verification failed, user=")
            case 1: w("): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=")
            default: w("): user not found (-20) SASL(-13): user not found: unable to canonify user and get auxprops, user=")
            }
            t(p.user)
            w(", relay=")
            t(p.relay)
        case .relayDenied:
            if s.qid.sec == 0 { s.qid = newQID(host: s.host, pid: s.pid) }
            let local = pop.remoteLocals[rng.below(pop.remoteLocals.count)]
            let dom = pop.dests[rng.below(pop.dests.count)].domain
            q(s.qid)
            w(": ruleset=check_rcpt, arg1=<")
            t(local); w("@"); t(dom)
            w(">, relay=")
            t(p.relay)
            w(", reject=550 5.7.1 <")
            t(local); w("@"); t(dom)
            w(">... Relaying denied. Proper authentication required.")
        case .fromZero:
            q(s.qid)
            w(": from=")
            sender(p)
            w(", size=0, class=0, nrcpts=0, proto=")
            proto(s, p)
            w(s.msa ? ", daemon=MSA, relay=" : ", daemon=MTA, relay=")
            t(p.relay)
            truth.inbound(encrypted: s.tls)
        case .fromMessage:
            s.qid = newQID(host: s.host, pid: s.pid)
            q(s.qid)
            w(": from=")
            sender(p)
            w(", size=")
            sink.int(rng.chance(0.08) ? rng.range(100_000, 9_000_000) : rng.range(700, 60_000))
            w(", class=0, nrcpts=")
            sink.int(rng.chance(0.85) ? 1 : rng.range(2, 6))
            w(", msgid=<")
            msgid(s, p)
            w(">")
            if rng.chance(0.3) { w(", bodytype=8BITMIME") }
            w(", proto=")
            proto(s, p)
            w(s.msa ? ", daemon=MSA, relay=" : ", daemon=MTA, relay=")
            t(p.relay)
            truth.inbound(encrypted: s.tls)
            enqueue(host: s.host, s.qid)
        case .milter:
            q(s.qid)
            switch rng.below(3) {
            case 0:
                w(": Milter add: header: X-Virus-Scanned: clamav-milter 1.4.1 at ")
                t(host.fqdn)
            case 1:
                w(": Milter insert (1): header: X-Spam-Score: ")
                sink.int(rng.below(9)); w("."); sink.int(rng.below(10))
            default:
                w(": Milter add: header: X-Spam-Status: No, score=")
                sink.int(rng.below(5)); w("."); sink.int(rng.below(10))
                w(" required=5.0")
            }
        case .didNotIssue:
            s.qid = newQID(host: s.host, pid: s.pid)
            q(s.qid)
            w(": ")
            t(p.relay)
            w(s.msa ? " did not issue MAIL/EXPN/VRFY/ETRN during connection to MSA" : " did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA")
        default:
            break
        }
        end()
    }

    mutating func mechName(_ m: Int) {
        switch m {
        case 0: w("PLAIN")
        case 1: w("LOGIN")
        default: w("CRAM-MD5")
        }
    }

    private mutating func msgid(_ s: Session, _ p: ServerPeer) {
        switch p.kind {
        case .customer:
            if rng.chance(0.5) {
                sink.hex(rng.next(), digits: 8, upper: true)
                w(".")
                sink.hex(rng.next(), digits: 7, upper: true)
                w("@")
                t(pop.orgDomain)
            } else {
                sink.hex(rng.next(), digits: 12)
                w("$")
                sink.hex(rng.next(), digits: 8)
                w("$")
                sink.hex(rng.next(), digits: 8)
                w("@")
                t(pop.orgDomain)
            }
        case .mta, .bot:
            sink.int(curDate.year, width: 4); sink.two(curDate.month); sink.two(curDate.day)
            let rem = Int(curSec % 86400)
            sink.two(rem / 3600); sink.two(rem / 60 % 60); sink.two(rem % 60)
            w(".")
            sink.hex(rng.next(), digits: 16)
            w("@")
            t(p.domain)
        }
    }
}
