import ArgumentParser
import GraphcIR
import GraphcPasses
import GraphcRuntime

/// `graphc dump FILE [--after PASS|all]`: the IR, one node a line; after a pass, or after every
/// pass and the buffer planning (with each value's arena offset).
struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the graph's IR, one node a line (Docs/IR.md); --after shows the optimizer's work.")

    @OptionGroup var graph: GraphOptions
    @OptionGroup var optimization: OptimizationOptions

    @Option(help: ArgumentHelp("Print the IR after this pass, or after every pass and the buffer plan with 'all' (PlanBuffers: the final IR with arena offsets).", valueName: "pass|all"))
    var after: String?

    @Option(help: ArgumentHelp("Weights for the passes that fold them (the IR does not depend on their values).", valueName: "file.safetensors"))
    var weights: String?

    @Flag(help: "Leave out source locations.")
    var noLocations = false

    @Flag(help: "Also print what the graph file prints.")
    var prints = false

    func validate() throws {
        guard let after, after != "all", after != "PlanBuffers" else { return }
        do { _ = try Pipeline.pass(named: after) } catch { throw ValidationError(error.message) }
    }

    func run() throws {
        if graph.isPlan {
            let plan = try reportingErrors { try graph.loadPlan() }
            print(IRPrinter.print(plan.header.graph, locations: !noLocations, annotations: offsets(plan.header.graph, plan.header.shapes, plan.header.assignment)), terminator: "")
            return
        }
        let result = try graph.evaluate(printing: prints)
        guard let after else {
            print(IRPrinter.print(result.graph, locations: !noLocations), terminator: "")
            return
        }
        let store = try reportingErrors { try weights.map { try WeightStore.load(safetensors: $0, for: result.graph) } ?? WeightStore.initialize(result.graph) }
        var program = Program(graph: result.graph, weights: store)
        try reportingErrors {
            try Pipeline.run(&program, options: optimization.pipelineOptions) { pass, g in
                guard after == "all" || after == pass.name else { return }
                print("// after \(pass.name)")
                print(IRPrinter.print(g, locations: !noLocations), terminator: "")
            }
        }
        if after == "all" || after == "PlanBuffers" {
            let shapes = try reportingErrors { try MemoryReporting.concreteShapes(program.graph, batch: graph.batch ?? 1) }
            let plan = MemoryPlan(graph: program.graph, shapes: shapes)
            print("// after PlanBuffers (batch \(graph.batch ?? 1), arena \(plan.arenaBytes) bytes)")
            print(IRPrinter.print(program.graph, locations: !noLocations, annotations: offsets(program.graph, shapes, plan.assignment)), terminator: "")
        }
    }

    /// `[arena +offset, bytes]` for every planned value, and its im2col scratch.
    func offsets(_ g: Graph, _ shapes: [[Int]], _ a: BufferAssignment) -> [NodeID: String] {
        var notes: [NodeID: String] = [:]
        for node in g.nodes {
            guard let offset = a.valueOffset[node.id] else { continue }
            var note = "[arena +\(offset), \(shapes[node.id].reduce(1, *) * 4) bytes"
            if let s = a.scratchArea(for: node.id) { note += "; im2col +\(s.offset), \(s.elements * 4) bytes" }
            notes[node.id] = note + "]"
        }
        return notes
    }
}
