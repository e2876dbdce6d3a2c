import ArgumentParser
import GraphcFormats
import GraphcIR
import GraphcRuntime

/// `graphc run FILE`: executes the graph on weights and inputs and summarises the outputs.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run inference: weights from safetensors, inputs from .npy, outputs summarised or written to .npy.")

    @OptionGroup var graph: GraphOptions
    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var optimization: OptimizationOptions
    @OptionGroup var images: ImageOptions

    @Option(help: ArgumentHelp("Write the (first) output to this .npy file.", valueName: "file.npy"))
    var output: String?

    @Flag(help: "Run every op on the plain nested-loop reference kernels.")
    var reference = false

    func run() throws {
        if let output { try OutputPath.check(output) }
        let imageInput = try images.input(for: graph)
        let labels = try images.classNames()
        let (executor, feeds) = try prepareExecution(graph, runtime, optimization, reference: reference, extraInputs: imageInput.map { [$0] } ?? [])
        let results = try reportingErrors { try executor.run(feeds) }
        let model = executor.model
        for (id, tensor) in zip(model.outputs, results) {
            print(OutputSummary.describe(name: model.graph[id].tensorName, tensor, labels: labels, rowNames: imageInput == nil ? nil : images.image),
                  terminator: "")
            let (nan, infinite) = OutputSummary.nonFinite(tensor)
            if nan + infinite > 0 {
                Stderr.write("graphc: warning: \(model.graph[id].tensorName): \(nan) of its \(tensor.count) values are NaN and \(infinite) infinite\n")
            }
        }
        if let output, let first = results.first {
            try reportingErrors { try NumPyFile.write(first, to: output) }
            if results.count > 1 {
                Stderr.write("graphc: note: wrote \(model.graph[model.outputs[0]].tensorName) to \(output); the graph has \(results.count) outputs\n")
            }
        }
    }
}

/// The compiled model bound to an executor, and the data to feed it, for `run` and `bench`.
/// Reference kernels need every value in its own buffer, so they compile without reuse.
func prepareExecution(_ graph: GraphOptions, _ runtime: RuntimeOptions, _ optimization: OptimizationOptions,
                      reference: Bool, extraInputs: [InputFile] = []) throws -> (Executor, [String: HostTensor]) {
    let inputs = try graph.readInputFiles() + extraInputs
    let request = ModelRequest(graph: graph, pipeline: optimization.pipelineOptions, weights: runtime.weights, seed: runtime.seed,
                               reuse: !runtime.noReuse && !reference, inputs: inputs)
    let (model, seeded, fed) = try request.load()
    if let seeded, seeded > 0 {
        Stderr.write("graphc: note: no --weights: the \(seeded) variables hold seeded initial values (seed \(runtime.seed))\n")
    }
    guard !model.outputs.isEmpty else {
        Stderr.write("graphc: error: \(graph.file) computes nothing, so there is nothing to run: it has no op whose result is used (mark results with output(tensor))\n")
        throw ExitCode(1)
    }
    let feeds = Feeds.make(for: model, fed: fed, seed: runtime.seed)
    let options = runtime.runOptions(reference: reference)
    let executor = try reportingErrors { try Executor(model: model, options: options) }
    return (executor, feeds)
}
