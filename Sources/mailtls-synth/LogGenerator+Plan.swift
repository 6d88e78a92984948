/// Session planning: decide what a new session will log, then allocate its pid(s).
extension LogGenerator {
    mutating func plan() -> Session {
        var s = Session()
        s.active = true
        s.host = hostTable.pick(&rng)
        s.kind = SessionKind(rawValue: UInt8(hosts[s.host].kinds.pick(&rng)))!
        switch s.kind {
        case .inbound: planInbound(&s)
        case .outbound: planOutbound(&s)
        case .local: planLocal(&s)
        case .mspHop, .mspQueue: planMSP(&s)
        }
        let first = s.prog.at(0)
        let opensWithStarttls = first == .starttlsServer || first == .starttlsClient || first == .mspStarttls
        s.pid = pids.allocate(host: s.host, now: nowMs, startsWithStarttls: opensWithStarttls, rng: &rng)
        if s.kind == .mspHop || s.kind == .mspQueue {
            // The MTA child's first line is its STARTTLS=server line.
            s.pid2 = pids.allocate(host: s.host, now: nowMs, startsWithStarttls: true, rng: &rng)
        }
        return s
    }

    private mutating func messageCount() -> Int {
        let r = rng.below(100)
        return r < 68 ? 1 : (r < 88 ? 2 : 3)
    }

    private mutating func planInbound(_ s: inout Session) {
        let host = hosts[s.host]
        let r = rng.below(100)
        let range: Range<Int>
        if host.isOut {
            range = r < 68 ? pop.customerRange : (r < 80 ? pop.mtaRange : pop.botRange)
        } else {
            range = r < 58 ? pop.mtaRange : (r < 72 ? pop.customerRange : pop.botRange)
        }
        s.peer = range.lowerBound + rng.skewed(range.count)
        let p = pop.peers[s.peer]
        s.msa = p.kind == .customer && rng.chance(0.7)
        s.mech = Int(p.mech)
        let tlsAttempt = p.tlsCapable && rng.chance(p.kind == .bot ? 0.5 : 0.97)
        if tlsAttempt {
            if rng.chance(0.02) {
                s.prog.push(.acceptFailed)
                return
            }
            s.prog.push(.starttlsServer)
            s.profile = Int(rng.chance(0.9) ? p.profile : p.altProfile)
            if !host.requestsCerts {
                s.verify = TLSProfile.verifyNOT
            } else if TLSProfile.all[s.profile].anonymous || p.cert == 0 {
                s.verify = TLSProfile.verifyNO
            } else {
                s.verify = p.cert == 1 ? TLSProfile.verifyOK : TLSProfile.verifyFAIL
            }
            if host.logLevel12 && (s.verify == TLSProfile.verifyOK || s.verify == TLSProfile.verifyFAIL) {
                s.prog.push(.certServer)
            }
            if rng.chance(0.012) {
                s.prog.push(.readError)
                s.prog.push(.lostInput)
                return
            }
        }
        switch p.kind {
        case .customer:
            if rng.chance(0.04) {
                s.prog.push(.authFailure)
                if rng.chance(0.5) {
                    s.prog.push(.relayDenied)
                    s.prog.push(.fromZero)
                }
            } else {
                s.prog.push(.authServer)
                for _ in 0 ..< messageCount() { s.prog.push(.fromMessage) }
            }
        case .mta:
            if rng.chance(0.03) {
                s.prog.push(.didNotIssue)
            } else {
                for _ in 0 ..< messageCount() {
                    s.prog.push(.fromMessage)
                    if rng.chance(0.5) { s.prog.push(.milter) }
                }
            }
        case .bot:
            let b = rng.below(100)
            if b < 35 {
                s.prog.push(.didNotIssue)
            } else if b < 60 {
                s.prog.push(.authFailure)
                if rng.chance(0.4) { s.prog.push(.authFailure) }
            } else if b < 80 {
                s.prog.push(.relayDenied)
                s.prog.push(.fromZero)
            } else {
                s.prog.push(.fromMessage)
                s.prog.push(.milter)
            }
        }
    }

