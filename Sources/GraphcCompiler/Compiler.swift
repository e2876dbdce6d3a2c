import GraphcIR
import GraphcPasses

/// The one way a graph becomes something the runtime can execute:
///
///     graph + weights --Pipeline (lowerings, optimizer passes)--> optimized graph
///         --ShapeResolution--> concrete shapes --KernelScratch, MemoryPlan--> buffer assignment
///
/// Every command of graphc, and a .gplan (a serialized `CompiledModel`), goes through here.
public enum Compiler {
    /// Compiles `graph` with the values in `weights`, which it reads and keeps alive (folded
    /// values go into a store of the model's own); it changes `weights` only when
    /// `options.releasesUnusedWeights` hands them over. `observe` sees the graph after each pass.
    public static func compile(_ graph: Graph, weights: WeightStore, source: String, options: CompileOptions = CompileOptions(),
                               observe: ((Pass, Graph) -> Void)? = nil) throws(CompileError) -> CompiledModel {
        try checkWeightBudget(graph, options: options)
        var program = Program(graph: graph, weights: WeightStore(borrowing: weights))
        let store = program.weights
        do {
            // Values a pass made dead (folded, transformed, packed away) are freed after it, so
            // the peak holds at most two generations of the weights, not every one.
            try Pipeline.run(&program, options: options.pipeline) { pass, graph in
                store.retain(only: Set(graph.variables.map(\.name)))
                observe?(pass, graph)
            }
        } catch {
            throw CompileError(error.message)
        }
        let kept = Set(program.graph.variables.map(\.name))
        program.weights.retain(only: kept)
        if options.releasesUnusedWeights { weights.retain(only: kept) }
        return try plan(program.graph, weights: program.weights, source: source, options: options)
    }

    /// Resolves shapes and plans memory for a graph that is already optimized: the last stage
    /// of `compile`, and how a loaded plan is made again for other input shapes.
    public static func plan(_ graph: Graph, weights: WeightStore, source: String, options: CompileOptions) throws(CompileError) -> CompiledModel {
        try plan(graph, weights: weights, source: source, options: options, resolved: try resolve(graph, options))
    }

    private static func plan(_ graph: Graph, weights: WeightStore, source: String, options: CompileOptions,
                             resolved: (shapes: [[Int]], resolvedBatch: Int?)) throws(CompileError) -> CompiledModel {
        let missing = graph.variables.filter { weights[$0.name] == nil }.map(\.name)
        guard missing.isEmpty else {
            throw CompileError("no value for variable" + (missing.count == 1 ? "" : "s") + " " + missing.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                               + (missing.count > 5 ? " and \(missing.count - 5) more" : ""))
        }
        let plan = MemoryPlan(graph: graph, shapes: resolved.shapes, scratch: KernelScratch.requirements(graph, resolved.shapes),
                              reuse: options.reuse)
        let weightBytes = MemoryBudget.bytes(floats: graph.variables.map { resolved.shapes[$0.id].reduce(1, *) })
        try checkBudget(plan.arenaBytes.addingReportingOverflow(weightBytes).overflow ? Int.max : plan.arenaBytes + weightBytes,
                        "the arena of this plan with its weights", options)
        return CompiledModel(graph: graph, shapes: resolved.shapes, assignment: plan.assignment, weights: weights,
                             resolvedBatch: resolved.resolvedBatch, memory: plan.figures, source: source)
    }

    /// `model` planned for other input shapes (itself when they are the ones it was planned for).
    public static func replan(_ model: CompiledModel, options: CompileOptions) throws(CompileError) -> CompiledModel {
        let resolved = try resolve(model.graph, options)
        if resolved.shapes == model.shapes, options.reuse == model.assignment.inPlace { return model }
        return try plan(model.graph, weights: model.weights, source: model.source, options: options, resolved: resolved)
    }

    /// The concrete shapes the options give `graph` (ShapeResolution, the one place a batch is decided).
    static func resolve(_ graph: Graph, _ options: CompileOptions) throws(CompileError) -> (shapes: [[Int]], resolvedBatch: Int?) {
        do {
            return try ShapeResolution.concreteShapes(graph, batch: options.batch, fed: options.inputShapes)
        } catch {
            throw CompileError(error.message)
        }
    }

    /// Throws when `graph`'s weights, twice over (folding briefly holds the original and the
    /// folded values), exceed the budget: checked before any weight is made or read.
    public static func checkWeightBudget(_ graph: Graph, options: CompileOptions = CompileOptions()) throws(CompileError) {
        try checkBudget(MemoryBudget.bytes(floats: graph.variables.map(\.shape.elementCountPerUnknown), copies: 2),
                        "the weights (with their folded copies)", options)
    }

    static func checkBudget(_ bytes: Int, _ what: String, _ options: CompileOptions) throws(CompileError) {
        do { try MemoryBudget.check(bytes, what, limit: options.memoryBudget) } catch { throw CompileError(error.message) }
    }
}
