import GraphcIR
import GraphcPasses

/// A program built with `GraphBuilder`, its variables holding `value(name, index)` (variances
/// kept positive).
func program(value: (String, Int) -> Float = { _, i in Float(i % 7) * 0.25 - 0.5 }, _ build: (GraphBuilder) throws -> Void) rethrows -> Program {
    let b = GraphBuilder()
    try build(b)
    let weights = WeightStore(source: "test values")
    for v in b.graph.variables {
        let count = v.shape.elementCountPerUnknown
        let leaf = v.name.split(separator: "/").last!
        weights.add(v.name, (0..<count).map { i in leaf == "moving_variance" ? 0.5 + Float(i % 5) * 0.25 : value(v.name, i) })
    }
    return Program(graph: b.graph, weights: weights)
}

/// The graph's IR text without source locations: what the tests read before and after a pass.
func ir(_ p: Program) -> String { IRPrinter.print(p.graph, locations: false) }

/// The graph's ops (not variables or placeholders) as `OpType[epilogue]` strings, in order.
func ops(_ g: Graph) -> [String] {
    g.nodes.filter { !$0.op.isSource }.map { node in
        let attrs = IRPrinter.attributes(node.op).filter { ["bias", "residual"].contains($0) || $0.hasPrefix("activation") }
        return attrs.isEmpty ? node.op.typeName : node.op.typeName + "[" + attrs.joined(separator: ",") + "]"
    }
}

/// Runs the named passes in order, verifying the graph after each.
func run(_ passNames: String..., on p: inout Program) throws {
    for name in passNames {
        try Pipeline.pass(named: name).run(&p)
        try Verifier.verify(p.graph)
    }
}

extension GraphBuilder {
    /// `slim.conv2d` with a kernel of `k` x `k` and no activation, in scope `scope`.
    func conv(_ x: NodeID, _ channels: Int, _ k: Int, biases: Bool = true, scope: String) throws -> NodeID {
        try conv2d(x, numOutputs: channels, kernel: (k, k), biases: biases, scope: scope)
    }

    func relu(_ x: NodeID) throws -> NodeID { try add(.relu, [x], name: "Relu") }
}
