import Foundation
import GraphcTestSupport
import Testing

/// Every subcommand's `--help`, pinned as text: a changed option or description shows as a diff.
@Suite struct HelpTests {
    static let subcommands = ["shapes", "dump", "dot", "plan", "compile", "run", "bench", "vars", "init", "convert", "import", "export"]

    /// `graphc [subcommand] --help` at a fixed width of 100 columns.
    func help(_ subcommand: String?) throws -> String {
        let process = Process()
        process.executableURL = CLITests.executable
        process.arguments = (subcommand.map { [$0] } ?? []) + ["--help"]
        process.environment = ["COLUMNS": "100", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: subcommands)
    func subcommandHelpIsPinned(_ subcommand: String) throws {
        try Snapshot.check(try help(subcommand), named: "help/\(subcommand)")
    }

    @Test func topLevelHelpListsEverySubcommand() throws {
        let text = try help(nil)
        try Snapshot.check(text, named: "help/graphc")
        for subcommand in Self.subcommands { #expect(text.contains("  \(subcommand) "), "\(subcommand)") }
    }
}
