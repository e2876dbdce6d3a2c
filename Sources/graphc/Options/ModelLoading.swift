import ArgumentParser
import GraphcCompiler
import GraphcFormats
import GraphcFrontend
import GraphcIR
import GraphcONNX
import GraphcPasses

/// What a command needs to get a compiled model: every subcommand that optimizes, plans, runs
/// or reports memory comes through `load`, so a graph file and a .gplan are treated alike.
struct ModelRequest {
    var graph: GraphOptions
    var pipeline = PipelineOptions()
    /// A safetensors file; nil takes seeded initial values (graph files only).
    var weights: String?
    var seed: UInt64 = 0
    var reuse = true
    /// Data that will be fed, already read (its shapes fill the placeholders).
    var inputs: [InputFile] = []
    /// Whether the weights' values matter (they do not for reports of shapes and memory: with no
    /// weights file, zeros are used instead of making seeded values).
    var valuesMatter = true
    /// Keep an unknown batch unknown in the graph (`compile`: other batches are planned at load time).
    var keepBatchUnknown = false
    /// The graph file already evaluated (with these options), so it is not evaluated again.
    var evaluated: Graph?
    /// Sees the graph after each pass (graph files only).
    var observe: ((Pass, Graph) -> Void)?

    /// The compiled model: a .gplan read (and planned again when the inputs, --batch or
    /// --no-reuse ask for other shapes or buffers), or the graph file evaluated and compiled.
    /// `seeded` is how many variables took seeded initial values (nil when weights were given);
    /// `feeds` is the data read, by the placeholder each file feeds.
    func load() throws -> (model: CompiledModel, seeded: Int?, feeds: [String: HostTensor]) {
        var options = CompileOptions(batch: graph.batch)
        options.pipeline = pipeline
        options.reuse = reuse
        options.releasesUnusedWeights = true
        func feeds(_ placeholders: [String]) throws -> [String: HostTensor] {
            let named = try InputFile.named(inputs, placeholders: placeholders)
            if let stranger = named.first(where: { !placeholders.contains($0.name!) }) {
                throw failure("--input \(stranger.spec): the graph has no placeholder named '\(stranger.name!)'; placeholders: " + placeholders.joined(separator: ", "))
            }
            return Dictionary(named.map { ($0.name!, $0.tensor) }, uniquingKeysWith: { $1 })
        }
        if graph.isPlan {
            if !graph.definitions.isEmpty { throw failure("-D applies to graph files; \(graph.file) was compiled with its definitions") }
            if weights != nil { throw failure("--weights applies to graph files; \(graph.file) holds its folded weights") }
            if graph.input.contains(where: { !$0.hasSuffix(".npy") }) { throw failure("--input NAME=shape applies to graph files; feed a compiled plan .npy files") }
            let stored = try reportingErrors { try PlanFile.read(path: graph.file) }
            let fed = try feeds(stored.graph.placeholders.map(\.name))
            options.inputShapes = fed.mapValues(\.shape)
            if let batch = graph.batch, stored.resolvedBatch == nil {
                Stderr.write("graphc: note: --batch \(batch) has no effect: \(graph.file) was compiled for a fixed batch\n")
            }
            options.batch = graph.batch ?? stored.resolvedBatch
            return (try reportingErrors { try Compiler.replan(stored, options: options) }, nil, fed)
        }
        let evaluated = try self.evaluated ?? graph.evaluate(printing: false, fillBatch: !keepBatchUnknown, inputs: inputs).graph
        let fed = try feeds(evaluated.placeholders.map(\.name))
        options.inputShapes = fed.mapValues(\.shape)
        try reportingErrors { try Compiler.checkWeightBudget(evaluated, options: options) }
        if graph.isONNX, weights != nil { throw failure("--weights applies to graph files; \(graph.file) holds its weights") }
        let store = try reportingErrors { () throws -> WeightStore in
            if let weights { return try WeightStore.load(safetensors: weights, for: evaluated) }
            if graph.isONNX { return try graph.importedONNX().weightStore(for: evaluated) }
            return valuesMatter ? WeightStore.initialize(evaluated, seed: seed) : WeightStore.zeros(for: evaluated)
        }
        let model = try reportingErrors { try Compiler.compile(evaluated, weights: store, source: graph.file, options: options, observe: observe) }
        return (model, weights == nil && !graph.isONNX ? evaluated.variables.count : nil, fed)
    }

    private func failure(_ message: String) -> Error {
        Stderr.write("graphc: error: \(message)\n")
        return ExitCode(1)
    }
}
