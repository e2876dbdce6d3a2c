/// A graph made ready to run, immutable once made: the optimized graph, the concrete shape of
/// every node, where each value lives in the arena, and the weights in their final (folded)
/// form. The compiler makes one (GraphcCompiler's `Compiler.compile`, or reading a .gplan); the
/// runtime executes it, any number of times and from any number of threads, each execution with
/// its own arena.
public final class CompiledModel: Sendable {
    public let graph: Graph
    /// The concrete shape of every node, unknown dimensions resolved.
    public let shapes: [[Int]]
    public let assignment: BufferAssignment
    /// The values of the graph's variables: exactly the variables `graph` reads.
    public let weights: WeightStore
    /// The batch an unknown batch dimension was resolved to (nil when the graph fixes it), so
    /// a plan can be made again for another batch.
    public let resolvedBatch: Int?
    /// What the plan costs, for reports.
    public let memory: MemoryFigures
    /// Where the model came from (a graph file or a .gplan), for messages.
    public let source: String

    public init(graph: Graph, shapes: [[Int]], assignment: BufferAssignment, weights: WeightStore, resolvedBatch: Int?,
                memory: MemoryFigures, source: String) {
        self.graph = graph
        self.shapes = shapes
        self.assignment = assignment
        self.weights = weights
        self.resolvedBatch = resolvedBatch
        self.memory = memory
        self.source = source
    }

    /// The graph's results, in order.
    public var outputs: [NodeID] { graph.outputs }

    /// The batch of the first input (1 for a graph without inputs).
    public var batch: Int { graph.placeholders.first.flatMap { shapes[$0.id].first } ?? 1 }

    /// Multiply-adds of one execution at these shapes.
    public var multiplyAdds: Int {
        graph.nodes.reduce(0) { total, node in
            let s = node.op.schema.multiplyAdds(inputs: node.inputs.map { TensorShape(shapes[$0]) }, output: TensorShape(shapes[node.id]))
            return ShapeRules.saturatingAdd(total, s)
        }
    }

    /// Bytes of all weights.
    public var weightBytes: Int { graph.variables.reduce(0) { $0 + shapes[$1.id].reduce(1, *) * 4 } }
}

extension TensorShape {
    /// A fully known shape.
    public init(_ dims: [Int]) { self.init(dims.map { Optional($0) }) }
}
