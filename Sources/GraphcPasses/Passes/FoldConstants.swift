import GraphcIR

/// FoldConstants: computes at compile time the activations, binary ops (scalars and equal
/// shapes) and reshapes whose inputs are all small constants, replacing them with a
/// constant. Leaves anything that reads a placeholder or a variable.
enum FoldConstants {
    static let pass = Pass(name: "FoldConstants", summary: "evaluate elementwise ops on constants at compile time") { program in
        var editor = GraphEditor(program.graph)
        for node in program.graph.nodes where !node.op.isSource && !editor.isOutput(node.id) {
            let inputs = node.inputs.map { editor.nodes[$0] }
            guard !inputs.isEmpty, inputs.allSatisfy({ if case .constant = $0.op { return true } else { return false } }) else { continue }
            guard let values = evaluate(node, inputs) else { continue }
            editor.nodes[node.id].op = .constant(values)
            editor.nodes[node.id].inputs = []
        }
        program.graph = EliminateDeadCode.run(editor.finish())
    }

    static func evaluate(_ node: Node, _ inputs: [Node]) -> [Float]? {
        func values(_ n: Node) -> [Float] { if case let .constant(v) = n.op { return v } else { return [] } }
        guard let count = node.shape.elementCount, count <= 4096 else { return nil }
        switch node.op {
        case let .activation(f): return values(inputs[0]).map { f($0) }
        case .reshape, .squeeze: return values(inputs[0])
        case let .binary(op):
            // Scalars and equal shapes only; other broadcasts are left to the runtime.
            let a = values(inputs[0]), b = values(inputs[1])
            if a.count == count, b.count == count { return zip(a, b).map { op($0, $1) } }
            if a.count == 1, b.count == count { return b.map { op(a[0], $0) } }
            if b.count == 1, a.count == count { return a.map { op($0, b[0]) } }
            return nil
        default:
            return nil
        }
    }
}
