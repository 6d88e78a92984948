import MailTLSParser
import MailTLSStore

/// Writes linked `LogRecord`s into the PostgreSQL store with `COPY … FROM STDIN`, one of many writers.
///
/// The rows are those of the SQLite `StoreWriter`, column for column (the comparison test checks the
/// views row by row). What differs is what many writers need: row ids come in blocks from each base
/// table's sequence (`RowIDBlocks`), repeated text gets its id on a connection of its own
/// (`PostgresTexts`), and the rollups, counted as rows are written by the SQLite writer's own
/// `RollupAccumulator`, are added at each commit (`PostgresRollups`). The caller owns the
/// transaction (`begin`/`commit`/`rollback`), as with `StoreWriter`: one per committed part, with the
/// source's checkpoint (`PostgresStore.updateSource`) in it.
///
/// Every `flushRows` rows the waiting rows are encoded and handed to a `CopySender`, which COPYs them
/// on a thread of its own while the next rows are built: the server inserts while the client works.
/// `flush` (and `commit`) wait until everything is sent, so after it the caller may use the
/// connection; a single thread must call the writer's methods.
///
/// A linker number must have been seen by this writer to be placed: a session opened in an earlier run
/// is placed when that run's `idState` was saved with the linker's state and handed to `restore`;
/// otherwise references to it are left NULL and its certificate is counted as an orphan.
public final class PostgresWriter {
    /// Rows kept before they are encoded and handed to the sending thread (under 1 MiB of COPY text;
    /// two such flushes are in flight at most). Smaller flushes let the server start sooner; each
    /// costs a round trip for new texts and a COPY per table (docs/fleet.md). 32,768 took the ingest
    /// to 90 MiB of peak RSS on a 50 MiB log, 8,192 to 67 MiB; 4,096 keeps it within the 64 MiB every
    /// ingest keeps to (63 MiB, as the SQLite ingest).
    public static let defaultFlushRows = 4_096
    let flushRows: Int

    let store: PostgresStore
    var connection: PostgresConnection { store.connection }
    /// The dictionary's and the id sequences' own connection (autocommit): the writer's thread uses
    /// it while the sending thread COPYs on `connection`.
    private let textConnection: PostgresConnection
    private let texts: PostgresTexts
    private let sender: CopySender
    private let sessions: PostgresRowBuffer
    private let messages: PostgresRowBuffer
    private let deliveries: PostgresRowBuffer
    private let auth: PostgresRowBuffer
    private let failures: PostgresRowBuffer
    private let sessionIDs: RowIDBlocks
    private let messageIDs: RowIDBlocks
    private let deliveryIDs: RowIDBlocks
    private let authIDs: RowIDBlocks
    private let failureIDs: RowIDBlocks
    private var localMail = LocalMailTally()
    /// The rollup counts of the rows written since the last commit, as the SQLite writer counts them.
    let rollups = RollupAccumulator()
    /// The rollups whose counts were staged in this transaction (`stageRollups`), for `commit` to add.
    private var stagedRollups: Set<String> = []
    public internal(set) var counts = WriteCounts()
    /// Time spent sending rows (`flush`) and adding them to the rollups (commits), for measurements.
    public private(set) var flushTime = Duration.zero
    public private(set) var rollupTime = Duration.zero
    /// Of `flushTime`: resolving the new dictionary values (`PostgresTexts.resolveNew`).
    public private(set) var textTime = Duration.zero
    private let s: SessionColumns, m: MessageColumns, d: DeliveryColumns, a: AuthColumns, f: FailureColumns
    /// The session written last, while a row of its own line may take it in (`LineSession`, as in
    /// `StoreWriter`: both stores hold the same rows).
    private var lineSession: LineSession?
    /// The message written last, while an AUTH of its own line may live on its row (`LineMessage`).
    private var lineMessage: LineMessage?

