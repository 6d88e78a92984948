import Foundation
import PackagePlugin

/// Embeds the package's `Queries/**/*.sql` into the target as Swift string constants.
///
/// `Queries/` stays the single source of truth for the report SQL (users run the same files with
/// `sqlite3 mailtls.db < Queries/rates.sql`), while the built binary needs no file at run time.
/// The generated `EmbeddedQueries.swift` maps each file's path below `Queries/`, without `.sql`
/// (`rates`, `export/sessions`), to its exact text.
@main
struct EmbedQueries: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let queries = context.package.directoryURL.appending(path: "Queries")
        let files = (FileManager.default.subpaths(atPath: queries.path) ?? [])
            .filter { $0.hasSuffix(".sql") }
            .sorted()
            .map { queries.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedQueries.swift")
        return [
            .buildCommand(
                displayName: "Embedding the SQL of Queries into \(target.name)",
                executable: try context.tool(named: "mailtls-embed-queries").url,
                arguments: [queries.path, output.path],
                inputFiles: files + [queries],
                outputFiles: [output]
            )
        ]
    }
}
