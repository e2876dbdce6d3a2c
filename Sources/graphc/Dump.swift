import ArgumentParser
import GraphcIR
import GraphcPasses

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
        let inputs = try graph.readInputFiles()
        var evaluated: Graph?
        if !graph.isPlan, after == nil || prints {
            evaluated = try graph.evaluate(printing: prints, inputs: inputs).graph
            if after == nil {
                print(IRPrinter.print(evaluated!, locations: !noLocations), terminator: "")
                return
            }
        }
        var request = ModelRequest(graph: graph, pipeline: optimization.pipelineOptions, weights: weights, inputs: inputs, valuesMatter: false)
        request.evaluated = evaluated
        request.observe = { pass, g in
            guard after == "all" || after == pass.name else { return }
            print("// after \(pass.name)")
            print(IRPrinter.print(g, locations: !noLocations), terminator: "")
        }
        let model = try request.load().model
        if graph.isPlan || after == "all" || after == "PlanBuffers" {
            if !graph.isPlan { print("// after PlanBuffers (batch \(model.batch), arena \(model.assignment.arenaBytes) bytes)") }
            print(IRPrinter.print(model, locations: !noLocations), terminator: "")
        }
    }
}
