@testable import MailTLSIngest
import Testing

/// The malloc setting that keeps an ingest's large buffers out of the heap once freed
/// (`MallocSettings`): glibc must take it, or a PostgreSQL ingest of a large log passes 64 MiB again.
@Suite struct MallocSettingsTests {
    #if canImport(Glibc)
    @Test func glibcTakesTheFixedMmapThreshold() {
        #expect(MallocSettings.apply(), "mallopt(M_MMAP_THRESHOLD) was not found or refused")
    }
    #endif
}
