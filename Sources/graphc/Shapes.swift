import ArgumentParser
import GraphcCompiler
import GraphcIR

/// `graphc shapes FILE`: runs the file's prints, then a table of every op (name, op, output
/// shape, parameters, multiply-adds) or, with --depth, one row per block.
struct Shapes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every op's output shape, parameters and multiply-adds (or one row per block with --depth).")

    @OptionGroup var graph: GraphOptions

    @Option(parsing: .unconditional, help: "Collapse the table to scopes this many levels deep (one row per block).")
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
        let inputs = try graph.readInputFiles()
        // A compiled plan has no file to print from: its optimized graph is the table.
        let shown = graph.isPlan ? nil : try graph.evaluate(inputs: inputs).graph
        var request = ModelRequest(graph: graph, pipeline: optimization.pipelineOptions, inputs: inputs, valuesMatter: false)
        request.evaluated = shown
        let model = graph.isPlan || memory ? try request.load().model : nil
        let g = shown ?? model!.graph
        if !noTable {
            let rows = depth.map { Statistics.rows(g, depth: $0) } ?? Statistics.rows(g)
            if !graph.isPlan { print("") }
            print(ShapeTable.table(rows, batchKnown: g.placeholders.allSatisfy { $0.shape[0] != nil }), terminator: "")
        }
        if memory, let model {
            print("")
            print(MemoryReport.text(model), terminator: "")
        }
    }
}
