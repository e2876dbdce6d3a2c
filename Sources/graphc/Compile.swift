import ArgumentParser
import GraphcCompiler
import GraphcIR

/// `graphc compile FILE.graph -o model.gplan`: optimizes, plans memory, folds the weights and
/// writes one file that `run`, `bench` and `shapes` load without redoing any of it.
struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Optimize a graph, plan its memory and write a compiled .gplan with its folded weights.")

    @OptionGroup var graph: GraphOptions
    @OptionGroup var optimization: OptimizationOptions

    @Option(help: ArgumentHelp("Weights as a safetensors file; without it, seeded initial values.", valueName: "file.safetensors"))
    var weights: String?

    @Flag(help: "Give every intermediate its own buffer (for debugging).")
    var noReuse = false

    @Option(name: .shortAndLong, help: ArgumentHelp("The plan to write.", valueName: "model.gplan"))
    var output: String

    func run() throws {
        try graph.requireGraphFile("it is compiled already; compile takes a graph file (.graph)")
        try OutputPath.check(output)
        // The batch stays unknown in the plan: --batch is what the arena is planned for, and
        // other batches are planned when the plan is loaded.
        let request = ModelRequest(graph: graph, pipeline: optimization.pipelineOptions, weights: weights, reuse: !noReuse,
                                   inputs: try graph.readInputFiles(), keepBatchUnknown: true)
        let (model, seeded, _) = try request.load()
        if let seeded, seeded > 0 { Stderr.write("graphc: note: no --weights: the plan holds seeded initial values\n") }
        try reportingErrors { try PlanFile.write(model, to: output) }
        let ops = model.graph.nodes.filter { !$0.op.isSource }.count
        print("wrote \(output): \(ops) ops, \(model.graph.variables.count) weight tensors"
              + (model.resolvedBatch.map { ", planned for batch \($0) (other batches are planned at load time)" } ?? ""))
        print(MemoryReport.text(model), terminator: "")
    }
}
