import Foundation
import MailTLSParser
import MailTLSStore

/// Step 2 of reading a file, for `--reingest FILE` only: the re-ingest context.
///
/// The file's rows are removed and it is read again from the start with the linker state saved when
/// its first line was read (`sources.state_before`), its sessions, failures and deliveries getting
/// their old ids back so that rows of other files linked to them stay linked. The run's own linker
/// waits aside (`FileRead.runLinker`) and resumes after the file.
///
/// A re-ingest is one transaction, not committed in parts: between the removal of the old rows and
/// the end of the re-read the store would hold half a file, and the run's linker state and the saved
/// failure completions (a temporary table) would have to survive a crash too. So a re-ingest killed
/// or failed at any point leaves the store as it was before it (old rows, old checkpoint, counted
/// once); run it again to redo it. Its WAL grows with the file, which is why it is kept for the
/// occasional repair of one file.
extension Ingester {
    /// Removes `known`'s rows and sets up the linker to read it again from the start.
    func beginReingest(_ file: inout FileRead, known: SourceRecord) throws {
        let old = try target.removeForReingest(sourceID: known.id)
        file.runLinker = linker
        var before = SessionLinker(sessionGap: options.sessionGap, firstSessionID: linker.nextSessionID)
        if let json = try target.stateBefore(sourceID: known.id),
           let saved = try? JSONDecoder().decode(SessionLinker.self, from: Data(json.utf8)) {
            before = saved
            before.sessionGap = options.sessionGap
        }
        before.reserveSessionIDs(from: linker.nextSessionID)
        before.reserveFailureIDs(from: linker.nextFailureID)
        before.reserveDeliveryIDs(from: linker.nextDeliveryID)
        before.reuseSessionIDs(old.sessions)
        before.reuseFailureIDs(old.failures)
        before.reuseDeliveryIDs(old.deliveries)
        // After a prune the lists hold only the ids of the rows it kept; the lines before its cutoff
        // are read (for the links they make) but not stored again (`WriterThread.reingesting`).
        file.prunedBefore = try target.prunedBefore(sourceID: known.id)
        if let pruned = file.prunedBefore { before.reuseIDs(from: pruned) }
        linker = before
        file.source.offset = 0
        file.source.lines = 0
    }

    /// After the re-read: the run's linker resumes (past the ids the re-read used); the re-read
    /// file's open sessions belong to its end and are dropped. Returns the records of this file's
    /// lines the re-read's linker still held (`putBackHeld`): when the file was first read, they were
    /// written while a later file was read, completed by its lines. Those the run's linker still
    /// holds too are left out: no later file has ended them yet, they have no row, and the run's
    /// linker writes them when one does.
    func endReingestLinker(_ file: FileRead) -> [LogRecord] {
        guard var run = file.runLinker else { return [] }
        let source = file.source.id
        var stillHeld = Set<LineOrigin>()
        var copy = run
        copy.finish { r in
            if r.origin.source == source { stillHeld.insert(r.origin) }
        }
        var held: [LogRecord] = []
        linker.finish { r in
            if r.origin.source == source && r.event.addsRow && !stillHeld.contains(r.origin) { held.append(r) }
        }
        run.reserveSessionIDs(from: linker.nextSessionID)
        run.reserveFailureIDs(from: linker.nextFailureID)
        run.reserveDeliveryIDs(from: linker.nextDeliveryID)
        linker = run
        return held
    }

    /// Puts back the rows of the records the re-read's linker held at the file's end (its
    /// `endReingestLinker`), as they were written when the file was first read
    /// (`IngestStore.restoreKeptRows`); one that had no row then (the file changed since) is written
    /// as the linker ends it, so nothing is lost either way.
    func putBackHeld(_ held: [LogRecord]) throws {
        guard !held.isEmpty else { return }
        var offsets: [String: [Int64]] = [:]
        for r in held {
            if let t = Self.keptTable(of: r.event) { offsets[t, default: []].append(r.origin.offset) }
        }
        var restored: [String: Set<Int64>] = [:]
        for (t, o) in offsets { restored[t] = try target.restoreKeptRows(table: t, offsets: o) }
        for r in held {
            if let t = Self.keptTable(of: r.event), restored[t]?.contains(r.origin.offset) == true { continue }
            pipeline.append(r)
        }
        try pipeline.flush()
    }

    /// The base table (of `Store.keptTables`) a record's row is in, nil for other records.
    static func keptTable(of event: LogEvent) -> String? {
        switch event {
        case .message(let m): return m.proto == nil ? nil : "message_rows"
        case .auth: return "auth_rows"
        case .failure: return "failure_rows"
        default: return nil
        }
    }

    /// The re-read file's rollup counts, in its transaction: its rows are added back by source (after
    /// the failure completions other files had made are restored), not from the writer's counts.
    func addReingestedRollups(_ file: FileRead) throws {
        writer.clearRollups()
        try target.finishReingest(sourceID: file.source.id)
    }
}
