import ArgumentParser
import GraphcIR
import GraphcPasses
import GraphcRuntime

/// `graphc shapes FILE`: runs the file's prints, then a table of every op (name, op, output
/// shape, parameters, multiply-adds) or, with --depth, one row per block.
struct Shapes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every op's output shape, parameters and multiply-adds (or one row per block with --depth).")

    @OptionGroup var graph: GraphOptions

    @Option(help: "Collapse the table to scopes this many levels deep (one row per block).")
    var depth: Int?

    @Flag(help: "Print only what the graph file prints, without the table.")
    var noTable = false

    @Flag(help: "Also plan memory for the optimized graph and report it (batch from --batch, else 1).")
    var memory = false

    @OptionGroup var optimization: OptimizationOptions

    func validate() throws {
        if let depth, depth < 1 { throw ValidationError("--depth must be at least 1, got \(depth)") }
    }

    func run() throws {
        if graph.isPlan {
            // A compiled plan: its optimized graph and stored shapes; no file to print from.
            let plan = try reportingErrors { try graph.loadPlan() }
            let g = plan.header.graph
            if !noTable {
                let rows = depth.map { Statistics.rows(g, depth: $0) } ?? Statistics.rows(g)
                print(Statistics.table(rows, batchKnown: g.placeholders.allSatisfy { $0.shape[0] != nil }), terminator: "")
            }
            if memory {
                let report = MemoryPlan(graph: g, shapes: plan.header.shapes)
                print("")
                print(report.report(graph: g, weightBytes: MemoryReporting.weightBytes(g)), terminator: "")
                print("  stored arena              \(plan.header.assignment.arenaBytes) bytes" + (plan.header.plannedBatch.map { " (planned for batch \($0))" } ?? ""))
            }
            return
        }
        let result = try graph.evaluate()
        if !noTable {
            let rows = depth.map { Statistics.rows(result.graph, depth: $0) } ?? Statistics.rows(result.graph)
            let batchKnown = result.graph.placeholders.allSatisfy { $0.shape[0] != nil }
            print("")
            print(Statistics.table(rows, batchKnown: batchKnown), terminator: "")
        }
        if memory {
            let (program, plan) = try reportingErrors { try MemoryReporting.plan(result.graph, batch: graph.batch ?? 1, pipeline: optimization.pipelineOptions) }
            print("")
            print(plan.report(graph: program.graph, weightBytes: MemoryReporting.weightBytes(program.graph)), terminator: "")
        }
    }
}
