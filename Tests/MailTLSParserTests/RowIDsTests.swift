import Foundation
@testable import MailTLSParser
import Testing

/// `RowIDs`: ids handed out again by `--reingest` come first, in order, then new ones; the ids left
/// are saved in the linker state as a plain array (the form states saved before `IDQueue` hold).
@Suite struct RowIDsTests {
    static let network = Delivery(recipients: "<a@example.net>", recipientCount: 1, continued: false, mailer: "esmtp", relay: nil,
                                  dsn: "2.0.0", status: .sent, statusText: "Sent (ok)", delay: nil, xdelay: nil)
    static let local = Delivery(recipients: "<b@example.org>", recipientCount: 1, continued: false, mailer: "local", relay: nil,
                                dsn: "2.0.0", status: .sent, statusText: "Sent", delay: nil, xdelay: nil)

    @Test func reusedIdsComeFirstInOrderThenNewOnes() {
        var ids = RowIDs(firstSession: 100)
        ids.reuseSessions([7, 3, 9])
        ids.reuseDeliveries([5])
        #expect([ids.session(), ids.session(), ids.session(), ids.session(), ids.session()] == [7, 3, 9, 100, 101])
        #expect([ids.delivery(Self.network), ids.delivery(Self.network)] == [5, 1])
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
        #expect([loaded.delivery(Self.network), loaded.delivery(Self.network)] == [1, 2])
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
        for _ in many { got.append(ids.delivery(Self.network)) }
        #expect(got == many)
        #expect(ids.delivery(Self.network) == 1)
        #expect(ids == { var e = RowIDs(); _ = e.delivery(Self.network); return e }())
    }

    /// Only a delivery that is a row takes an id; a local one gets 0 and uses none up.
    @Test func localDeliveriesTakeNoId() {
        var ids = RowIDs()
        ids.reuseDeliveries([4, 9])
        #expect([ids.delivery(Self.local), ids.delivery(Self.network), ids.delivery(Self.local), ids.delivery(Self.network)] == [0, 4, 0, 9])
        #expect(ids.delivery(Self.network) == 1)
    }

    /// After `prune`, records before its cutoff take new ids and leave the ids handed out again to
    /// the records after it; `reuseFrom` is the re-read's, not saved.
    @Test func recordsBeforeReuseFromTakeNewIds() throws {
        var ids = RowIDs(firstSession: 50)
        ids.reuseSessions([7, 8])
        ids.reuseFrom = 1_000
        #expect([ids.session(at: 999), ids.session(at: 1_000), ids.session(at: 998), ids.session(at: 2_000)] == [50, 7, 51, 8])
        let back = try JSONDecoder().decode(RowIDs.self, from: JSONEncoder().encode(ids))
        #expect(back.reuseFrom == Int64.min)
    }
}
