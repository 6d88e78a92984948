import Foundation
@testable import MailTLSParser
import Testing

/// `RowIDs`: ids handed out again by `--reingest` come first, in order, then new ones; the ids left
/// are saved in the linker state as a plain array (the form states saved before `IDQueue` hold).
@Suite struct RowIDsTests {
    @Test func reusedIdsComeFirstInOrderThenNewOnes() {
        var ids = RowIDs(firstSession: 100)
        ids.reuseSessions([7, 3, 9])
        ids.reuseDeliveries([5])
        #expect([ids.session(), ids.session(), ids.session(), ids.session(), ids.session()] == [7, 3, 9, 100, 101])
        #expect([ids.delivery(), ids.delivery()] == [5, 1])
        #expect(ids.failure() == 1)
    }

    @Test func theIdsLeftAreSavedAsAnArrayAndLoadBack() throws {
        var ids = RowIDs(firstSession: 50)
        ids.reuseSessions([11, 12, 13])
        #expect(ids.session() == 11)
        let json = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        #expect(json.contains(#""reusableSessions":[12,13]"#), "\(json)")
        var back = try JSONDecoder().decode(RowIDs.self, from: Data(json.utf8))
        #expect(back == ids)
        #expect([back.session(), back.session(), back.session()] == [12, 13, 50])

        // A state saved before: the same keys, arrays of ids.
        let old = #"{"nextSession":9,"nextFailure":4,"nextDelivery":2,"reusableSessions":[3],"reusableFailures":[],"reusableDeliveries":[1]}"#
        var loaded = try JSONDecoder().decode(RowIDs.self, from: Data(old.utf8))
        #expect([loaded.session(), loaded.session()] == [3, 9])
        #expect([loaded.delivery(), loaded.delivery()] == [1, 2])
        #expect(loaded.failure() == 4)
    }

    /// All of many ids taken one by one (what a `--reingest` of a large file does): the order holds,
    /// none is left, and the queue compares equal to one that never had any.
    @Test func takingAllOfManyIdsLeavesNoneAndKeepsTheOrder() {
        var ids = RowIDs()
        let many = (1...200_000).map { Int64($0) * 2 }
        ids.reuseDeliveries(many)
        var got: [Int64] = []
        got.reserveCapacity(many.count)
        for _ in many { got.append(ids.delivery()) }
        #expect(got == many)
        #expect(ids.delivery() == 1)
        #expect(ids == { var e = RowIDs(); _ = e.delivery(); return e }())
    }
}
