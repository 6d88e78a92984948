/// How far a run has got, for a progress line.
public struct IngestProgress: Sendable {
    /// Input bytes consumed (compressed bytes for compressed files).
    public var bytesDone: Int64
    /// Input bytes to read in this run.
    public var bytesTotal: Int64
    public var seconds: Double
    public var path: String

    public var bytesPerSecond: Double { seconds > 0 ? Double(bytesDone) / seconds : 0 }

    /// Seconds left at the current rate, nil before there is a rate.
    public var eta: Double? {
        let rate = bytesPerSecond
        return rate > 0 ? Double(max(0, bytesTotal - bytesDone)) / rate : nil
    }
}
