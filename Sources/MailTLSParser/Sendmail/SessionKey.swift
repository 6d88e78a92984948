/// One sendmail process on one machine: the unit of linking (log-formats.md §2.9).
struct SessionKey: Hashable, Sendable, Codable {
    var host: String
    var pid: Int32
}
