/// Lines scheduled but not yet written, oldest first (a binary min-heap on time, then order of
/// scheduling): a message's later lines (its deliveries, a retry a quarter of an hour on) wait here
/// while other messages' lines are written, so the log interleaves as a busy server's does, and is
/// still in time order.
struct EximLineQueue {
    struct Entry {
        var ms: Int64
        var seq: Int
        var pid: Int
        var text: String
        var truth: EximLineTruth
    }

    private var heap: [Entry] = []
    private var seq = 0

    var isEmpty: Bool { heap.isEmpty }
    var first: Entry? { heap.first }

    mutating func push(ms: Int64, pid: Int, _ text: String, _ truth: EximLineTruth = EximLineTruth()) {
        seq += 1
        heap.append(Entry(ms: ms, seq: seq, pid: pid, text: text, truth: truth))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && Self.before(heap[l], heap[m]) { m = l }
            if r < heap.count && Self.before(heap[r], heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return top
    }

    private static func before(_ a: Entry, _ b: Entry) -> Bool { a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq }
}
