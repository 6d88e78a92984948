import Testing
@testable import MailTLSParser

/// Exim message ids at the start of a line (`EximParser.messageIDLength`, checked eight bytes at a
/// time): both forms, and every byte of them tested.
struct EximMessageIDTests {
    static func length(_ s: String) -> Int? {
        ByteSpan.with(s) { EximParser.messageIDLength($0) }
    }

    @Test func bothFormsFollowedByASpace() {
        #expect(Self.length("1Ov4tU-0000Nz-Rm <= a@b.example") == 16)
        #expect(Self.length("1smkL5-00000000e65-24eQ => c@d.example") == 23)
        #expect(Self.length("0aAzZ9-000000-09 x") == 16)
        #expect(Self.length("1Ov4tU-0000Nz-Rm") == nil)   // no space after it
        #expect(Self.length("1Ov4tU-0000Nz-Rmx <= a") == nil)
        #expect(Self.length("1Ov4tU_0000Nz-Rm <= a") == nil)   // '-' where a dash must be
        #expect(Self.length("1smkL5-00000000e65_24eQ <= a") == nil)
    }

    /// Any byte that is not a letter, a digit or '-', at any place of either form, makes it not an id.
    @Test(arguments: [16, 23])
    func everyOtherByteAtEveryPlaceIsRefused(length: Int) {
        let good: [UInt8] = Array((length == 16 ? "1Ov4tU-0000Nz-Rm" : "1smkL5-00000000e65-24eQ").utf8) + Array(" <= x".utf8)
        let dashes: Set<Int> = length == 16 ? [6, 13] : [6, 18]
        var wrong = 0
        for i in 0..<length where !dashes.contains(i) {
            for b in 0...255 {
                var line = good
                line[i] = UInt8(b)
                let isIDByte = b == 0x2D || (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
                let got = line.withUnsafeBufferPointer { EximParser.messageIDLength(ByteSpan($0)) }
                if (got == length) != isIDByte { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }
}
