import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The write lock of a store: one `mailtls ingest` (or prune) at a time.
///
/// An advisory `flock` on `<store>.lock`, released when the process exits however it exits, so a
/// killed run never leaves a stale lock. Readers (reports) do not take it: WAL lets them read while
/// an ingest writes.
public final class StoreLock {
    public let path: String
    private let fd: Int32

    /// Takes the lock, waiting up to `wait` seconds; throws `IngestError.locked` after that.
    public init(storePath: String, wait: Double) throws {
        path = storePath + ".lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            // The store's folder is missing (a mistyped --db): say so of the store, not of its lock file.
            let folder = (storePath as NSString).deletingLastPathComponent
            if errno == ENOENT, !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
                throw IngestError.cannotOpen(path: storePath, reason: "its folder \(folder) does not exist")
            }
            throw IngestError.cannotOpen(path: path, reason: reason)
        }
        let deadline = Date().addingTimeInterval(max(0, wait))
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno != EWOULDBLOCK && errno != EINTR {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw IngestError.cannotOpen(path: path, reason: reason)
            }
            if Date() >= deadline {
                close(fd)
                throw IngestError.locked(path: storePath, waited: wait)
            }
            usleep(100_000)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
