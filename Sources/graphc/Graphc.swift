import ArgumentParser
import Foundation

@main
struct Graphc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graphc",
        abstract: "A static computation-graph compiler for convolutional networks.",
        discussion: "Graph files are Python-flavoured, TF1-slim style network definitions; see Docs/Language.md.",
        version: "0.1.0",
        subcommands: [Shapes.self, Dump.self, Dot.self, Plan.self, Compile.self, Run.self, Bench.self, Vars.self, Init.self, Convert.self, Import.self, Export.self]
    )

    /// Every user error exits with status 1, its message first (ArgumentParser would use 64 for
    /// a bad option); --help and --version exit 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            // The command already said what went wrong.
            Foundation.exit(code.rawValue)
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message = "graphc: error: " + message.dropFirst("Error: ".count) }
            Stderr.write(message.hasSuffix("\n") ? message : message + "\n")
            Foundation.exit(1)
        }
    }
}
