import Foundation
import GraphcCompiler
import GraphcFrontend
import GraphcIR
import GraphcRuntime
import GraphcTestSupport

let repositoryRoot = Repository.root

/// Compiles `graph` (optimized unless `optimize` is false) for the shapes of `feeds` and runs it
/// once on them, on the fast kernels or, with `reference`, on the reference kernels (which
/// compile without buffer reuse, as they need).
func execute(_ graph: Graph, weights: WeightStore, feeds: [String: HostTensor], optimize: Bool = true, reuse: Bool = true,
             reference: Bool = false, threads: Int = 2) throws -> [HostTensor] {
    var options = CompileOptions()
    options.pipeline.optimize = optimize
    options.reuse = reuse && !reference
    options.inputShapes = feeds.mapValues(\.shape)
    let model = try Compiler.compile(graph, weights: weights, source: "test", options: options)
    // Placeholders no result reads are gone from the optimized graph: feed only the rest.
    let used = Set(model.graph.placeholders.map(\.name))
    return try Executor(model: model, options: RunOptions(threads: threads, reference: reference)).run(feeds.filter { used.contains($0.key) })
}

/// The graph file at `relative` (from the repository root), evaluated without its prints.
func evaluate(_ relative: String, searchPaths: [String] = []) throws -> Graph {
    var options = EvaluationOptions.quiet
    options.searchPaths = searchPaths
    return try GraphFile.evaluate(path: Repository.path(relative), options: options).graph
}
