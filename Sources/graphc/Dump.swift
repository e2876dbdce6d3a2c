import ArgumentParser
import GraphcIR

/// `graphc dump FILE`: the IR, one node a line with shapes and source locations.
struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the graph's IR, one node a line (Docs/IR.md).")

    @OptionGroup var graph: GraphOptions

    @Flag(help: "Leave out source locations.")
    var noLocations = false

    @Flag(help: "Also print what the graph file prints.")
    var prints = false

    func run() throws {
        let result = try graph.evaluate(printing: prints)
        do {
            try Verifier.verify(result.graph)
        } catch {
            Stderr.write("graphc: error: \(error)\n")
            throw ExitCode(1)
        }
        print(IRPrinter.print(result.graph, locations: !noLocations), terminator: "")
    }
}
