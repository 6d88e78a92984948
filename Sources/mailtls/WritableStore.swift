import ArgumentParser
import Foundation
import MailTLSStore

/// Opens a store for a command that writes: an older schema is migrated in place on this first open,
/// with a progress line on stderr when it is a terminal (a large v2 store takes a while).
enum WritableStore {
    static func open(_ path: String) throws -> Store {
        guard Console.stderrIsTerminal else { return try Store(path: path) }
        var shown = false
        let store = try Store(path: path) { step, steps, name in
            Console.write("\rmailtls: upgrading the store \(Console.printable(path)) (\(name)): step \(step) of \(steps)\u{1B}[K")
            shown = true
        }
        if shown { Console.write("\rmailtls: upgraded the store \(Console.printable(path)) to schema version \(Schema.version)\u{1B}[K\n") }
        return store
    }

    /// Stops (exit 1, with what `status` says) when there is no store at `path`: `prune` and
    /// `rebuild-rollups` change a store, and made an empty one (and its lock file) of a mistyped name.
    static func requireExisting(_ path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        Console.error("mailtls: \(StoreError.cannotOpen(path: path, message: "no such file (run `mailtls ingest` first)"))")
        throw ExitCode(1)
    }
}
