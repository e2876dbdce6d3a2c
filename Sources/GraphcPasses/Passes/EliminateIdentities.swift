import GraphcIR

/// EliminateIdentities: removes ops that return their input unchanged — a reshape or squeeze
/// whose output shape is its input's, a 1x1 max or average pool with stride 1 and no padding —
/// by making their readers read the input. Leaves graph results alone, so result names stay.
enum EliminateIdentities {
    static let pass = Pass(name: "EliminateIdentities", summary: "remove reshapes, squeezes and 1x1 stride-1 pools that change nothing") { program in
        var editor = GraphEditor(program.graph)
        for original in program.graph.nodes {
            // Read the node as rewritten so far: an earlier removal may have rewired its input.
            let node = editor.nodes[original.id]
            guard isIdentity(node, program.graph), !editor.isOutput(node.id) else { continue }
            editor.replaceUses(of: node.id, with: node.inputs[0])
            editor.remove(node.id)
        }
        program.graph = editor.finish()
    }

    static func isIdentity(_ node: Node, _ graph: Graph) -> Bool {
        switch node.op {
        case let .maxPool(a), let .avgPool(a): return a.isIdentity
        default: return node.op.schema.isView && graph[node.inputs[0]].shape == node.shape
        }
    }
}