    /// `flushRows`: rows kept before they are sent (tests make it small to cross a flush).
    public init(store: PostgresStore, flushRows: Int = PostgresWriter.defaultFlushRows) throws {
        self.store = store
        self.flushRows = flushRows
        textConnection = try PostgresConnection(url: store.url)
        // The dictionary's inserts commit on their own, about one per 512 new values: without waiting
        // for the WAL to reach the disk. Safe: a part that uses an id commits synchronously after the
        // insert that made it, and flushing the WAL up to its own commit flushes the insert's too (as
        // for another writer that read the id); a crash loses at most ids nobody uses yet. It spares
        // the writer a wait for each batch's flush on slow storage; on this project's test machine the
        // difference was within the noise (docs/fleet.md).
        try textConnection.execute("SET synchronous_commit = off")
        // 512 new values a round trip whatever the flush size (at most one batch per 8 rows, for
        // tests' tiny flushes): at flushRows / 64 the default flushes of 4,096 rows sent 64 values a
        // statement, 790 statements per 100 MiB, and the server's time for texts was 0.39-0.53 s
        // instead of 0.26-0.43 (docs/fleet.md).
        let texts = PostgresTexts(connection: textConnection, earlyBatch: min(512, max(1, flushRows / 8)))
        self.texts = texts
        func buffer(_ base: String, findsPending: Bool = true) -> PostgresRowBuffer {
            PostgresRowBuffer(CompactRows.tables.first { $0.base == base }!, texts: texts, findsPending: findsPending)
        }
        sessions = buffer("session_rows")
        messages = buffer("message_rows", findsPending: false)
        deliveries = buffer("delivery_rows")
        auth = buffer("auth_rows", findsPending: false)
        failures = buffer("failure_rows")
        // nextval is not transactional: any connection gives the same blocks, and this one is free
        // while the sending thread COPYs on the store's.
        sessionIDs = RowIDBlocks(sequence: "session_rows_ids", connection: textConnection)
        messageIDs = RowIDBlocks(sequence: "message_rows_ids", connection: textConnection)
        deliveryIDs = RowIDBlocks(sequence: "delivery_rows_ids", connection: textConnection)
        authIDs = RowIDBlocks(sequence: "auth_rows_ids", connection: textConnection)
        failureIDs = RowIDBlocks(sequence: "failure_rows_ids", connection: textConnection)
        sender = CopySender(connection: store.connection)
        s = SessionColumns(sessions)
        m = MessageColumns(messages)
        d = DeliveryColumns(deliveries)
        a = AuthColumns(auth)
        f = FailureColumns(failures)
    }

    private var buffers: [PostgresRowBuffer] { [sessions, messages, deliveries, auth, failures] }

    /// Where the linker's numbers went: the blocks of store ids given to its sessions, failures and
    /// deliveries. Save it with the linker's state (in the part's transaction) and `restore` it in the
    /// next run, so lines then can point at rows written now.
    public struct IDState: Codable, Sendable, Equatable {
        public var sessions: [Int64: Int64] = [:]
        public var failures: [Int64: Int64] = [:]
        public var deliveries: [Int64: Int64] = [:]
        public init() {}
    }

    public var idState: IDState {
        var s = IDState()
        s.sessions = sessionIDs.blockStarts
        s.failures = failureIDs.blockStarts
        s.deliveries = deliveryIDs.blockStarts
        return s
    }

    /// Takes up the block map an earlier run saved (before writing anything).
    public func restore(_ state: IDState) {
        sessionIDs.blockStarts = state.sessions
        failureIDs.blockStarts = state.failures
        deliveryIDs.blockStarts = state.deliveries
    }

    /// Round trips made for new dictionary values so far.
    public var textLookups: Int { texts.lookups }

    public func begin() throws { try connection.begin() }

    /// Sends the waiting rows, brings the rollups up to date with the rows of this transaction and commits.
    public func commit() throws {
        try flushRollups()
        let start = ContinuousClock.now
        try PostgresRollups.upsertStaged(stagedRollups, into: connection)
        rollupTime += ContinuousClock.now - start
        stagedRollups.removeAll()
        try localMail.flush(into: connection)
        try connection.commit()
        localMail.removeAll()
    }

