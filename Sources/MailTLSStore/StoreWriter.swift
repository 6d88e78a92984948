import MailTLSParser

/// Counts of rows a writer inserted.
public struct WriteCounts: Sendable, Equatable {
    public var sessions = 0
    public var certificates = 0
    public var messages = 0
    public var deliveries = 0
    /// Deliveries by non-network mailers: counted per day (`local_mail`), not stored as rows.
    public var localDeliveries = 0
    /// Messages submitted on the command line (no `proto=`): counted per day (`local_mail`), not rows.
    public var localSubmissions = 0
    public var auth = 0
    public var failures = 0
    /// Certificate lines with no session to attach to.
    public var orphanCertificates = 0

    public init() {}

    public var rows: Int { sessions + messages + deliveries + auth + failures }

    public static func + (a: WriteCounts, b: WriteCounts) -> WriteCounts {
        var r = a
        r.sessions += b.sessions
        r.certificates += b.certificates
        r.messages += b.messages
        r.deliveries += b.deliveries
        r.localDeliveries += b.localDeliveries
        r.localSubmissions += b.localSubmissions
        r.auth += b.auth
        r.failures += b.failures
        r.orphanCertificates += b.orphanCertificates
        return r
    }
}

/// Writes linked `LogRecord`s into the store, batching rows into multi-row inserts (`BatchInsert`).
///
/// The caller owns transactions (`begin`/`commit`/`rollback`): the ingester commits a file in parts,
/// each with its checkpoint. Repeated text goes into `texts` once and the rows hold its id (`TextIDs`);
/// local mail is counted, not stored (`LocalMailCounts`). Rows wait in per-table batches until `flush()` (which `commit()` calls); a line
/// that completes a row still waiting (certificate details, the rest of a `[more]` list) changes it
/// in place instead of updating it later. Each row is also counted into `rollups`, which the caller
/// flushes into the rollup tables in the same transaction.
public final class StoreWriter {
    let db: Database
    /// While an ingest writes, its connection checkpoints by itself only once the WAL holds this many
    /// pages (64 MiB of 16 KiB pages; SQLite's default is 1,000): the copying is `checkpointer`'s.
    static let ingestAutocheckpointPages = 4096
    /// The ingest connection's page cache, KiB (SQLite's default is 2,000). A full cache spills dirty
    /// pages into the WAL in the middle of a part, and the pages still filling (the last leaf of each
    /// table and index) go in again and again: at 4 MiB a 200 MiB log's ingest made 14 % fewer `pwrite`
    /// and 24 % fewer `pread` calls (sendmail), 24 % and 41 % fewer (Exim), for 2 MiB more memory.
    static let ingestCacheKiB = 4096
    /// Copies committed parts from the WAL into the database file beside the ingest (nil in memory).
    private let checkpointer: WALCheckpointer?
    /// The connection's own threshold, set back when the writer ends.
    private let autocheckpointBefore: Int64
    /// The connection's own page cache size, set back when the writer ends.
    private let cacheSizeBefore: Int64
    private let sessions: BatchInsert
    private let messages: BatchInsert
    private let deliveries: BatchInsert
    private let auth: BatchInsert
    private let failures: BatchInsert
    private let updateCertificate: Statement
    /// Deletes a session row that moved onto its carrier after its batch was written (`takeLineSession`).
    private let deleteSession: Statement
    /// Puts an AUTH on its message row after the row's batch was written (`takeLineAuth`).
    private let updateMessageAuth: Statement
    private let completeFailure: Statement
    private let completeDelivery: Statement
    /// Adds an MTA to `mtas` when its first rows are written: the table lists the MTAs whose rows the
    /// store holds, so the summary knows without a scan whether it must split its figures per MTA.
    private let registerMTA: Statement
    /// The MTAs (one bit per `MTA.code`) of the rows written since the last `flush`.
    private var mtasWritten: UInt64 = 0
    /// Ids of repeated text (`texts`): the base tables hold them instead of the text.
    private let texts: TextIDs
    /// Local deliveries and command-line submissions, counted instead of stored.
    private let localMail: LocalMailCounts
    /// Room to build a template in (`templated`); grows to the longest text seen.
    private var scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1024)
    public private(set) var counts = WriteCounts()
    /// The rollup counts of the rows written since they were last flushed (`RollupAccumulator.flush`)
    /// or cleared: each row is counted as it is written.
    public let rollups = RollupAccumulator()

    // Column positions (0-based) of the rows the batches build.
    private enum S {
        static let id = 0, role = 4, version = 9, verify = 10, cipher = 11, cipherBits = 13
        static let certSubject = 20, certIssuer = 21, verifymsg = 22, versionLogged = 24, verifyLogged = 25
    }
    /// The session written last, while a row of its own line may take it in (`LineSession`).
    private var lineSession: LineSession?
    /// The message written last, while an AUTH of its own line may live on its row (`LineMessage`).
    private var lineMessage: LineMessage?
    /// Columns of a message row: its origin, and from `authAuthid` on auth_authid, auth_mech, auth_role.
    private enum M { static let sourceID = 19, sourceOffset = 20, authAuthid = 29 }
    private enum D { static let recipients = 4, nrcpts = 5 }
    /// Where a message or delivery row holds the columns of a session that lives on it (`LineSession`).
    private struct CarrierColumns {
        /// tls_verify, then tls_version and tls_cipher.
        let tlsVerify: Int
        /// tls_bits, then tls_cert_subject, tls_version_logged, tls_verify_logged and session_role.
        let tlsBits: Int
    }
    private static let messageCarrier = CarrierColumns(tlsVerify: 15, tlsBits: 24)
    private static let deliveryCarrier = CarrierColumns(tlsVerify: 15, tlsBits: 28)

    public init(store: Store) throws {
        db = store.database
        // Checkpoints run beside the ingest instead of inside its commits (`WALCheckpointer`); the
        // committing connection still checkpoints by itself past `ingestAutocheckpointPages`, which
        // bounds the WAL (it can only start again from its beginning after such a checkpoint).
        autocheckpointBefore = try db.scalarInt("PRAGMA wal_autocheckpoint") ?? 1000
        try db.execute("PRAGMA wal_autocheckpoint=\(Self.ingestAutocheckpointPages)")
        cacheSizeBefore = try db.scalarInt("PRAGMA cache_size") ?? -2000
        try db.execute("PRAGMA cache_size=-\(Self.ingestCacheKiB)")
        checkpointer = store.path == ":memory:" ? nil : WALCheckpointer(path: store.path)
        texts = try TextIDs(db)
        localMail = try LocalMailCounts(db)
        sessions = try BatchInsert(db, table: "session_rows", columns: [
            "id", "ts", "host", "pid", "role", "peer", "peer_ip", "relay", "forged", "version", "verify", "cipher",
            "alg_bits", "cipher_bits", "dane_pubkey_fp", "dane_status", "dane_note", "source_id", "source_offset",
            "loopback", "cert_subject", "cert_issuer", "verifymsg", "mta", "version_logged", "verify_logged"],
            idColumn: "id")
        messages = try BatchInsert(db, table: "message_rows", columns: [
            "ts", "host", "pid", "queue_id", "sender", "size", "nrcpts", "msgid", "proto", "daemon", "peer", "peer_ip",
            "relay", "forged", "auth", "tls_verify", "tls_version", "tls_cipher", "tls_session_id", "source_id",
            "source_offset", "loopback", "encrypted", "mta",
            "tls_bits", "tls_cert_subject", "tls_version_logged", "tls_verify_logged", "session_role",
            "auth_authid", "auth_mech", "auth_role"])
        deliveries = try BatchInsert(db, table: "delivery_rows", columns: [
            "ts", "host", "pid", "queue_id", "recipients", "nrcpts", "mailer", "peer", "peer_ip", "relay", "dsn",
            "status", "stat", "delay", "xdelay", "tls_verify", "tls_version", "tls_cipher", "tls_session_id",
            "source_id", "source_offset", "id", "loopback", "network_mailer", "stat_token", "mta", "tls_feature",
            "encrypted", "tls_bits", "tls_cert_subject", "tls_version_logged", "tls_verify_logged", "session_role"],
            idColumn: "id")
        auth = try BatchInsert(db, table: "auth_rows", columns: [
            "ts", "host", "pid", "queue_id", "role", "success", "peer", "peer_ip", "relay", "authid", "mech", "bits",
            "reason", "tls_session_id", "source_id", "source_offset", "loopback", "mta", "encrypted"])
        failures = try BatchInsert(db, table: "failure_rows", columns: [
            "ts", "host", "pid", "queue_id", "kind", "role", "peer", "peer_ip", "relay", "reason", "ssl_error",
            "errno", "ruleset", "ruleset_arg", "reject", "tls_session_id", "source_id", "source_offset", "id",
            "loopback", "mta"], idColumn: "id")
        registerMTA = try db.prepare("INSERT OR IGNORE INTO mtas(id, name) VALUES (?, ?)")
        deleteSession = try db.prepare("DELETE FROM session_rows WHERE id = ?")
        // The message written last has the highest rowid (message rows take max(rowid) + 1).
        updateMessageAuth = try db.prepare("""
            UPDATE message_rows SET auth_authid = ?, auth_mech = ?, auth_role = ?
            WHERE rowid = (SELECT max(rowid) FROM message_rows) AND source_id = ? AND source_offset = ?
            """)
        updateCertificate = try db.prepare(
            "UPDATE session_rows SET cert_subject = ?, cert_issuer = ?, verifymsg = ? WHERE id = ?")
        // Not twice: the re-read of a newer file (`--reingest`) meets again the rest of a list whose
        // first piece is in the file before, and that row has it already.
        completeDelivery = try db.prepare("""
            UPDATE delivery_rows SET recipients = recipients || ',' || ?1, nrcpts = nrcpts + ?2
            WHERE id = ?3 AND instr(',' || recipients || ',', ',' || ?1 || ',') = 0
            """)
        completeFailure = try db.prepare("""
            UPDATE failure_rows SET loopback = CASE WHEN peer IS NULL AND peer_ip IS NULL THEN ? ELSE loopback END,
                peer = coalesce(peer, ?), peer_ip = coalesce(peer_ip, ?), relay = coalesce(relay, ?),
                ruleset = coalesce(?, ruleset), ruleset_arg = coalesce(?, ruleset_arg), reject = coalesce(?, reject)
            WHERE id = ?
            """)
    }

    deinit {
        scratch.deallocate()
        checkpointer?.finish()
        // The store's connection checkpoints by itself again for whatever it writes next.
        try? db.execute("PRAGMA wal_autocheckpoint=\(autocheckpointBefore)")
        try? db.execute("PRAGMA cache_size=\(cacheSizeBefore)")
    }

    private var batches: [BatchInsert] { [sessions, messages, deliveries, auth, failures] }

    public func begin() throws { try db.execute("BEGIN IMMEDIATE") }
    public func commit() throws {
        try flush()
        try db.execute("COMMIT")
        checkpointer?.request()
    }
    /// Waits until the checkpoint asked for by the last commit has run (tests look at the database
    /// file then).
    func waitForCheckpoint() { checkpointer?.wait() }

    public func rollback() {
        discard()
        texts.clear()
        try? db.execute("ROLLBACK")
    }

    /// Writes the rows still waiting in the batches (before anything else reads or writes the store).
    public func flush() throws {
        try texts.flush()
        if mtasWritten != 0 {
            for mta in MTARegistry.all where mtasWritten & (1 << UInt64(mta.code)) != 0 {
                registerMTA.bind(1, Int64(mta.code))
                registerMTA.bind(2, mta.name)
                try registerMTA.run()
            }
            mtasWritten = 0
        }
        for b in batches { try b.flush() }
        try localMail.flush()
    }

    /// Forgets the rows still waiting (the transaction is being rolled back).
    public func discard() {
        for b in batches { b.discard() }
        lineSession = nil
        lineMessage = nil
        localMail.clear()
        mtasWritten = 0
    }

    /// Puts the counters back (after a rolled-back file).
    public func restoreCounts(_ saved: WriteCounts) { counts = saved }

    /// Adds the rollup counts of the rows written since the last call to the rollup tables (in the
    /// current transaction, after `flush`).
    public func flushRollups() throws { try rollups.flush(into: db) }

    /// Forgets the rollup counts not yet added (a rolled-back part, or a re-ingested file's, which are
    /// added by source instead).
    public func clearRollups() { rollups.clear() }

    /// Sets ts (Unix seconds), host (its text id), pid, queue_id at columns 0...3.
    private func head(_ b: BatchInsert, _ row: Int, _ r: LogRecord) throws {
        b.set(row, 0, r.time)
        b.set(row, 1, try texts.id(r.host))
        b.set(row, 2, Int64(r.pid))
        b.set(row, 3, r.queueID)
    }

    /// Sets peer, peer_ip and relay at columns c...c+2 from one look at the relay, and returns whether
    /// it is a loopback peer (for the row's `loopback` column and the rollups): reading `relay?.…`
    /// field by field copied the whole Relay (its Strings) each time.
    private func relay(_ b: BatchInsert, _ row: Int, _ c: Int, _ relay: Relay?) throws -> Bool {
        guard let relay else {
            b.set(row, c, nil as Int64?)
            b.set(row, c + 1, nil as Int64?)
            b.set(row, c + 2, nil as Int64?)
            return false
        }
        b.set(row, c, try texts.id(relay.peer))
        b.set(row, c + 1, try texts.id(relay.ip))
        b.set(row, c + 2, try texts.id(relay.raw))
        return relay.isLoopback
    }

    /// Sets tls_verify, tls_version and tls_cipher at columns c...c+2 (LOG_MORE builds), with one look
    /// at the optional fields, as `relay` does.
    private func loggedTLS(_ b: BatchInsert, _ row: Int, _ c: Int, _ tls: LoggedTLS?) throws {
        guard let tls else {
            b.set(row, c, nil as Int64?)
            b.set(row, c + 1, nil as Int64?)
            b.set(row, c + 2, nil as Int64?)
            return
        }
        b.set(row, c, try texts.id(tls.verify))
        b.set(row, c + 1, try texts.id(tls.version))
        b.set(row, c + 2, try texts.id(tls.cipher))
    }

    /// Sets a templated text (`TextTemplate`): the id of its template at column c, its token at `token`.
    private func templated(_ b: BatchInsert, _ row: Int, _ c: Int, token: Int, _ text: String?) throws {
        guard let text else { return }   // both columns stay NULL
        try ByteSpan.with(text) { s in
            guard let r = TextTemplate.tokenRange(s) else {
                b.set(row, c, try texts.id(bytes: s))
                return
            }
            let n = s.count - r.count + 1
            if scratch.count < n {
                scratch.deallocate()
                scratch = .allocate(capacity: max(n, 2 * scratch.count))
            }
            let p = scratch.baseAddress!
            if r.lowerBound > 0 { p.update(from: s.base, count: r.lowerBound) }
            p[r.lowerBound] = TextTemplate.marker
            if r.upperBound < s.count { (p + r.lowerBound + 1).update(from: s.base + r.upperBound, count: s.count - r.upperBound) }
            b.set(row, c, try texts.id(bytes: ByteSpan(base: UnsafePointer(p), count: n)))
            b.set(row, token, bytes: UnsafeRawBufferPointer(start: s.base + r.lowerBound, count: r.count))
        }
    }

    /// Sets source_id and source_offset at columns c and c+1: the line every row comes from.
    private func origin(_ b: BatchInsert, _ row: Int, _ c: Int, _ origin: LineOrigin) {
        b.set(row, c, origin.source)
        b.set(row, c + 1, origin.offset)
    }

    /// Moves the session written last onto `r`'s row (`row` of batch `b`, filled but for the session's
    /// columns) when `LineSession` says it belongs there (Exim), instead of keeping its `session_rows` row.
    /// Its row is the last one waiting in `sessions` (only its certificate came between); should the
    /// batch have been written since, the row is deleted and the columns are set from the session.
    private func takeLineSession(_ b: BatchInsert, _ row: Int, _ c: CarrierColumns, _ r: LogRecord,
                                 relay: Relay?, loggedTLS: LoggedTLS?) throws {
        guard let line = lineSession, line.movesOnto(r, relay: relay, loggedTLS: loggedTLS) else { return }
        lineSession = nil
        let s = sessions
        if let last = s.lastRow, s.int(last, S.id) == line.id {
            b.set(row, c.tlsVerify, s.int(last, S.verify))
            b.set(row, c.tlsVerify + 1, s.int(last, S.version))
            b.set(row, c.tlsVerify + 2, s.int(last, S.cipher))
            b.set(row, c.tlsBits, s.int(last, S.cipherBits))
            b.set(row, c.tlsBits + 1, s.int(last, S.certSubject))
            b.set(row, c.tlsBits + 2, s.int(last, S.versionLogged))
            b.set(row, c.tlsBits + 3, s.int(last, S.verifyLogged))
            b.set(row, c.tlsBits + 4, s.int(last, S.role))
            s.removeLastRow()
        } else {
            let t = line.session
            b.set(row, c.tlsVerify, try texts.id(t.verify))
            b.set(row, c.tlsVerify + 1, try texts.id(t.version))
            b.set(row, c.tlsVerify + 2, try texts.id(t.cipher))
            b.set(row, c.tlsBits, t.cipherBits)
            b.set(row, c.tlsBits + 1, try texts.id(line.certificateSubject))
            b.set(row, c.tlsBits + 2, try texts.id(line.versionLogged))
            b.set(row, c.tlsBits + 3, try texts.id(line.verifyLogged))
            b.set(row, c.tlsBits + 4, try texts.id(line.role))
            deleteSession.bind(1, line.id)
            try deleteSession.run()
        }
    }

    /// Puts AUTH `a` on the row of the message written last when `LineMessage` says it lives there (Exim's
    /// `A=`), instead of an `auth_rows` row; returns whether it did. The row is the last one waiting in
    /// `messages` (only the line's other records came between); should its batch have been written
    /// since, an UPDATE of the newest message row does it.
    private func takeLineAuth(_ a: AuthEvent, _ r: LogRecord) throws -> Bool {
        guard let message = lineMessage, message.takes(a, of: r) else { return false }
        lineMessage = nil
        let authid = try texts.id(a.authid), mech = try texts.id(a.mechanism), role = try texts.id(a.role.rawValue)
        let b = messages
        if let last = b.lastRow, b.int(last, M.sourceOffset) == r.origin.offset, b.int(last, M.sourceID) == r.origin.source {
            b.set(last, M.authAuthid, authid)
            b.set(last, M.authAuthid + 1, mech)
            b.set(last, M.authAuthid + 2, role)
            return true
        }
        let s = updateMessageAuth
        s.bind(1, authid)
        s.bind(2, mech)
        s.bind(3, role)
        s.bind(4, r.origin.source)
        s.bind(5, r.origin.offset)
        try s.run()
        return db.changes == 1
    }

    /// Inserts one linked record (a copy of it: for tests and tools; ingest writes in place).
    public func write(_ r: LogRecord) throws {
        var r = r
        try write(&r)
    }

    /// Inserts one linked record (or completes the row it refers to). `r` is not changed: it is `inout`
    /// so that the writer thread reads it in place (`IngestWriter.write`).
    public func write(_ r: inout LogRecord) throws {
        switch r.event {
        case .tlsSession(let t):
            let b = sessions, row = try b.beginRow()
            // Text ids in column order: new texts get their ids in the order they are first met.
            let host = try texts.id(r.host)
            b.set(row, 0, r.id)
            b.set(row, 1, r.time)
            b.set(row, 2, host)
            b.set(row, 3, Int64(r.pid))
            let role = try texts.id(t.role.rawValue)
            b.set(row, 4, role)
            let local = try relay(b, row, 5, t.relay)
            b.set(row, 8, t.relay.forged)
            let version = try texts.id(t.version), verify = try texts.id(t.verify), cipher = try texts.id(t.cipher)
            b.set(row, 9, version)
            b.set(row, 10, verify)
            b.set(row, 11, cipher)
            b.set(row, 12, t.algBits)
            b.set(row, 13, t.cipherBits)
            b.set(row, 14, try texts.id(t.danePubkeyFP))
            b.set(row, 15, try texts.id(t.daneStatus))
            b.set(row, 16, try texts.id(t.daneNote))
            origin(b, row, 17, r.origin)
            b.set(row, 19, local)
            b.set(row, 23, Int64(r.mta.code))
            mtasWritten |= 1 << UInt64(r.mta.code)
            // NULL when the log wrote the normalised form (the view shows `version` then): no byte.
            b.set(row, 24, try texts.id(t.storedVersionLogged))
            b.set(row, 25, try texts.id(t.storedVerifyLogged))
            let peer = b.int(row, 5)
            b.endRow()
            rollups.add(session: t, of: r, local: local, ids: .init(host: host, role: role, version: version,
                                                                     verify: verify, cipher: cipher, peer: peer))
            counts.sessions += 1
            lineSession = LineSession(t, of: r)

        case .certificate(let c):
            guard let id = r.sessionID else { counts.orphanCertificates += 1; return }
            if let line = lineSession, line.id == id { lineSession = line.noting(c) }
            if let row = sessions.pendingRow(withID: id) {
                sessions.set(row, S.certSubject, try texts.id(c.subject))
                sessions.set(row, S.certIssuer, try texts.id(c.issuer))
                sessions.set(row, S.verifymsg, try texts.id(c.verifyMessage))
            } else {
                let s = updateCertificate
                s.bind(1, try texts.id(c.subject))
                s.bind(2, try texts.id(c.issuer))
                s.bind(3, try texts.id(c.verifyMessage))
                s.bind(4, id)
                try s.run()
            }
            counts.certificates += 1

        case .message(let m):
            guard m.proto != nil else {
                localMail.add(.submission, of: r)
                counts.localSubmissions += 1
                return
            }
            let b = messages, row = try b.beginRow()
            try head(b, row, r)
            b.set(row, 4, try texts.id(m.sender))
            b.set(row, 5, m.size)
            b.set(row, 6, m.nrcpts)
            b.set(row, 7, m.messageID)
            b.set(row, 8, try texts.id(m.proto))
            b.set(row, 9, try texts.id(m.daemon))
            let local = try relay(b, row, 10, m.relay)
            b.set(row, 13, m.relay?.forged ?? false)
            b.set(row, 14, try texts.id(m.auth))
            try loggedTLS(b, row, 15, m.loggedTLS)
            b.set(row, 18, r.sessionID)
            origin(b, row, 19, r.origin)
            let encrypted = m.isEncrypted(sessionID: r.sessionID)
            b.set(row, 21, local)
            b.set(row, 22, encrypted)
            b.set(row, 23, Int64(r.mta.code))
            mtasWritten |= 1 << UInt64(r.mta.code)
            try takeLineSession(b, row, Self.messageCarrier, r, relay: m.relay, loggedTLS: m.loggedTLS)
            b.endRow()
            lineMessage = LineMessage(r, relay: m.relay, encrypted: encrypted)
            rollups.add(message: m, of: r, local: local, encrypted: encrypted)
            counts.messages += 1

        case .delivery(let d):
            guard d.usesNetworkMailer else {
                localMail.add(.delivery, of: r, mailer: d.mailer, status: d.status.rawValue)
                counts.localDeliveries += 1
                return
            }
            let b = deliveries, row = try b.beginRow()
            try head(b, row, r)
            b.set(row, 4, d.recipients)
            b.set(row, 5, d.recipientCount)
            b.set(row, 6, try texts.id(d.mailer))
            let local = try relay(b, row, 7, d.relay), networkMailer = true
            b.set(row, 10, try texts.id(d.dsn))
            b.set(row, 11, try texts.id(d.status.rawValue))
            try templated(b, row, 12, token: 24, d.statusText)
            b.set(row, 13, try texts.id(d.delay))
            b.set(row, 14, try texts.id(d.xdelay))
            try loggedTLS(b, row, 15, d.loggedTLS)
            b.set(row, 18, r.sessionID)
            origin(b, row, 19, r.origin)
            b.set(row, 21, r.id > 0 ? r.id : nil)
            b.set(row, 22, local)
            b.set(row, 23, networkMailer)
            b.set(row, 25, Int64(r.mta.code))
            mtasWritten |= 1 << UInt64(r.mta.code)
            b.set(row, 26, try texts.id(d.tlsFeature))
            b.set(row, 27, d.isEncrypted(sessionID: r.sessionID))
            try takeLineSession(b, row, Self.deliveryCarrier, r, relay: d.relay, loggedTLS: d.loggedTLS)
            b.endRow()
            rollups.add(delivery: d, of: r, local: local, networkMailer: networkMailer)
            counts.deliveries += 1

        case .deliveryCompletion(let c):
            if let row = deliveries.pendingRow(withID: c.deliveryID) {
                if let old = deliveries.text(row, D.recipients) {
                    deliveries.set(row, D.recipients, old + "," + c.recipients)
                }
                if let n = deliveries.int(row, D.nrcpts) {
                    deliveries.set(row, D.nrcpts, n + Int64(c.recipientCount))
                }
            } else {
                let s = completeDelivery
                s.bind(1, c.recipients)
                s.bind(2, c.recipientCount)
                s.bind(3, c.deliveryID)
                try s.run()
            }

        case .auth(let a):
            if try takeLineAuth(a, r) {
                rollups.add(auth: a, of: r, local: a.relay?.isLoopback ?? false)
                counts.auth += 1
                return
            }
            let b = auth, row = try b.beginRow()
            try head(b, row, r)
            b.set(row, 4, try texts.id(a.role.rawValue))
            b.set(row, 5, a.success)
            let local = try relay(b, row, 6, a.relay)
            b.set(row, 9, try texts.id(a.authid))
            b.set(row, 10, try texts.id(a.mechanism))
            b.set(row, 11, a.bits)
            b.set(row, 12, try texts.id(a.reason))
            b.set(row, 13, r.sessionID)
            origin(b, row, 14, r.origin)
            b.set(row, 16, local)
            b.set(row, 17, Int64(r.mta.code))
            mtasWritten |= 1 << UInt64(r.mta.code)
            b.set(row, 18, a.isEncrypted(sessionID: r.sessionID))
            b.endRow()
            rollups.add(auth: a, of: r, local: local)
            counts.auth += 1

        case .failure(let f):
            let b = failures, row = try b.beginRow()
            try head(b, row, r)
            b.set(row, 4, try texts.id(f.kind.rawValue))
            b.set(row, 5, try texts.id(f.role?.rawValue))
            let local = try relay(b, row, 6, f.relay)
            b.set(row, 9, try texts.id(f.reason))
            b.set(row, 10, f.sslError)
            b.set(row, 11, f.errno)
            b.set(row, 12, try texts.id(f.ruleset))
            b.set(row, 13, try texts.id(f.rulesetArg))
            b.set(row, 14, try texts.id(f.reject))
            b.set(row, 15, r.sessionID)
            origin(b, row, 16, r.origin)
            b.set(row, 18, r.id > 0 ? r.id : nil)
            b.set(row, 19, local)
            b.set(row, 20, Int64(r.mta.code))
            mtasWritten |= 1 << UInt64(r.mta.code)
            b.endRow()
            rollups.add(failure: f, of: r, local: local)
            counts.failures += 1

        case .failureCompletion(let c):
            // Rare: write the failure first, then complete it with SQL (coalesce keeps what it had).
            try failures.flush()
            let s = completeFailure
            s.bind(1, c.relay?.isLoopback ?? false)
            s.bind(2, try texts.id(c.relay?.peer))
            s.bind(3, try texts.id(c.relay?.ip))
            s.bind(4, try texts.id(c.relay?.raw))
            s.bind(5, try texts.id(c.ruleset))
            s.bind(6, try texts.id(c.rulesetArg))
            s.bind(7, try texts.id(c.reject))
            s.bind(8, c.failureID)
            try s.run()

        case .connect, .linkerNote:
            break
        }
    }
}
