import GraphcIR

/// FuseResidualAdd: `add(conv, shortcut)` — a convolution or matrix product whose only reader
/// is an add of two same-shaped tensors — becomes the convolution with the shortcut as its
/// residual input (the epilogue adds it after the bias), and an activation that is the add's
/// only reader joins too: ONNX Runtime's Conv+Add+Relu. When both operands qualify, the one
/// computed later takes the other as its residual. Declines when the op already has an
/// activation or residual, when shapes would broadcast, or when the op's own output is a
/// result; an add that is a result hands its name to the fused op.
enum FuseResidualAdd {
    static let pass = Pass(name: "FuseResidualAdd", summary: "fuse a residual add (and the activation after it) into the convolution feeding it") { program in
        var editor = GraphEditor(program.graph)
        for node in program.graph.nodes where node.op == .add {
            let (a, b) = (editor.nodes[node.id].inputs[0], editor.nodes[node.id].inputs[1])
            guard a != b, editor.nodes[a].shape == node.shape, editor.nodes[b].shape == node.shape else { continue }
            let candidates = [max(a, b), min(a, b)].filter { id in
                let op = editor.nodes[id].op
                guard op.acceptsBiasAndResidual, let e = op.epilogue else { return false }
                return !e.residual && e.activation == nil && Fusion.onlyReader(of: id, editor) == node.id
            }
            guard let producer = candidates.first else { continue }
            let shortcut = producer == a ? b : a
            var epilogue = editor.nodes[producer].op.epilogue!
            epilogue.residual = true
            editor.nodes[producer].inputs.append(shortcut)
            var last = node.id
            if let reader = Fusion.onlyReader(of: node.id, editor), case let .activation(activation) = editor.nodes[reader].op {
                epilogue.activation = activation
                editor.replaceUses(of: node.id, with: producer)
                editor.remove(node.id)
                last = reader
            }
            editor.nodes[producer].op = editor.nodes[producer].op.with(epilogue: epilogue)
            editor.replaceUses(of: last, with: producer)
            editor.remove(last)
        }
        program.graph = editor.finish()
    }
}
