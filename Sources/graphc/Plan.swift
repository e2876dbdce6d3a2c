import ArgumentParser
import Foundation
import GraphcIR
import GraphcPasses
import GraphcRuntime

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
        let g: Graph
        let plan: MemoryPlan
        if graph.isPlan {
            let loaded = try reportingErrors { try graph.loadPlan() }
            g = loaded.header.graph
            plan = MemoryPlan(graph: g, shapes: loaded.header.shapes, reuse: !noReuse)
        } else {
            let evaluated = try graph.evaluate(printing: false).graph
            let (program, p) = try reportingErrors {
                try MemoryReporting.plan(evaluated, batch: graph.batch ?? 1, pipeline: optimization.pipelineOptions, reuse: !noReuse)
            }
            g = program.graph
            plan = p
        }
        do {
            try PlanPicture.svg(plan, graph: g, title: graph.file).write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            Stderr.write("graphc: error: \(output): cannot write: \(error.localizedDescription)\n")
            throw ExitCode(1)
        }
        print("wrote \(output)")
        print(plan.report(graph: g, weightBytes: MemoryReporting.weightBytes(g)), terminator: "")
    }
}
