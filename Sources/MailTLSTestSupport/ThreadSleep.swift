import Foundation

/// Waits `seconds` on a thread of its own, without holding a test thread and without a dispatch timer.
///
/// A full test run under heavy load once hung for 18 minutes in `KillResumeTests`, the one test
/// that sleeps between starting a child and killing it: the process had no child left, no worker
/// thread and no armed timer, so the task was waiting for a wake-up that never came. `Task.sleep`
/// on Linux rests on a libdispatch timer; this uses the same mechanism as `ChildProcess`'s reaper
/// (a thread that blocks, then resumes the waiting task), which has not been seen to lose a wake-up.
public func threadSleep(seconds: Double) async {
    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
        let t = Thread {
            Thread.sleep(forTimeInterval: max(0, seconds))
            c.resume()
        }
        t.stackSize = 64 * 1024
        t.start()
    }
}
