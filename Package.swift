// swift-tools-version:6.0
import PackageDescription

/// mailtls: TLS facts from mail-server logs, stored in SQLite.
///
/// Stages, with dependencies pointing one way:
///   mailtls (CLI) -> MailTLSReports / MailTLSIngest -> MailTLSPostgres -> MailTLSStore / MailTLSParser
/// Release builds of the hot-path targets skip Swift's run-time exclusivity checks: every access to a
/// class's stored array or dictionary (the writer's batches, the rollup counters) otherwise pays for
/// one (measured with callgrind). Debug builds, which the tests use, keep the checks.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

/// Linux is where mailtls is built, tested and run. The macOS platform line is kept for building
/// there: the code imports Darwin wherever it imports Glibc (`#if canImport(Glibc) … #elseif
/// canImport(Darwin)`), but no test run on macOS backs it.
let package = Package(
    name: "mailtls",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mailtls", targets: ["mailtls"]),
        .executable(name: "mailtls-synth", targets: ["mailtls-synth"]),
        .library(name: "MailTLSParser", targets: ["MailTLSParser"]),
        .library(name: "MailTLSStore", targets: ["MailTLSStore"]),
        .library(name: "MailTLSIngest", targets: ["MailTLSIngest"]),
        .library(name: "MailTLSReports", targets: ["MailTLSReports"]),
        .library(name: "MailTLSPostgres", targets: ["MailTLSPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System C libraries, through module maps.
        // (macOS ships sqlite3, zlib and bzip2 in its SDK; liblzma comes from Homebrew's xz.)
        .systemLibrary(name: "CSQLite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBzip2", providers: [.apt(["libbz2-dev"])]),
        .systemLibrary(name: "CLzma", providers: [.apt(["liblzma-dev"]), .brew(["xz"])]),
        // libpq for the PostgreSQL fleet store (docs/fleet.md: why libpq rather than postgres-nio), loaded with
        // dlopen at the first PostgreSQL connection, not linked: a SQLite-only run maps neither libpq nor the
        // ~20 libraries it pulls in (4.9 MiB of RSS), and needs no libpq installed (docs/performance.md).
        .target(name: "CLibPQ", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),

        // Parsing: bytes in, records out. No I/O, no SQLite.
        .target(name: "MailTLSParser", swiftSettings: hotPath),
        // Store: schema, migrations, writer, queries.
        .target(name: "MailTLSStore", dependencies: ["CSQLite3", "MailTLSParser"], swiftSettings: hotPath),
        // The fleet store: the same schema on PostgreSQL, bulk-loaded with COPY by many ingesting hosts.
        .target(name: "MailTLSPostgres", dependencies: ["MailTLSStore", "MailTLSParser", "CLibPQ"], swiftSettings: hotPath),
        // Ingest: files, decompression, checkpoints; drives parser -> linker -> store (SQLite or PostgreSQL).
        .target(name: "MailTLSIngest", dependencies: ["MailTLSParser", "MailTLSStore", "MailTLSPostgres", "CZlib", "CBzip2",
                                                      "CLzma"],
                swiftSettings: hotPath),
        // Reports: run the SQL in Queries/ on SQLite or PostgreSQL and render tables, CSV, JSON.
        .target(name: "MailTLSReports", dependencies: ["MailTLSStore", "MailTLSParser", "MailTLSPostgres"], plugins: ["EmbedQueries"]),
        // Build-time embedding of Queries/*.sql into MailTLSReports (the binary needs no files at run time).
        .plugin(name: "EmbedQueries", capability: .buildTool(), dependencies: ["mailtls-embed-queries"]),
        .executableTarget(name: "mailtls-embed-queries", path: "Plugins/EmbedQueriesTool"),
        // The thin command-line front end.
        .executableTarget(
            name: "mailtls",
            dependencies: [
                "MailTLSIngest", "MailTLSReports", "MailTLSStore", "MailTLSParser", "MailTLSPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Bulk-load benchmark of the PostgreSQL store (Benchmarks/pg-load runs it; no test, no user command).
        .executableTarget(name: "mailtls-pgload", dependencies: ["MailTLSPostgres", "MailTLSStore", "MailTLSParser"],
                          path: "Benchmarks/pgload", swiftSettings: hotPath),
        // Deterministic generator of realistic sendmail logs plus the truth it counted.
        .executableTarget(name: "mailtls-synth", dependencies: ["MailTLSParser", "MailTLSReports"]),

        // Log fixtures, store dumps and temporary directories shared by the test targets.
        .target(name: "MailTLSTestSupport", dependencies: ["MailTLSStore", "MailTLSPostgres"]),

        .testTarget(name: "MailTLSParserTests", dependencies: ["MailTLSParser"]),
        .testTarget(name: "MailTLSStoreTests", dependencies: ["MailTLSStore", "MailTLSParser"]),
        // Against a real PostgreSQL server ($MAILTLS_TEST_PG, started by scripts/pg-test-server); skipped without one.
        .testTarget(name: "MailTLSPostgresTests",
                    dependencies: ["MailTLSPostgres", "MailTLSIngest", "MailTLSStore", "MailTLSParser", "MailTLSTestSupport",
                                   "MailTLSReports", "mailtls", "mailtls-synth"]),
        .testTarget(
            name: "MailTLSIngestTests",
            dependencies: ["MailTLSIngest", "MailTLSStore", "MailTLSParser", "MailTLSReports", "MailTLSTestSupport"]
        ),
        // End-to-end tests that run the built `mailtls` binary (crash injection, locking, exit codes).
        .testTarget(name: "MailTLSCLITests", dependencies: ["mailtls", "mailtls-synth", "MailTLSStore", "MailTLSPostgres",
                                                            "MailTLSTestSupport"],
                    exclude: ["Fixtures"]),  // a store written by an earlier release, read from the source tree
        .testTarget(
            name: "MailTLSReportsTests",
            dependencies: ["MailTLSReports", "MailTLSIngest", "MailTLSStore", "MailTLSParser", "MailTLSTestSupport"],
            exclude: ["Snapshots"]  // golden outputs, read from the source tree
        ),
    ],
    swiftLanguageModes: [.v6]
)
