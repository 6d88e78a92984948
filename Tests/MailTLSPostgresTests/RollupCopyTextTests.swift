import MailTLSParser
@testable import MailTLSPostgres
import Testing

/// The COPY text the writer stages its rollup counts in (`PostgresRollups.CopyText`): times written
/// digit by digit must read as `CivilTime.iso8601` writes them (the rollups' first_ts/last_ts are
/// compared as text with the SQLite store's), and fields are tab-separated, escaped, one row a line.
@Suite struct RollupCopyTextTests {
    /// Around the epoch, the fast path's year bounds (1000 and 9999) and ordinary log times.
    static let times: [Int64] = [
        0, -1, -86_400, -86_401, 1, 86_399, 86_400,
        -30_610_224_001, -30_610_224_000,   // 999-12-31T23:59:59Z, 1000-01-01T00:00:00Z
        253_402_300_799, 253_402_300_800,   // 9999-12-31T23:59:59Z, 10000-01-01T00:00:00Z
        951_782_400, 1_709_164_799, 1_764_547_200, 1_798_761_599,   // 2000-02-29, 2024-02-28T23:59:59, 2025-12-01, 2026-12-31T23:59:59
    ]

    @Test(arguments: times)
    func timesReadAsCivilTimeWritesThem(_ t: Int64) {
        var text = PostgresRollups.CopyText()
        text.time(t)
        text.endRow()
        #expect(String(decoding: bytes(text), as: UTF8.self) == CivilTime.iso8601(t) + "\n")
    }

    @Test func aRowIsTabSeparatedEscapedAndEndsALine() {
        var text = PostgresRollups.CopyText()
        text.day(20_423)
        text.text("mx1\tb\\c")
        text.flag(true)
        text.flag(false)
        text.int(-42)
        text.endRow()
        text.int(7)
        text.endRow()
        #expect(String(decoding: bytes(text), as: UTF8.self) == "2025-12-01\tmx1\\tb\\\\c\t1\t0\t-42\n7\n")
    }

    private func bytes(_ text: PostgresRollups.CopyText) -> [UInt8] {
        let b = CopyBytes(capacity: 64)
        text.copy(into: b)
        return Array(UnsafeRawBufferPointer(start: b.base, count: b.count))
    }
}
