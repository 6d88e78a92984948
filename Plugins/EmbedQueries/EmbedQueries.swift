import Foundation
import PackagePlugin

/// Embeds the data files MailTLSReports reads into the target as Swift string constants, so the
/// built binary needs no file at run time (`scripts/install` copies only the binary):
///
/// - the package's `Queries/**/*.sql`, as `EmbeddedQueries.swift`. `Queries/` stays the single source
///   of truth for the report SQL (users run the same files with `sqlite3 mailtls.db < Queries/rates.sql`);
///   each file's path below `Queries/`, without `.sql` (`rates`, `export/sessions`), maps to its exact text.
/// - the Public Suffix List of Debian's `publicsuffix` package
///   (`/usr/share/publicsuffix/public_suffix_list.dat`, or the file named by the environment variable
///   `MAILTLS_PUBLIC_SUFFIX_LIST`), as `EmbeddedPublicSuffixList.swift`: its rules, for
///   `report rates --by domain` (`PublicSuffixList`). A missing list fails the build with a message
///   that names the package.
@main
struct EmbedQueries: BuildToolPlugin {
    /// Where Debian's `publicsuffix` package installs the list.
    static let debianPublicSuffixList = "/usr/share/publicsuffix/public_suffix_list.dat"

    /// The Public Suffix List could not be found at build time.
    struct MissingPublicSuffixList: Error, CustomStringConvertible {
        let path: String
        var description: String {
            """
            the Public Suffix List \(path) does not exist: install Debian's publicsuffix package \
            (apt-get install publicsuffix), or set MAILTLS_PUBLIC_SUFFIX_LIST to a copy of \
            https://publicsuffix.org/list/public_suffix_list.dat
            """
        }
    }

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "mailtls-embed-queries").url
        return [try queriesCommand(context: context, target: target, tool: tool),
                try publicSuffixListCommand(context: context, target: target, tool: tool)]
    }

    /// `Queries/**/*.sql` into `EmbeddedQueries.swift`.
    func queriesCommand(context: PluginContext, target: Target, tool: URL) throws -> Command {
        let queries = context.package.directoryURL.appending(path: "Queries")
        let paths = (FileManager.default.subpaths(atPath: queries.path) ?? []).sorted()
        let files = paths.filter { $0.hasSuffix(".sql") }.map { queries.appending(path: $0) }
        // The folders too: adding or removing a file changes its folder, so the command runs again.
        var isDirectory: ObjCBool = false
        let folders = [queries] + paths.map { queries.appending(path: $0) }.filter {
            FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedQueries.swift")
        return .buildCommand(
            displayName: "Embedding the SQL of Queries into \(target.name)",
            executable: tool,
            arguments: [queries.path, output.path],
            inputFiles: files + folders,
            outputFiles: [output]
        )
    }

    /// The Public Suffix List into `EmbeddedPublicSuffixList.swift`.
    func publicSuffixListCommand(context: PluginContext, target: Target, tool: URL) throws -> Command {
        let path = ProcessInfo.processInfo.environment["MAILTLS_PUBLIC_SUFFIX_LIST"] ?? Self.debianPublicSuffixList
        guard FileManager.default.fileExists(atPath: path) else { throw MissingPublicSuffixList(path: path) }
        let list = URL(fileURLWithPath: path)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPublicSuffixList.swift")
        return .buildCommand(
            displayName: "Embedding the Public Suffix List \(path) into \(target.name)",
            executable: tool,
            arguments: ["--public-suffix-list", list.path, output.path],
            inputFiles: [list],
            outputFiles: [output]
        )
    }
}
