/// Links Postfix records. Not written yet: passes records through.
public struct PostfixLinker: MTALinker {
    public var sessionGap: Int64

    public init(sessionGap: Int64) {
        self.sessionGap = sessionGap
    }

    public var openKeys: Int { 0 }

    public mutating func link(_ record: consuming LogRecord, ids: inout RowIDs, emit: (consuming LogRecord) -> Void) {
        emit(record)
    }

    public mutating func compact(ids: inout RowIDs, emit: (consuming LogRecord) -> Void) {}
}
