import Foundation
import Testing

/// The `mailtls-synth` executable this test target depends on, built next to the test bundle.
enum SynthBinary {
    static var path: String? {
        var dirs = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
        for b in Bundle.allBundles { dirs.append(b.bundleURL.deletingLastPathComponent()) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        dirs.append(root.appendingPathComponent(".build/debug"))
        return dirs.map { $0.appendingPathComponent("mailtls-synth").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `mailtls-synth arguments…`; fails the test when it is missing or fails.
    static func run(_ arguments: [String]) throws {
        let synth = try #require(path, "mailtls-synth not built next to the tests (swift build first)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: synth)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "mailtls-synth \(arguments.joined(separator: " ")) exited \(p.terminationStatus)")
    }
}
