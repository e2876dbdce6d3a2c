import ArgumentParser
import Foundation
import GraphcIR

/// `graphc plan FILE -o plan.svg`: a picture of the memory plan.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Draw the arena: each buffer a rectangle (x: lifetime in schedule steps, y: offset), the lower bound as a line.")

    @OptionGroup var graph: GraphOptions
    @OptionGroup var optimization: OptimizationOptions

    @Flag(help: "Plan every intermediate in its own buffer.")
    var noReuse = false

    @Option(name: .shortAndLong, help: ArgumentHelp("The SVG file to write.", valueName: "plan.svg"))
    var output: String

    func run() throws {
        try OutputPath.check(output)
        let request = ModelRequest(graph: graph, pipeline: optimization.pipelineOptions, reuse: !noReuse, inputs: try graph.readInputFiles(),
                                   valuesMatter: false)
        let model = try request.load().model
        do {
            try PlanPicture.svg(model, title: graph.file).write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            Stderr.write("graphc: error: \(output): cannot write: \(error.localizedDescription)\n")
            throw ExitCode(1)
        }
        print("wrote \(output)")
        print(MemoryReport.text(model), terminator: "")
    }
}
