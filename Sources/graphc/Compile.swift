import ArgumentParser
import GraphcIR
import GraphcPasses
import GraphcRuntime

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
        // The batch stays unknown in the plan: --batch is what the arena is planned for, and
        // other batches are planned when the plan is loaded.
        let evaluated = try graph.evaluate(printing: false, fillBatch: false)
        let store = try reportingErrors { () throws -> WeightStore in
            if let weights { return try WeightStore.load(safetensors: weights, for: evaluated.graph) }
            Stderr.write("graphc: note: no --weights: the plan holds seeded initial values\n")
            return WeightStore.initialize(evaluated.graph)
        }
        var program = Program(graph: evaluated.graph, weights: store)
        try reportingErrors { try Pipeline.run(&program, options: optimization.pipelineOptions) }
        let unknownBatch = program.graph.placeholders.contains { $0.shape.dims.first.map { $0 == nil } ?? false }
        let batch = graph.batch ?? 1
        let shapes = try reportingErrors { try MemoryReporting.concreteShapes(program.graph, batch: batch) }
        let plan = MemoryPlan(graph: program.graph, shapes: shapes, reuse: !noReuse)
        try reportingErrors {
            try PlanFile.write(program: program, source: graph.file, shapes: shapes, plannedBatch: unknownBatch ? batch : nil,
                               assignment: plan.assignment, to: output)
        }
        let ops = program.graph.nodes.filter { !$0.op.isSource }.count
        print("wrote \(output): \(ops) ops, \(program.graph.variables.count) weight tensors"
              + (unknownBatch ? ", planned for batch \(batch) (other batches are planned at load time)" : ""))
        print(plan.report(graph: program.graph, weightBytes: MemoryReporting.weightBytes(program.graph)), terminator: "")
    }
}