    public func rollback() {
        try? sender.drain()   // the part is given up: a failed COPY's error is the rollback's reason
        for b in buffers { b.removeAll() }
        lineSession = nil
        lineMessage = nil
        texts.clearNew()
        localMail.removeAll()
        rollups.clear()
        stagedRollups.removeAll()
        connection.rollback()
        stagingColumns = nil   // created in the transaction rolled back: gone with it
    }

    /// Sends the waiting rows and stages the rollup counts of the rows written since the last call
    /// (`stageRollups`), and waits until everything is sent: the caller may then use the connection.
    public func flushRollups() throws {
        try stageRollups()
        try flush()
    }

    /// Hands the waiting rows and the rollup counts of the rows written since the last call to the
    /// sending thread, the counts as COPY into the session's staging tables, in the current
    /// transaction; `commit` adds what was staged to the rollup tables, summed by key, in one upsert
    /// per table. An ingest does it whenever the counts hold many keys (`WriterThread`), so that they
    /// never take much memory. Staging goes the rows' way, without waiting: an upsert each time, after
    /// waiting for the rows sent, made a 100 MiB load a third slower.
    public func stageRollups() throws {
        try handOver()
        guard !rollups.isEmpty else { return }
        let start = ContinuousClock.now
        defer { rollupTime += ContinuousClock.now - start }
        if stagingColumns == nil {
            try sender.drain()
            stagingColumns = try PostgresRollups.createStagingTables(on: connection)
        }
        let parts = try PostgresRollups.stagingParts(rollups, texts: texts, columns: stagingColumns ?? [:])
        stagedRollups.formUnion(parts.map(\.table))
        sender.send(parts.map(\.part))
    }

    /// Each rollup's columns in its staging table, once the tables exist (`PostgresRollups.createStagingTables`).
    private var stagingColumns: [String: [String]]?

    /// Sends the waiting rows (COPY, one per table), their new dictionary values first, and waits
    /// until everything is sent: the caller may then use the connection.
    public func flush() throws {
        try handOver()
        let start = ContinuousClock.now
        defer { flushTime += ContinuousClock.now - start }
        try sender.drain()
    }

    /// Resolves the new dictionary values, encodes the waiting rows and hands them to the sending thread.
    private func handOver() throws {
        guard buffers.contains(where: { $0.rows > 0 }) else { return }
        let start = ContinuousClock.now
        defer { flushTime += ContinuousClock.now - start }
        try texts.resolveNew()
        textTime += ContinuousClock.now - start
        var parts: [CopySender.Part] = []
        for b in buffers where b.rows > 0 {
            let bytes = sender.spareBytes()
            b.encode(into: bytes)
            b.removeAll()
            parts.append(CopySender.Part(table: b.table.base, columns: b.columns, bytes: bytes))
        }
        texts.clearNew()
        sender.send(parts)
    }

    private func flushIfFull() throws {
        if sessions.rows + messages.rows + deliveries.rows + auth.rows + failures.rows >= flushRows
            || sessions.textBytes + messages.textBytes + deliveries.textBytes + auth.textBytes + failures.textBytes >= Self.flushTextBytes {
            try handOver()
        }
    }

    /// Rows are also handed over at this many bytes of text kept in them: real rows keep a few dozen
    /// bytes, but lines of fields each cut to its limit keep kilobytes, and 8,192 of those, two flushes
    /// in flight, would take the ingest past its 64 MiB (docs/parsing-limits.md).
    static let flushTextBytes = 2 << 20

    /// Runs an UPDATE of rows already handed over, on the sending thread after their COPY (an error
    /// comes out of the next flush or commit).
    private func update(_ sql: String, _ parameters: [String?]) throws {
        sender.query(sql, parameters)
    }

