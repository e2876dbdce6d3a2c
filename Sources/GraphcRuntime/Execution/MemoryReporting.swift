import GraphcIR
import GraphcPasses

/// Optimizes a graph with seeded weights and plans its memory, for reports that need no
/// weights file (the plan depends on shapes, not values).
public enum MemoryReporting {
    public static func plan(_ graph: Graph, batch: Int, weights: WeightStore? = nil, pipeline: PipelineOptions = PipelineOptions(),
                            reuse: Bool = true) throws -> (Program, MemoryPlan) {
        var program = Program(graph: graph, weights: weights ?? WeightStore.initialize(graph))
        try Pipeline.run(&program, options: pipeline)
        let shapes = try concreteShapes(program.graph, batch: batch)
        return (program, MemoryPlan(graph: program.graph, shapes: shapes, reuse: reuse))
    }

    /// Every node's shape with unknown batches taken as `batch`.
    public static func concreteShapes(_ graph: Graph, batch: Int) throws(RuntimeError) -> [[Int]] {
        var shapes: [[Int]] = []
        for node in graph.nodes {
            if node.op.isSource {
                shapes.append(node.shape.dims.enumerated().map { $0.element ?? ($0.offset == 0 ? batch : 1) })
                continue
            }
            do {
                shapes.append(try ShapeInference.infer(node.op, inputs: node.inputs.map { TensorShape(shapes[$0].map { $0 }) }).dims.map { $0 ?? batch })
            } catch {
                throw RuntimeError("'\(node.name)': \(error.message)")
            }
        }
        return shapes
    }

    public static func weightBytes(_ graph: Graph) -> Int {
        graph.variables.reduce(0) { $0 + $1.shape.elementCountPerUnknown * 4 }
    }
}
