/// Lines from other programs and sendmail daemon chatter (no session state involved).
extension LogGenerator {
    /// Pids for other programs: above every session pid range (pid_max is 4194304).
    private mutating func otherPid() -> Int32 {
        Int32(4_100_000 + rng.below(90_000))
    }

    private mutating func dottedIP() {
        let p = pop.peers[pop.botRange.lowerBound + rng.below(pop.botRange.count)]
        if p.relay.len > 0 && arena[Int(p.relay.off)] == 91 /* [ */ && arena[Int(p.relay.off) + 1] != 73 /* I */ {
            t(p.ip)
        } else {
            sink.int(rng.range(1, 223)); w(".")
            sink.int(rng.below(256)); w(".")
            sink.int(rng.below(256)); w(".")
            sink.int(rng.range(1, 254))
        }
    }

    mutating func emitNoise() {
        let h = hostTable.pick(&rng)
        let host = hosts[h]
        let kind = rng.below(100)
        if kind < 14 {
            begin(host.cronPrefix, otherPid())
            switch rng.below(4) {
            case 0: w("(root) CMD (   cd / && run-parts --report /etc/cron.hourly)")
            case 1: w("(smmsp) CMD (test -x /etc/init.d/sendmail && test -x /usr/share/sendmail/sendmail && test -x /usr/share/sendmail/sendmail && /usr/share/sendmail/sendmail cron-msp)")
            case 2: w("(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)")
            default: w("(root) CMD ([ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi)")
            }
        } else if kind < 34 {
            beginRaw(host.kernelPrefix)
            let up = curSec - bootSec
            sink.int(Int(up), width: 5)
            w(".")
            sink.int(rng.below(1_000_000), width: 6)
            w("] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:1c:3a:9e:fe:54:00:1c:3a:9e:08:00 SRC=")
            dottedIP()
            w(" DST=192.0.2.")
            sink.int(10 + h)
            w(" LEN=")
            sink.int(40 + rng.below(3) * 4)
            w(" TOS=0x00 PREC=0x00 TTL=")
            sink.int(rng.range(40, 250))
            w(" ID=")
            sink.int(rng.below(65536))
            w(" PROTO=TCP SPT=")
            sink.int(rng.range(1024, 65535))
            w(" DPT=")
            switch rng.below(6) {
            case 0: w("23")
            case 1: w("3389")
            case 2: w("22")
            case 3: w("445")
            case 4: w("8080")
            default: w("5900")
            }
            w(" WINDOW=1024 RES=0x00 SYN URGP=0")
        } else if kind < 66 {
            beginRaw(host.dovecotPrefix)
            let user = pop.localUsers[rng.skewed(pop.localUsers.count)]
            let sess = rng.next()
            switch rng.below(4) {
            case 0, 1:
                w(rng.chance(0.8) ? "imap-login: Login: user=<" : "pop3-login: Login: user=<")
                t(user)
                w(">, method=PLAIN, rip=")
                dottedIP()
                w(", lip=192.0.2.")
                sink.int(10 + h)
                w(", mpid=")
                sink.int(Int(otherPid()))
                w(", TLS, session=<")
                sink.hex(sess, digits: 16)
                w(">")
            case 2:
                w("imap(")
                t(user)
                w(")<")
                sink.int(Int(otherPid()))
                w("><")
                sink.hex(sess, digits: 16)
                w(">: Disconnected: Logged out in=")
                sink.int(rng.range(50, 9000))
                w(" out=")
                sink.int(rng.range(300, 900_000))
                w(" deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0")
            default:
                w("imap-login: Disconnected: Connection closed (auth failed, 1 attempts in 2 secs): user=<admin>, method=PLAIN, rip=")
                dottedIP()
                w(", lip=192.0.2.")
                sink.int(10 + h)
                w(", TLS, session=<")
                sink.hex(sess, digits: 16)
                w(">")
            }
        } else if kind < 84 {
            begin(host.postfixPrefix, otherPid())
            switch rng.below(4) {
            case 0:
                w("connect from unknown[")
                dottedIP()
                w("]")
            case 1:
                w("disconnect from unknown[")
                dottedIP()
                w("] ehlo=1 auth=0/1 quit=1 commands=2/3")
            case 2:
                w("warning: unknown[")
                dottedIP()
                w("]: SASL LOGIN authentication failed: UGFzc3dvcmQ6")
            default:
                w("lost connection after AUTH from unknown[")
                dottedIP()
                w("]")
            }
        } else if kind < 98 {
            beginRaw(host.systemdPrefix)
            switch rng.below(3) {
            case 0:
                w("Started session-")
                sink.int(rng.range(1000, 99999))
                w(".scope - Session of User root.")
            case 1: w("logrotate.service: Deactivated successfully.")
            default: w("Starting sysstat-collect.service - system activity accounting tool...")
            }
        } else {
            let daemon = pids.daemonPid(host: h)
            begin(host.tagPrefix[0], daemon)
            switch rng.below(20) {
            case 0: w("starting daemon (8.18.1): SMTP+queueing@00:10:00")
            case 1, 2, 3, 7, 8, 9:
                w("rejecting connections on daemon MTA: load average: ")
                sink.int(rng.range(12, 30))
            case 4, 5, 6, 10, 11, 12: w("accepting connections again for daemon MTA")
            default:
                w("runqueue: Skipping queue run -- load average too high")
            }
        }
        end()
    }
}
