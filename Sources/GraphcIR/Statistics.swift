/// Per-op parameter and multiply-add counts, per node or per scope: what `graphc shapes`
/// tabulates (as Keras's `model.summary()` and slim's `model_analyzer` do).
public enum Statistics {
    public struct Row: Sendable, Equatable {
        public var name: String
        public var op: String
        public var shape: TensorShape
        public var parameters: Int
        public var multiplyAdds: Int
    }

    /// Parameters read by a node: the elements of the variables among its inputs.
    public static func parameters(of node: Node, in graph: Graph) -> Int {
        node.inputs.reduce(0) { sum, i in
            graph[i].op == .variable ? ShapeRules.saturatingAdd(sum, graph[i].shape.elementCountPerUnknown) : sum
        }
    }

    /// Multiply-adds of a node, as its op's schema counts them. An unknown batch counts as 1,
    /// so the figure is per example.
    public static func multiplyAdds(of node: Node, in graph: Graph) -> Int {
        node.op.schema.multiplyAdds(inputs: node.inputs.map { graph[$0].shape }, output: node.shape)
    }

    /// One row per computing node, in schedule order.
    public static func rows(_ graph: Graph) -> [Row] {
        graph.nodes.filter { !$0.op.isSource }.map {
            Row(name: $0.name, op: $0.op.typeName, shape: $0.shape,
                parameters: parameters(of: $0, in: graph), multiplyAdds: multiplyAdds(of: $0, in: graph))
        }
    }

    /// Rows grouped by the first `depth` components of their names: one row per block, in order of
    /// first appearance, showing the block's last output shape and the sums of its counts.
    public static func rows(_ graph: Graph, depth: Int) -> [Row] {
        var order: [String] = []
        var grouped: [String: Row] = [:]
        var opCounts: [String: Int] = [:]
        for row in rows(graph) {
            let key = row.name.split(separator: "/", omittingEmptySubsequences: false).prefix(max(1, depth)).joined(separator: "/")
            if var g = grouped[key] {
                g.shape = row.shape
                g.parameters = ShapeRules.saturatingAdd(g.parameters, row.parameters)
                g.multiplyAdds = ShapeRules.saturatingAdd(g.multiplyAdds, row.multiplyAdds)
                grouped[key] = g
            } else {
                order.append(key)
                grouped[key] = Row(name: key, op: row.op, shape: row.shape, parameters: row.parameters, multiplyAdds: row.multiplyAdds)
            }
            opCounts[key, default: 0] += 1
        }
        return order.map { key in
            var r = grouped[key]!
            if opCounts[key]! > 1 { r.op = "\(opCounts[key]!) ops" }
            return r
        }
    }

    /// The summed parameters and multiply-adds of `rows` (saturating: a row at Int.max stays so).
    public static func totals(_ rows: [Row]) -> (parameters: Int, multiplyAdds: Int) {
        rows.reduce((0, 0)) { (ShapeRules.saturatingAdd($0.0, $1.parameters), ShapeRules.saturatingAdd($0.1, $1.multiplyAdds)) }
    }
}
