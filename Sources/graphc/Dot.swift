import ArgumentParser
import Foundation
import GraphcIR
import GraphcPasses
import GraphcRuntime

/// `graphc dot FILE [--after PASS] -o graph.dot`: a Graphviz picture of the graph.
struct Dot: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a Graphviz picture: scopes as clusters, shapes on edges, fused ops marked.")

    @OptionGroup var graph: GraphOptions
    @OptionGroup var optimization: OptimizationOptions

    @Option(help: ArgumentHelp("Draw the graph after this pass ('all' for the fully optimized graph); default: as written.", valueName: "pass|all"))
    var after: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The .dot file to write.", valueName: "graph.dot"))
    var output: String

    func run() throws {
        let drawn: Graph
        if graph.isPlan {
            drawn = try reportingErrors { try graph.loadPlan() }.header.graph
        } else {
            let evaluated = try graph.evaluate(printing: false).graph
            var program = Program(graph: evaluated, weights: WeightStore.initialize(evaluated))
            if let after {
                var options = optimization.pipelineOptions
                if after != "all" {
                    let names = try reportingErrors { try Pipeline.selected(options) }.map(\.name)
                    guard let i = names.firstIndex(of: after) else { throw ValidationError("pass '\(after)' does not run with these options") }
                    options.only = Array(names[...i])
                }
                try reportingErrors { try Pipeline.run(&program, options: options) }
            }
            drawn = program.graph
        }
        let title = graph.file + (after.map { " after \($0)" } ?? "")
        do {
            try DotWriter.dot(drawn, title: title).write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            Stderr.write("graphc: error: \(output): cannot write: \(error.localizedDescription)\n")
            throw ExitCode(1)
        }
        print("wrote \(output) (\(drawn.nodes.filter { !$0.op.isSource }.count) ops); render with: dot -Tsvg \(output) -o graph.svg")
    }
}
