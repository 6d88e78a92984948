/// A sendmail queue id: 8 base-60 characters for (year-1900)%60, month-1, day, hour, minute, second
/// and a 2-character sequence, followed by the creating process id zero-padded to 6 digits
/// (`6AT8xLm1012345`: 2026-11-29 08:59:21, pid 012345; 2012 gives `q`). 7-digit pids give 15 characters.
struct QueueID {
    var sec: Int64
    var seq: Int32
    var pid: Int32

    static let chars: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx".utf8)
}
