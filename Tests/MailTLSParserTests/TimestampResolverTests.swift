import Foundation
import Testing
@testable import MailTLSParser

/// Year inference and zone conversion (log-formats.md §0.7, §1 "Timestamp is the receiver's").
@Suite("TimestampResolver")
struct TimestampResolverTests {
    static func bsd(_ month: Int, _ day: Int, _ h: Int, _ m: Int, _ s: Int) -> SyslogTimestamp {
        .local(LocalDateTime(year: nil, month: month, day: day, hour: h, minute: m, second: s))
    }

    @Test("Dec -> Jan rollover: reference 2026-01-02 puts Dec 31 in 2025 and Jan 1 in 2026")
    func rollover() {
        var r = TimestampResolver(referenceTime: utc(2026, 1, 2, 0, 0, 0), timeZone: utcZone)
        #expect(r.resolve(Self.bsd(12, 31, 23, 59, 59)) == utc(2025, 12, 31, 23, 59, 59))
        #expect(r.resolve(Self.bsd(1, 1, 0, 0, 5)) == utc(2026, 1, 1, 0, 0, 5))
        #expect(r.resolve(Self.bsd(1, 2, 0, 0, 0)) == utc(2026, 1, 2, 0, 0, 0))
        #expect(r.resolve(Self.bsd(6, 15, 12, 0, 0)) == utc(2025, 6, 15, 12, 0, 0))
    }

    @Test("a line slightly after the reference (clock skew, < 1 day) keeps the reference year")
    func skewSlack() {
        var r = TimestampResolver(referenceTime: utc(2026, 6, 15, 12, 0, 0), timeZone: utcZone)
        #expect(r.resolve(Self.bsd(6, 16, 6, 0, 0)) == utc(2026, 6, 16, 6, 0, 0))
        #expect(r.resolve(Self.bsd(6, 20, 6, 0, 0)) == utc(2025, 6, 20, 6, 0, 0))
    }

    @Test("--year puts every BSD timestamp in that year")
    func explicitYear() {
        var r = TimestampResolver(year: 2025, timeZone: utcZone)
        #expect(r.resolve(Self.bsd(1, 1, 0, 0, 0)) == utc(2025, 1, 1))
        #expect(r.resolve(Self.bsd(12, 31, 23, 59, 59)) == utc(2025, 12, 31, 23, 59, 59))
    }

    @Test("--year: lines without a timestamp get the end of that year in the zone, not UTC")
    func explicitYearReferenceUTC() {
        #expect(TimestampResolver(year: 2025, timeZone: utcZone).referenceUTC == utc(2025, 12, 31, 23, 59, 59))
        let r = TimestampResolver(year: 2025, timeZone: berlin)
        // Local 2025-12-31 23:59:59 in Berlin (UTC+1) is 22:59:59Z; 23:59:59Z is already 2026 there.
        #expect(r.referenceUTC == utc(2025, 12, 31, 22, 59, 59))
    }

    @Test("Europe/Berlin: winter is UTC+1, summer UTC+2")
    func berlinZone() {
        var r = TimestampResolver(year: 2026, timeZone: berlin)
        #expect(r.resolve(Self.bsd(1, 15, 12, 0, 0)) == utc(2026, 1, 15, 11, 0, 0))
        #expect(r.resolve(Self.bsd(7, 15, 12, 0, 0)) == utc(2026, 7, 15, 10, 0, 0))
        // Either side of the 2026 spring-forward (Mar 29, 01:00Z) and fall-back (Oct 25, 01:00Z).
        #expect(r.resolve(Self.bsd(3, 29, 1, 30, 0)) == utc(2026, 3, 29, 0, 30, 0))
        #expect(r.resolve(Self.bsd(3, 29, 3, 30, 0)) == utc(2026, 3, 29, 1, 30, 0))
        #expect(r.resolve(Self.bsd(10, 25, 12, 0, 0)) == utc(2026, 10, 25, 11, 0, 0))
        #expect(r.resolve(Self.bsd(10, 24, 12, 0, 0)) == utc(2026, 10, 24, 10, 0, 0))
    }

    @Test("the reference is taken in the zone: 2025-12-31T23:30Z is already 2026 in Berlin")
    func referenceInZone() {
        var r = TimestampResolver(referenceTime: utc(2025, 12, 31, 23, 30, 0), timeZone: berlin)
        #expect(r.reference.year == 2026)
        #expect(r.referenceUTC == utc(2025, 12, 31, 23, 30, 0))
        #expect(r.resolve(Self.bsd(1, 1, 0, 10, 0)) == utc(2025, 12, 31, 23, 10, 0))
        #expect(r.resolve(Self.bsd(12, 31, 23, 50, 0)) == utc(2025, 12, 31, 22, 50, 0))
    }

    @Test("ISO local time keeps its own year and gets the zone")
    func isoLocal() {
        var r = TimestampResolver(year: 2026, timeZone: berlin)
        let ts = SyslogTimestamp.local(LocalDateTime(year: 2019, month: 7, day: 1, hour: 12, minute: 0, second: 0))
        #expect(r.resolve(ts) == utc(2019, 7, 1, 10, 0, 0))
    }

    @Test(".utc passes through unchanged; .none gives nil")
    func passThrough() {
        var r = TimestampResolver(year: 2026, timeZone: berlin)
        #expect(r.resolve(.utc(1_500_000_000)) == 1_500_000_000)
        #expect(r.resolve(.none) == nil)
    }

    @Test("through LineParser: Dec 31 and Jan 1 lines of a file written on 2026-01-02")
    func rolloverThroughLineParser() throws {
        let resolver = TimestampResolver(referenceTime: utc(2026, 1, 2, 8, 0, 0), timeZone: utcZone)
        let tail = " mx1 sm-mta[100]: STARTTLS=server, relay=[192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256"
        let dec = try #require(parseLine("Dec 31 23:59:58" + tail, resolver: resolver).record)
        let jan = try #require(parseLine("Jan  1 00:00:02" + tail, resolver: resolver).record)
        #expect(CivilTime.iso8601(dec.time) == "2025-12-31T23:59:58Z")
        #expect(CivilTime.iso8601(jan.time) == "2026-01-01T00:00:02Z")
    }

    @Test("CivilTime round trips and formats")
    func civilTime() {
        #expect(CivilTime.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilTime.days(year: 2000, month: 3, day: 1) == 11017)
        #expect(CivilTime.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(CivilTime.iso8601(utc(2024, 2, 29, 23, 59, 59)) == "2024-02-29T23:59:59Z")
        #expect(CivilTime.iso8601(-1) == "1969-12-31T23:59:59Z")
        #expect(CivilTime.isoDate(utc(2026, 11, 29, 10)) == "2026-11-29")
        let d = CivilTime.date(days: CivilTime.days(year: 2026, month: 12, day: 31))
        #expect(d.year == 2026 && d.month == 12 && d.day == 31)
    }
}
