import ArgumentParser
import GraphcRuntime

/// `graphc run FILE`: executes the graph on weights and inputs and summarises the outputs.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run inference: weights from safetensors, inputs from .npy, outputs summarised or written to .npy.")

    @OptionGroup var graph: GraphOptions
    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var optimization: OptimizationOptions

    @Option(help: ArgumentHelp("Write the (first) output to this .npy file.", valueName: "file.npy"))
    var output: String?

    @Flag(help: "Run every op on the plain nested-loop reference kernels.")
    var reference = false

    func run() throws {
        let prepared = try prepareRun(graph, runtime, optimization, reference: reference)
        for note in prepared.notes { Stderr.write("graphc: note: \(note)\n") }
        let results = try reportingErrors { try prepared.interpreter.run(prepared.inputs) }
        let outputs = prepared.interpreter.outputs
        for (id, tensor) in zip(outputs, results) {
            print(OutputSummary.describe(name: prepared.graph[id].tensorName, tensor), terminator: "")
        }
        if let output, let first = results.first {
            try reportingErrors { try NumPyFile.write(first, to: output) }
            if results.count > 1 {
                Stderr.write("graphc: note: wrote \(prepared.graph[outputs[0]].tensorName) to \(output); the graph has \(results.count) outputs\n")
            }
        }
    }
}