    /// Moves the session written last onto `r`'s row when `LineSession` says it belongs there (see
    /// `StoreWriter.takeLineSession`): from its waiting row, else (already handed over) from the session,
    /// deleting its row.
    private func takeLineSession(_ b: PostgresRowBuffer, _ row: Int, _ c: LineSessionColumns, _ r: LogRecord,
                                 relay: Relay?, loggedTLS: LoggedTLS?) throws {
        guard let line = lineSession, line.movesOnto(r, relay: relay, loggedTLS: loggedTLS) else { return }
        lineSession = nil
        let id = try sessionIDs.global(line.id)
        if let last = sessions.lastRow, sessions.int(last, s.id) == id {
            // Cell by cell: an array of column pairs here was an allocation per Exim line.
            b.copy(row, c.verify, from: sessions, last, s.verify)
            b.copy(row, c.version, from: sessions, last, s.version)
            b.copy(row, c.cipher, from: sessions, last, s.cipher)
            b.copy(row, c.bits, from: sessions, last, s.cipherBits)
            b.copy(row, c.certSubject, from: sessions, last, s.certSubject)
            b.copy(row, c.versionLogged, from: sessions, last, s.versionLogged)
            b.copy(row, c.verifyLogged, from: sessions, last, s.verifyLogged)
            b.copy(row, c.role, from: sessions, last, s.role)
            sessions.removeLastRow()
        } else {
            let t = line.session
            b.set(row, c.verify, dictionary: t.verify)
            b.set(row, c.version, dictionary: t.version)
            b.set(row, c.cipher, dictionary: t.cipher)
            b.set(row, c.bits, t.cipherBits)
            b.set(row, c.certSubject, dictionary: line.certificateSubject)
            b.set(row, c.versionLogged, dictionary: line.versionLogged)
            b.set(row, c.verifyLogged, dictionary: line.verifyLogged)
            b.set(row, c.role, dictionary: line.role)
            try update("DELETE FROM session_rows WHERE id = $1", [String(id)])
        }
    }

    /// Puts AUTH `ev` on the row of the message written last when `LineMessage` says it lives there (see
    /// `StoreWriter.takeLineAuth`): on its waiting row, else (already handed over) by an UPDATE of that
    /// row; returns whether it did.
    private func takeLineAuth(_ ev: AuthEvent, _ r: LogRecord) throws -> Bool {
        guard let message = lineMessage, message.takes(ev, of: r) else { return false }
        lineMessage = nil
        let b = messages
        if let last = b.lastRow, b.int(last, m.id) == message.id {
            b.set(last, m.authAuthid, dictionary: ev.authid)
            b.set(last, m.authMech, dictionary: ev.mechanism)
            b.set(last, m.authRole, dictionary: ev.role.rawValue)
        } else {
            try update("UPDATE message_rows SET auth_authid = $1, auth_mech = $2, auth_role = $3 WHERE id = $4",
                       [try texts.id(ev.authid).map(String.init), try texts.id(ev.mechanism).map(String.init),
                        try texts.id(ev.role.rawValue).map(String.init), String(message.id)])
        }
        return true
    }

    private func relay(_ b: PostgresRowBuffer, _ row: Int, peer: Int, _ relay: Relay?) -> Bool {
        guard let relay else { return false }
        b.set(row, peer, dictionary: relay.peer)
        b.set(row, peer + 1, dictionary: relay.ip)
        b.set(row, peer + 2, dictionary: relay.raw)
        return relay.isLoopback
    }

    private func loggedTLS(_ b: PostgresRowBuffer, _ row: Int, verify: Int, _ tls: LoggedTLS?) {
        guard let tls else { return }
        b.set(row, verify, dictionary: tls.verify)
        b.set(row, verify + 1, dictionary: tls.version)
        b.set(row, verify + 2, dictionary: tls.cipher)
    }

    private func head(_ b: PostgresRowBuffer, _ row: Int, _ c: HeadColumns, _ r: LogRecord) {
        b.set(row, c.ts, r.time)
        b.set(row, c.host, dictionary: r.host)
        b.set(row, c.mta, Int64(r.mta.code))
        b.set(row, c.pid, Int64(r.pid))
        b.set(row, c.sourceID, r.origin.source)
        b.set(row, c.sourceOffset, r.origin.offset)
    }

