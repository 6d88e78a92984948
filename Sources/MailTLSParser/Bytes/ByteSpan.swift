#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A borrowed view of bytes inside a line buffer: the parser's unit of work.
///
/// The parser never turns a whole line into a `String`; it walks `ByteSpan`s and only creates
/// Strings for the fields it keeps. A span is valid only while the buffer it points into is alive,
/// so it is never stored past the call that received it.
public struct ByteSpan: @unchecked Sendable {
    public let base: UnsafePointer<UInt8>
    public let count: Int

    @inlinable public init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    @inlinable public init(_ buffer: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have a nil base address; point at a static byte instead.
        self.base = buffer.baseAddress ?? ByteSpan.emptyBase
        self.count = buffer.count
    }

    @usableFromInline nonisolated(unsafe) static let emptyBase: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.pointee = 0
        return UnsafePointer(p)
    }()

    @inlinable public var isEmpty: Bool { count == 0 }

    @inlinable public subscript(i: Int) -> UInt8 { base[i] }

    /// The bytes from `from` to the end.
    @inlinable public func suffix(from: Int) -> ByteSpan {
        let f = Swift.min(from, count)
        return ByteSpan(base: base + f, count: count - f)
    }

    /// The first `n` bytes.
    @inlinable public func prefix(_ n: Int) -> ByteSpan {
        ByteSpan(base: base, count: Swift.max(0, Swift.min(n, count)))
    }

    /// At most the first `n` bytes, cut before a UTF-8 sequence that would not fit whole: a value cut
    /// to a field limit does not end in a broken character (which would turn into U+FFFD).
    @inlinable public func utf8Prefix(_ n: Int) -> ByteSpan {
        guard n < count else { return self }
        var end = Swift.max(0, n)
        // Step back over continuation bytes (10xxxxxx) to the start of the sequence cut in two; at
        // most 3 of them belong to one sequence, so invalid input cannot make this walk far.
        var back = 0
        while end > 0 && back < 4 && base[end] & 0xC0 == 0x80 {
            end -= 1
            back += 1
        }
        if back == 4 { end = n }   // not UTF-8 anyway: cut where asked
        return ByteSpan(base: base, count: end)
    }

    /// Bytes `from ..< to`.
    @inlinable public func slice(_ from: Int, _ to: Int) -> ByteSpan {
        let f = Swift.max(0, Swift.min(from, count))
        let t = Swift.max(f, Swift.min(to, count))
        return ByteSpan(base: base + f, count: t - f)
    }

    /// True when the span starts with the ASCII literal.
    @inlinable public func hasPrefix(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        return n <= count && memcmp(base, literal.utf8Start, n) == 0
    }

    /// True when the span ends with the ASCII literal.
    @inlinable public func hasSuffix(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        return n <= count && memcmp(base + (count - n), literal.utf8Start, n) == 0
    }

    /// True when the span equals the ASCII literal.
    @inlinable public func equals(_ literal: StaticString) -> Bool {
        literal.utf8CodeUnitCount == count && memcmp(base, literal.utf8Start, count) == 0
    }

    /// Index of the first `byte` at or after `from`, using `memchr`.
    @inlinable public func firstIndex(of byte: UInt8, from: Int = 0) -> Int? {
        guard from < count else { return nil }
        guard let p = memchr(base + from, Int32(byte), count - from) else { return nil }
        return UnsafeRawPointer(p) - UnsafeRawPointer(base)
    }

    /// Index of the last `byte`, or nil.
    @inlinable public func lastIndex(of byte: UInt8) -> Int? {
        var i = count - 1
        while i >= 0 {
            if base[i] == byte { return i }
            i -= 1
        }
        return nil
    }

    /// Index of the first occurrence of `literal` at or after `from` (memchr for the first byte, then memcmp).
    @inlinable public func firstIndex(of literal: StaticString, from: Int = 0) -> Int? {
        let n = literal.utf8CodeUnitCount
        guard n > 0 else { return from <= count ? from : nil }
        let first = literal.utf8Start[0]
        var i = from
        while i + n <= count, let j = firstIndex(of: first, from: i) {
            guard j + n <= count else { return nil }
            if memcmp(base + j, literal.utf8Start, n) == 0 { return j }
            i = j + 1
        }
        return nil
    }

    /// The span without leading and trailing spaces, tabs, CR and LF.
    @inlinable public var trimmed: ByteSpan {
        var s = 0
        var e = count
        while s < e, ByteSpan.isSpace(base[s]) { s += 1 }
        while e > s, ByteSpan.isSpace(base[e - 1]) { e -= 1 }
        return slice(s, e)
    }

    @inlinable static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

    /// The bytes decoded as UTF-8; invalid sequences become U+FFFD, so any input is safe.
    @inlinable public var string: String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    /// At most the first `maxBytes` bytes as text that is safe to print on a terminal: invalid UTF-8
    /// becomes U+FFFD, and control characters (C0, DEL, C1; tab kept) become `\xNN` escapes, so a
    /// hostile log line shown as an unparsed sample cannot send escape sequences to the terminal.
    public func displayString(maxBytes: Int) -> String {
        let text = utf8Prefix(maxBytes).string
        guard text.unicodeScalars.contains(where: ByteSpan.isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if ByteSpan.isControl(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: false)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s.value != 0x09) || (s.value >= 0x7F && s.value <= 0x9F)
    }

    /// The bytes decoded as UTF-8, ASCII letters lowercased.
    public var lowercasedString: String {
        var needs = false
        for i in 0..<count where base[i] >= 0x41 && base[i] <= 0x5A { needs = true; break }
        if !needs { return string }
        return String(unsafeUninitializedCapacity: count) { out in
            for i in 0..<count {
                let b = base[i]
                out[i] = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            }
            return count
        }
    }

    /// A non-negative decimal integer filling the whole span, or nil.
    @inlinable public var decimal: Int? {
        guard count > 0, count <= 18 else { return nil }
        var v = 0
        for i in 0..<count {
            let d = Int(base[i]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            v = v &* 10 &+ d
        }
        return v
    }

    /// A possibly negative decimal integer filling the whole span, or nil.
    @inlinable public var signedDecimal: Int? {
        if count > 1 && base[0] == UInt8(ascii: "-") { return suffix(from: 1).decimal.map { -$0 } }
        return decimal
    }

    @inlinable public static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inlinable public static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }
}

extension ByteSpan {
    /// Runs `body` with a span over the UTF-8 bytes of `string`.
    ///
    /// Reads the string's own storage: `String.withUTF8` is `mutating`, so calling it on a `let`
    /// copies the string first, a reference-count increment and decrement on every call (a
    /// third of the writer thread's were these). `withCString` hands out a native string's storage
    /// as it is (it is kept NUL-terminated); `utf8.withContiguousStorageIfAvailable` would look up
    /// generic metadata on every call.
    @inline(__always)
    public static func with<R>(_ string: String, _ body: (ByteSpan) throws -> R) rethrows -> R {
        let count = string.utf8.count
        return try string.withCString { p in
            try body(ByteSpan(base: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: count))
        }
    }
}
