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
        let paths = (FileManager.default.subpaths(atPath: queries.path) ?? []).sorted()
        let files = paths.filter { $0.hasSuffix(".sql") }.map { queries.appending(path: $0) }
        // The folders too: adding or removing a file changes its folder, so the command runs again.
        var isDirectory: ObjCBool = false
        let folders = [queries] + paths.map { queries.appending(path: $0) }.filter {
            FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedQueries.swift")
        return [
            .buildCommand(
                displayName: "Embedding the SQL of Queries into \(target.name)",
                executable: try context.tool(named: "mailtls-embed-queries").url,
                arguments: [queries.path, output.path],
                inputFiles: files + folders,
                outputFiles: [output]
            )
        ]
    }
}
