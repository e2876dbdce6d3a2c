import ArgumentParser
import Foundation
import GraphcIR

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
        try OutputPath.check(output)
        let inputs = try graph.readInputFiles()
        var drawn: Graph
        if graph.isPlan || after != nil {
            var request = ModelRequest(graph: graph, pipeline: optimization.pipelineOptions, inputs: inputs, valuesMatter: false)
            var afterPass: Graph?
            var ran: [String] = []
            request.observe = { pass, g in
                ran.append(pass.name)
                if pass.name == after { afterPass = g }
            }
            let model = try request.load().model
            if let after, after != "all", afterPass == nil, !graph.isPlan {
                throw ValidationError("pass '\(after)' does not run with these options; they run: " + ran.joined(separator: ", "))
            }
            drawn = afterPass ?? model.graph
        } else {
            drawn = try graph.evaluate(printing: false, inputs: inputs).graph
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
