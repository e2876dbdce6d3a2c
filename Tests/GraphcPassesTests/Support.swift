import GraphcFrontend
import GraphcIR
import GraphcPasses

/// Evaluates graph-file text into a program whose variables hold `value(name, index)`.
func program(_ source: String, value: (String, Int) -> Float = { _, i in Float(i % 7) * 0.25 - 0.5 }) throws -> Program {
    var options = EvaluationOptions()
    options.printSink = { _ in }
    let graph = try GraphFile.evaluate(source: source, path: "test.graph", options: options).graph
    let weights = WeightStore(source: "test values")
    for v in graph.variables {
        let count = v.shape.elementCountPerUnknown
        let leaf = v.name.split(separator: "/").last!
        // Variances must be positive; everything else varies.
        let values = (0..<count).map { i in leaf == "moving_variance" ? 0.5 + Float(i % 5) * 0.25 : value(v.name, i) }
        weights.add(v.name, values)
    }
    return Program(graph: graph, weights: weights)
}

/// The graph's ops (not variables or placeholders) as `OpType` strings, in order.
func ops(_ g: Graph) -> [String] {
    g.nodes.filter { !$0.op.isSource }.map { node in
        let attrs = IRPrinter.attributes(node.op).filter { ["bias", "residual"].contains($0) || $0.hasPrefix("activation") }
        return attrs.isEmpty ? node.op.typeName : node.op.typeName + "[" + attrs.joined(separator: ",") + "]"
    }
}

func run(_ passName: String, on p: inout Program) throws {
    try Pipeline.pass(named: passName).run(&p)
    try Verifier.verify(p.graph)
}
