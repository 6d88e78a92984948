/// `1 TLS session`, `2 TLS sessions`: a count with its noun, singular for one (the summary lines of
/// `ingest` and `copy`).
public func counted(_ n: some BinaryInteger, _ one: String, _ many: String) -> String {
    "\(n) \(n == 1 ? one : many)"
}
