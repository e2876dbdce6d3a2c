import GraphcIR

/// FuseConvActivation: a convolution or matrix product followed by a BiasAdd and then an
/// activation becomes one op whose epilogue adds the bias and applies the activation; a
/// ScaleShift takes in the activation after it (and, being graphc's own op, the activation's
/// name, which is the TF-visible one). Each step needs the op's output to have exactly one
/// reader and not be a graph result; a bias is taken only if the op has none yet, an
/// activation only if it has none yet.
enum FuseConvActivation {
    static let pass = Pass(name: "FuseConvActivation", summary: "fuse BiasAdd and an activation into the convolution, matmul or ScaleShift before them") { program in
        var editor = GraphEditor(program.graph)
        for node in program.graph.nodes {
            guard var epilogue = editor.nodes[node.id].op.epilogue else { continue }
            let takesBias = editor.nodes[node.id].op.acceptsBiasAndResidual
            while let reader = Fusion.onlyReader(of: node.id, editor) {
                let r = editor.nodes[reader]
                if r.op == .biasAdd, takesBias, !epilogue.bias, !epilogue.residual, epilogue.activation == nil, r.inputs[0] == node.id {
                    epilogue.bias = true
                    editor.nodes[node.id].inputs.insert(r.input(.bias)!, at: 2)
                } else if case let .activation(activation) = r.op, epilogue.activation == nil {
                    epilogue.activation = activation
                    if case .scaleShift = editor.nodes[node.id].op { editor.nodes[node.id].name = r.name }
                } else {
                    break
                }
                editor.nodes[node.id].op = editor.nodes[node.id].op.with(epilogue: epilogue)
                editor.replaceUses(of: reader, with: node.id)
                editor.remove(reader)
            }
        }
        program.graph = editor.finish()
    }
}

/// Matching helpers the fusion passes share.
enum Fusion {
    /// The single reader of `id` when `id` is not a graph result.
    static func onlyReader(of id: NodeID, _ editor: GraphEditor) -> NodeID? {
        guard !editor.isOutput(id) else { return nil }
        let readers = editor.consumers(of: id)
        guard readers.count == 1, editor.nodes[readers[0]].inputs.filter({ $0 == id }).count == 1 else { return nil }
        return readers[0]
    }
}