    /// A templated text (`TextTemplate`): its template as a dictionary value, the token kept in the row.
    private func templated(_ b: PostgresRowBuffer, _ row: Int, _ column: Int, _ text: String?) {
        guard let text else { return }
        let bytes = Array(text.utf8)
        let range = bytes.withUnsafeBufferPointer { p in TextTemplate.tokenRange(ByteSpan(base: p.baseAddress!, count: p.count)) }
        guard let range else {
            b.set(row, column, dictionary: text)
            return
        }
        let template = String(decoding: bytes[..<range.lowerBound], as: UTF8.self) + "\u{01}"
            + String(decoding: bytes[range.upperBound...], as: UTF8.self)
        b.set(row, column, dictionary: template)
        b.set(row, column + 1, text: bytes[range])
    }

    /// What the SQL of `.failureCompletion` does, on a row still waiting.
    private func complete(_ row: Int, _ c: FailureCompletion) {
        let b = failures
        func isNull(_ column: Int) -> Bool { b.isNull(row, column) }
        if isNull(f.peer) && isNull(f.peer + 1) { b.set(row, f.loopback, c.relay?.isLoopback ?? false) }
        if let relay = c.relay {
            if isNull(f.peer) { b.set(row, f.peer, dictionary: relay.peer) }
            if isNull(f.peer + 1) { b.set(row, f.peer + 1, dictionary: relay.ip) }
            if isNull(f.peer + 2) { b.set(row, f.peer + 2, dictionary: relay.raw) }
        }
        if let v = c.ruleset { b.set(row, f.ruleset, dictionary: v) }
        if let v = c.rulesetArg { b.set(row, f.rulesetArg, dictionary: v) }
        if let v = c.reject { b.set(row, f.reject, dictionary: v) }
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
            let b = sessions, row = b.beginRow()
            let id = try sessionIDs.global(r.id)
            b.set(row, s.id, id)
            head(b, row, s.head, r)
            b.set(row, s.role, dictionary: t.role.rawValue)
            let local = relay(b, row, peer: s.peer, t.relay)
            b.set(row, s.forged, t.relay.forged)
            b.set(row, s.version, dictionary: t.version)
            b.set(row, s.verify, dictionary: t.verify)
            // NULL when the log wrote the normal form, as in SQLite (the view shows version/verify then).
            b.set(row, s.versionLogged, dictionary: t.storedVersionLogged)
            b.set(row, s.verifyLogged, dictionary: t.storedVerifyLogged)
            b.set(row, s.cipher, dictionary: t.cipher)
            b.set(row, s.algBits, t.algBits)
            b.set(row, s.cipherBits, t.cipherBits)
            b.set(row, s.danePubkeyFP, dictionary: t.danePubkeyFP)
            b.set(row, s.daneStatus, dictionary: t.daneStatus)
            b.set(row, s.daneNote, dictionary: t.daneNote)
            b.set(row, s.loopback, local)
            b.endRow(row)
            rollups.add(session: t, of: r, local: local)
            counts.sessions += 1
            lineSession = LineSession(t, of: r)

        case .certificate(let c):
            guard let local = r.sessionID, let id = sessionIDs.knownGlobal(local) else {
                counts.orphanCertificates += 1
                return
            }
            if let line = lineSession, line.id == local { lineSession = line.noting(c) }
            if let row = sessions.pendingRow(withID: id) {
                sessions.set(row, s.certSubject, dictionary: c.subject)
                sessions.set(row, s.certIssuer, dictionary: c.issuer)
                sessions.set(row, s.verifymsg, dictionary: c.verifyMessage)
            } else {
                try update("UPDATE session_rows SET cert_subject = $1, cert_issuer = $2, verifymsg = $3 WHERE id = $4",
                                     [try texts.id(c.subject).map(String.init), try texts.id(c.issuer).map(String.init),
                                      try texts.id(c.verifyMessage).map(String.init), String(id)])
            }
            counts.certificates += 1

        case .message(let msg):
            guard msg.proto != nil else {
                localMail.add(kind: "submission", of: r)
                counts.localSubmissions += 1
                return
            }
            let b = messages, row = b.beginRow()
            let id = try messageIDs.fresh()
            b.set(row, m.id, id)
            head(b, row, m.head, r)
            b.set(row, m.queueID, text: r.queueID)
            b.set(row, m.sender, dictionary: msg.sender)
            b.set(row, m.size, msg.size)
            b.set(row, m.nrcpts, msg.nrcpts)
            b.set(row, m.msgid, text: msg.messageID)
            b.set(row, m.proto, dictionary: msg.proto)
            b.set(row, m.daemon, dictionary: msg.daemon)
            let local = relay(b, row, peer: m.peer, msg.relay)
            b.set(row, m.forged, msg.relay?.forged ?? false)
            b.set(row, m.auth, dictionary: msg.auth)
            loggedTLS(b, row, verify: m.tlsVerify, msg.loggedTLS)
            b.set(row, m.tlsSessionID, r.sessionID.flatMap(sessionIDs.knownGlobal))
            b.set(row, m.loopback, local)
            b.set(row, m.encrypted, msg.isEncrypted(sessionID: r.sessionID))
            try takeLineSession(b, row, m.lineSession, r, relay: msg.relay, loggedTLS: msg.loggedTLS)
            b.endRow(row)
            lineMessage = LineMessage(r, relay: msg.relay, encrypted: msg.isEncrypted(sessionID: r.sessionID), id: id)
            rollups.add(message: msg, of: r, local: local, encrypted: msg.isEncrypted(sessionID: r.sessionID))
            counts.messages += 1

        case .delivery(let dl):
            guard dl.usesNetworkMailer else {
                localMail.add(kind: "delivery", of: r, mailer: dl.mailer, status: dl.status.rawValue)
                counts.localDeliveries += 1
                return
            }
            let b = deliveries, row = b.beginRow()
            let id = r.id > 0 ? try deliveryIDs.global(r.id) : try deliveryIDs.fresh()
            b.set(row, d.id, id)
            head(b, row, d.head, r)
            b.set(row, d.queueID, text: r.queueID)
            b.set(row, d.recipients, text: dl.recipients)
            b.set(row, d.nrcpts, dl.recipientCount)
            b.set(row, d.mailer, dictionary: dl.mailer)
            let local = relay(b, row, peer: d.peer, dl.relay)
            b.set(row, d.dsn, dictionary: dl.dsn)
            b.set(row, d.status, dictionary: dl.status.rawValue)
            templated(b, row, d.stat, dl.statusText)
            b.set(row, d.delay, dictionary: dl.delay)
            b.set(row, d.xdelay, dictionary: dl.xdelay)
            loggedTLS(b, row, verify: d.tlsVerify, dl.loggedTLS)
            b.set(row, d.tlsFeature, dictionary: dl.tlsFeature)
            b.set(row, d.tlsSessionID, r.sessionID.flatMap(sessionIDs.knownGlobal))
            b.set(row, d.loopback, local)
            b.set(row, d.networkMailer, true)
            b.set(row, d.encrypted, dl.isEncrypted(sessionID: r.sessionID))
            try takeLineSession(b, row, d.lineSession, r, relay: dl.relay, loggedTLS: dl.loggedTLS)
            b.endRow(row)
            rollups.add(delivery: dl, of: r, local: local, networkMailer: true)
            counts.deliveries += 1

        case .deliveryCompletion(let c):
            guard let id = deliveryIDs.knownGlobal(c.deliveryID) else { break }
            if let row = deliveries.pendingRow(withID: id) {
                deliveries.append(row, d.recipients, separator: 0x2C, c.recipients)
                if let n = deliveries.int(row, d.nrcpts) {
                    deliveries.set(row, d.nrcpts, n + Int64(c.recipientCount))
                }
            } else {
                try update(
                    "UPDATE delivery_rows SET recipients = recipients || ',' || $1, nrcpts = nrcpts + $2 WHERE id = $3 "
                        + "AND strpos(',' || recipients || ',', ',' || $1 || ',') = 0",   // not twice (as SQLite's)
                    [c.recipients, String(c.recipientCount), String(id)])
            }

        case .auth(let ev):
            if try takeLineAuth(ev, r) {
                rollups.add(auth: ev, of: r, local: ev.relay?.isLoopback ?? false)
                counts.auth += 1
                break
            }
            let b = auth, row = b.beginRow()
            let id = try authIDs.fresh()
            b.set(row, a.id, id)
            head(b, row, a.head, r)
            b.set(row, a.queueID, text: r.queueID)
            b.set(row, a.role, dictionary: ev.role.rawValue)
            b.set(row, a.success, ev.success)
            let local = relay(b, row, peer: a.peer, ev.relay)
            b.set(row, a.authid, dictionary: ev.authid)
            b.set(row, a.mech, dictionary: ev.mechanism)
            b.set(row, a.bits, ev.bits)
            b.set(row, a.reason, dictionary: ev.reason)
            b.set(row, a.tlsSessionID, r.sessionID.flatMap(sessionIDs.knownGlobal))
            b.set(row, a.loopback, local)
            b.set(row, a.encrypted, ev.isEncrypted(sessionID: r.sessionID))
            b.endRow(row)
            rollups.add(auth: ev, of: r, local: local)
            counts.auth += 1

        case .failure(let fl):
            let b = failures, row = b.beginRow()
            let id = r.id > 0 ? try failureIDs.global(r.id) : try failureIDs.fresh()
            b.set(row, f.id, id)
            head(b, row, f.head, r)
            b.set(row, f.queueID, text: r.queueID)
            b.set(row, f.kind, dictionary: fl.kind.rawValue)
            b.set(row, f.role, dictionary: fl.role?.rawValue)
            let local = relay(b, row, peer: f.peer, fl.relay)
            b.set(row, f.reason, dictionary: fl.reason)
            b.set(row, f.sslError, fl.sslError)
            b.set(row, f.errno, fl.errno)
            b.set(row, f.ruleset, dictionary: fl.ruleset)
            b.set(row, f.rulesetArg, dictionary: fl.rulesetArg)
            b.set(row, f.reject, dictionary: fl.reject)
            b.set(row, f.tlsSessionID, r.sessionID.flatMap(sessionIDs.knownGlobal))
            b.set(row, f.loopback, local)
            b.endRow(row)
            rollups.add(failure: fl, of: r, local: local)
            counts.failures += 1

        case .failureCompletion(let c):
            // The line that names a failed handshake's peer (a ruleset reject, a to= line): completes
            // the failure in place while it waits, else with SQL; either way what it had is kept.
            guard let id = failureIDs.knownGlobal(c.failureID) else { break }
            if let row = failures.pendingRow(withID: id) {
                complete(row, c)
                break
            }
            let ids = [try texts.id(c.relay?.peer), try texts.id(c.relay?.ip), try texts.id(c.relay?.raw),
                       try texts.id(c.ruleset), try texts.id(c.rulesetArg), try texts.id(c.reject)].map { $0.map(String.init) }
            try update("""
                UPDATE failure_rows SET loopback = CASE WHEN peer IS NULL AND peer_ip IS NULL THEN $1 ELSE loopback END,
                    peer = coalesce(peer, $2), peer_ip = coalesce(peer_ip, $3), relay = coalesce(relay, $4),
                    ruleset = coalesce($5, ruleset), ruleset_arg = coalesce($6, ruleset_arg), reject = coalesce($7, reject)
                WHERE id = $8
                """, [(c.relay?.isLoopback ?? false) ? "1" : "0"] + ids + [String(id)])

        case .connect, .linkerNote:
            break
        }
        try flushIfFull()
    }
}
