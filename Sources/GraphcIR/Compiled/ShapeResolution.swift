/// How unknown dimensions become concrete: the one place graphc decides a batch.
public enum ShapeResolution {
    /// The batch an unknown batch dimension takes when nothing else gives one.
    public static let defaultBatch = 1

    /// The shape a placeholder declared as `declared` has when fed data of shape `fed` (which
    /// must fit its known dimensions), else with an unknown batch (its first dimension) set to
    /// `batch`. Other unknown dimensions stay unknown: only fed data can fill them.
    public static func placeholderShape(_ declared: TensorShape, fed: [Int]?, batch: Int?) throws(ShapeError) -> TensorShape {
        if let fed {
            guard fed.count == declared.rank, zip(fed, declared.dims).allSatisfy({ $1 == nil || $0 == $1! }) else {
                throw ShapeError("data of shape \(TensorShape(fed)) does not fit the placeholder's shape \(declared)")
            }
            return TensorShape(fed)
        }
        var dims = declared.dims
        if let batch, !dims.isEmpty, dims[0] == nil { dims[0] = batch }
        return TensorShape(dims)
    }

    /// The concrete shape of every node of `graph`: each placeholder's from `placeholderShape`
    /// (data shapes by placeholder name, an unknown batch as `batch`, else `defaultBatch`), then
    /// every op's by its shape rule. Also returns the batch an unknown batch dimension took (nil
    /// when no placeholder had one).
    public static func concreteShapes(_ graph: Graph, batch: Int?, fed: [String: [Int]]) throws(ShapeError) -> (shapes: [[Int]], resolvedBatch: Int?) {
        var shapes: [[Int]] = []
        var resolvedBatch: Int?
        shapes.reserveCapacity(graph.nodes.count)
        for node in graph.nodes {
            let shape: TensorShape
            do {
                switch node.op {
                case .placeholder:
                    shape = try placeholderShape(node.shape, fed: fed[node.name], batch: batch ?? defaultBatch)
                    if node.shape.dims.first == .some(nil) { resolvedBatch = shape[0] }
                case .variable, .constant:
                    shape = node.shape
                default:
                    shape = try ShapeInference.infer(node.op, inputs: node.inputs.map { TensorShape(shapes[$0]) })
                }
                try GraphBuilder.checkSize(shape, "'\(node.name)'")
            } catch {
                throw ShapeError("'\(node.name)': \(error.message)")
            }
            let dims = shape.dims.compactMap { $0 }
            guard dims.count == shape.rank else {
                throw ShapeError("placeholder '\(node.name)' \(node.shape) has unknown dimensions besides the batch; feed it data to fix them")
            }
            shapes.append(dims)
        }
        return (shapes, resolvedBatch)
    }
}
