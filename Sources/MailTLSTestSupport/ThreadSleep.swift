import Foundation

/// Waits `seconds` on a thread of its own, without holding a test thread and without a dispatch timer.
///
/// A full test run under heavy load (load average 10) once hung for 18 minutes in `KillResumeTests`,
/// the test that sleeps between starting a child and killing it, after every other suite had passed:
/// the process had no child left and no worker thread, only libdispatch's manager thread in
/// `epoll_wait`, so a task was waiting for a wake-up that never came. The cause was not proven;
/// `Task.sleep` on Linux rests on a libdispatch timer, so the tests that sleep now use the mechanism
/// of `ChildProcess`'s reaper instead (a thread that blocks, then resumes the waiting task).
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
