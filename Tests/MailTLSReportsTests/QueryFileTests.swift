import Foundation
import MailTLSReports
import MailTLSStore
import Testing

/// Queries/ is the single source of truth: the binary must carry exactly these files, and each one
/// must run as is with `sqlite3 mailtls.db < Queries/x.sql` (one statement, named parameters only).
@Suite struct QueryFileTests {
    /// Every `.sql` file below Queries/, keyed like `QueryLibrary` (`rates`, `export/sessions`).
    static func files() throws -> [String: String] {
        let root = repositoryRoot.appendingPathComponent("Queries")
        var out: [String: String] = [:]
        for path in FileManager.default.subpaths(atPath: root.path) ?? [] where path.hasSuffix(".sql") {
            out[String(path.dropLast(4))] = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        }
        return out
    }

    /// The files SQLite runs: all but the dialect files (`summary.postgres`), which are another
    /// dialect's copy of one of them (docs/reports.md, "Dialects").
    static func sqliteFiles() throws -> [String: String] {
        try files().filter { !QueryLibrary.dialectNames.contains($0.key) }
    }

    /// The named parameters in a query's code (`:since`; not `::` casts).
    static func parameters(_ sql: String) -> Set<String> {
        let code = Array(Self.code(sql).utf8)
        var out: Set<String> = []
        var i = 0
        while i < code.count {
            if code[i] == UInt8(ascii: ":"), i + 1 < code.count, code[i + 1] == UInt8(ascii: ":") { i += 2; continue }
            if code[i] == UInt8(ascii: ":"), i + 1 < code.count, code[i + 1] >= UInt8(ascii: "a"), code[i + 1] <= UInt8(ascii: "z") {
                var j = i + 1
                while j < code.count, (code[j] >= UInt8(ascii: "a") && code[j] <= UInt8(ascii: "z")) || code[j] == UInt8(ascii: "_") { j += 1 }
                out.insert(String(decoding: code[i..<j], as: UTF8.self))
                i = j
            } else {
                i += 1
            }
        }
        return out
    }

    /// A dialect file is a copy of a query SQLite runs, with the same parameters and header.
    @Test func eachDialectFileCopiesAQueryWithItsParameters() throws {
        let files = try Self.files()
        #expect(!QueryLibrary.dialectNames.isEmpty)
        for name in QueryLibrary.dialectNames {
            let base = String(name[..<name.lastIndex(of: ".")!])
            let original = try #require(files[base], "Queries/\(name).sql has no Queries/\(base).sql beside it")
            let copy = try #require(files[name])
            #expect(Self.parameters(copy) == Self.parameters(original), "Queries/\(name).sql reads other parameters than \(base).sql")
            #expect(copy.contains("copy of Queries/\(base).sql"), "Queries/\(name).sql does not say whose copy it is")
        }
    }

    @Test func embeddedSQLEqualsTheFiles() throws {
        let files = try Self.files()
        #expect(!files.isEmpty)
        // SwiftPM re-reads the plugin's file list only when it plans the build again: after adding
        // a file to Queries/, an edit of that file may need `touch Package.swift` to be picked up.
        let hint = "the compiled-in SQL differs from Queries/: rebuild (touch Package.swift if a file was added)"
        #expect((QueryLibrary.names + QueryLibrary.dialectNames).sorted() == files.keys.sorted(), "\(hint)")
        for (name, text) in files {
            let embedded = try QueryLibrary.sql(named: name)
            #expect(embedded == text, "Queries/\(name).sql: \(hint)")
        }
    }

    @Test func everySectionAndTableHasItsFile() throws {
        let names = Set(QueryLibrary.names)
        for s in ReportSection.all { #expect(names.contains(s.query), "no Queries/\(s.query).sql for section \(s.name)") }
        for t in ExportTable.allCases { #expect(names.contains(t.query), "no Queries/\(t.query).sql") }
    }

    /// The SQL with comments and string literals blanked out.
    static func code(_ sql: String) -> String {
        var out = ""
        var it = Array(sql.unicodeScalars)[...]
        while let c = it.first {
            it = it.dropFirst()
            if c == "-", it.first == "-" {
                while let d = it.first, d != "\n" { it = it.dropFirst() }
            } else if c == "/", it.first == "*" {
                it = it.dropFirst()
                while !it.isEmpty, !(it.first == "*" && it.dropFirst().first == "/") { it = it.dropFirst() }
                it = it.dropFirst(2)
            } else if c == "'" || c == "\"" {
                while let d = it.first { it = it.dropFirst(); if d == c { if it.first == c { it = it.dropFirst() } else { break } } }
                out += "''"
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    @Test func eachFileIsOneStatementWithNamedParameters() throws {
        for (name, text) in try Self.files() {
            let code = Self.code(text)
            #expect(code.filter { $0 == ";" }.count == 1, "Queries/\(name).sql must hold exactly one statement")
            #expect(code.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(";"), "Queries/\(name).sql: text after the statement")
            #expect(!code.contains("?"), "Queries/\(name).sql: use named parameters (:since), not ?")
            #expect(text.hasPrefix("-- "), "Queries/\(name).sql starts with a comment saying what it is")
        }
    }

    @Test func parametersAreKnownAndDocumented() throws {
        let store = try TestStore([])
        for (name, text) in try Self.sqliteFiles() {
            let statement = try store.reporter.store!.database.prepare(text)
            for p in statement.parameterNames {
                #expect(ReportFilter.parameterNames.contains(p), "Queries/\(name).sql uses unknown parameter \(p)")
                let header = text.components(separatedBy: "\n").prefix(while: { $0.hasPrefix("--") }).joined(separator: "\n")
                #expect(header.contains(p), "Queries/\(name).sql does not document \(p) in its header")
            }
        }
    }

    /// With no parameter bound (NULL, as in the sqlite3 shell) and with every one bound.
    @Test func everyQueryRunsUnboundAndFullyBound() throws {
        let store = try TestStore([line("10:00:01", 1, "STARTTLS=server, relay=a.example [192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256")])
        var all = ReportFilter(since: Date(timeIntervalSince1970: 0), until: Date(timeIntervalSince1970: 4_000_000_000),
                               host: "*", role: .server, peer: "*", includeLocal: true, limit: 5, by: .week,
                               cipher: "*", version: "*", localTime: true)
        all.mta = "sendmail"
        #expect(Set(all.parameters.keys) == ReportFilter.parameterNames)
        for name in QueryLibrary.names {
            for filter in [ReportFilter(), all] {
                let s = try store.reporter.store!.database.prepare(try QueryLibrary.sql(named: name))
                for (i, p) in s.parameterNames.enumerated() {
                    switch filter.parameters[p] {
                    case .text(let t)?: s.bind(Int32(i + 1), t)
                    case .integer(let n)?: s.bind(Int32(i + 1), n)
                    case nil: break
                    }
                }
                var rows = 0
                while try s.step() { rows += 1 }
                if name == "export/sessions" || name == "summary" { #expect(rows == 1, "Queries/\(name).sql") }
            }
        }
    }
}