    /// Profile and verify result for a client session to MX `m`.
    mutating func clientTLS(_ m: Int) -> (profile: Int, verify: Int) {
        let h = pop.mx[m]
        let profile = Int(rng.chance(0.9) ? h.profile : h.altProfile)
        var verify = Int(h.verify)
        if TLSProfile.all[profile].anonymous {
            verify = TLSProfile.verifyNO
        } else if verify == TLSProfile.verifyNO {
            verify = TLSProfile.verifyFAIL
        }
        return (profile, verify)
    }

    private mutating func pushDeliveries(_ s: inout Session) {
        let r = rng.below(100)
        let n = r < 55 ? 1 : (r < 80 ? 2 : 3)
        for _ in 0 ..< n {
            let x = rng.below(100)
            if x < 2 {
                s.prog.push(.toDeferred)
            } else if x < 5 {
                s.prog.push(.toBounce)
                s.prog.push(.dsn)
            } else {
                s.prog.push(.toSent)
            }
        }
    }

    private mutating func planOutbound(_ s: inout Session) {
        let host = hosts[s.host]
        s.tag = 0
        s.dest = rng.skewed(pop.dests.count)
        let smarthost = host.isOut && rng.chance(0.12)
        if smarthost {
            s.peer = Int(pop.smarthosts[rng.below(pop.smarthosts.count)])
        } else {
            s.peer = Int(pop.dests[s.dest].mx1)
        }
        let r = rng.below(1000)
        if r < 10 && !smarthost {
            s.prog.push(.toDeferredNoConnect)
            return
        }
        if !pop.mx[s.peer].tls {
            pushDeliveries(&s)
            return
        }
        if r < 25 {
            s.prog.push(.connectFailed)
            s.prog.push(.rulesetTLS)
            s.prog.push(.toDeferred403)
            return
        }
        if r < 55 && !smarthost {
            // MX fallback: STARTTLS with the first MX, then with the second, which takes the mail.
            let d = Int(pop.fallbackDests[rng.skewed(pop.fallbackDests.count)])
            let m1 = Int(pop.dests[d].mx1), m2 = Int(pop.dests[d].mx2)
            if pop.mx[m1].tls && pop.mx[m2].tls {
                s.dest = d
                s.peer = m1
                s.mx2 = m2
                (s.profile, s.verify) = clientTLS(m1)
                s.prog.push(.starttlsClient)
                if host.logLevel12 { s.prog.push(.certClient) }
                s.prog.push(.starttlsClientFallback)
                if host.logLevel12 { s.prog.push(.certClient) }
                pushDeliveries(&s)
                return
            }
        }
        (s.profile, s.verify) = clientTLS(s.peer)
        s.prog.push(.starttlsClient)
        if host.logLevel12 { s.prog.push(.certClient) }
        if smarthost && host.logLevel12 { s.prog.push(.authClient) }
        pushDeliveries(&s)
    }

    private mutating func planLocal(_ s: inout Session) {
        s.tag = 0
        let r = rng.below(100)
        for _ in 0 ..< (r < 60 ? 1 : (r < 90 ? 2 : 3)) { s.prog.push(.toLocal) }
    }

    private mutating func planMSP(_ s: inout Session) {
        let r = rng.below(100)
        s.user = r < 25 ? -1 : (r < 33 ? -2 : rng.skewed(pop.localUsers.count))
        s.profile = hosts[s.host].loopProfile
        if s.kind == .mspHop {
            s.tag = 1
            s.prog.push(.mspFrom)
        } else {
            s.tag = 2
        }
        s.prog.push(.mspStarttls)
        s.prog.push(.loopStarttlsServer)
        s.prog.push(.loopFrom)
        s.prog.push(.mspTo)
    }
}
