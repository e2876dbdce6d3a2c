import GraphcIR

/// FoldBatchNorm: a lowered batch norm (a `ScaleShift` without activation) whose input is a
/// convolution or matrix product (optionally through a BiasAdd) that nothing else reads folds
/// into that op's weights and bias; the op gains a bias if it had none:
///
///     w' = w * scale       (per output channel: the last axis of HWIO or [in, out])
///     b' = b * scale + shift
///
/// which, with LowerBatchNorm's scale = gamma / sqrt(var + eps) and shift = beta - mean * scale,
/// is b' = (b - mean) * scale + beta. Leaves a ScaleShift whose input has other readers or is
/// not such an op (the pre-activation batch norms of ResNet v2 and Gluon's blocks). A folded
/// batch norm that was a graph result hands its name to the op that replaces it.
enum FoldBatchNorm {
    static let pass = Pass(name: "FoldBatchNorm", summary: "fold batch norms (lowered to ScaleShift) into the convolution or matmul before them") { program in
        var editor = GraphEditor(program.graph)
        /// A variable's values, in double precision when the lowering kept them so.
        func exact(_ id: NodeID, _ count: Int) -> [Double]? {
            if let v = program.exactValues[editor.nodes[id].name], v.count == count { return v }
            return editor.values(of: id, weights: program.weights, count: count)?.map(Double.init)
        }
        for original in program.graph.nodes {
            let node = editor.nodes[original.id]
            guard node.op == .scaleShift(nil), let c = node.shape.dims.last ?? nil,
                  let scale = exact(node.inputs[1], c), let shift = exact(node.inputs[2], c) else { continue }
            _ = foldIntoProducer(node, scale: scale, shift: shift, &editor, program.weights)
        }
        program.graph = EliminateDeadCode.run(editor.finish())
    }

    /// Folds into the convolution / matrix product (and BiasAdd) feeding `bn`, if only `bn`
    /// reads them and their weights are known. Computed in double precision, so folding adds
    /// no rounding beyond the final float32 store.
    static func foldIntoProducer(_ bn: Node, scale: [Double], shift: [Double], _ editor: inout GraphEditor, _ weights: WeightStore) -> Bool {
        var producer = bn.inputs[0]
        var biasAdd: NodeID?
        if editor.nodes[producer].op == .biasAdd {
            biasAdd = producer
            producer = editor.nodes[producer].inputs[0]
        }
        let p = editor.nodes[producer]
        // A transposed convolution's output channels are not its weights' last axis.
        if case .conv2dTranspose = p.op { return false }
        guard p.op.acceptsBiasAndResidual, p.op.epilogue?.isEmpty == true, !editor.isOutput(producer),
              editor.consumers(of: producer) == [biasAdd ?? bn.id] else { return false }
        if let biasAdd, editor.isOutput(biasAdd) || editor.consumers(of: biasAdd) != [bn.id] { return false }
        let c = scale.count
        let w = editor.nodes[p.input(.weights)!]
        guard let wCount = w.shape.elementCount, wCount % c == 0, let wValues = editor.values(of: w.id, weights: weights, count: wCount) else { return false }
        var oldBias = [Float](repeating: 0, count: c)
        if let biasAdd {
            guard let b = editor.values(of: editor.nodes[biasAdd].input(.bias)!, weights: weights, count: c) else { return false }
            oldBias = b
        }
        // Output channels are the last axis of both HWIO and [in, out] weights.
        let folded = wValues.enumerated().map { Float(Double($0.element) * scale[$0.offset % c]) }
        let bias = (0..<c).map { Float(Double(oldBias[$0]) * scale[$0] + shift[$0]) }
        let wID = editor.addVariable(editor.uniqueName(w.name + "_folded"), shape: w.shape.dims.map { $0 ?? 0 }, values: folded, weights: weights, location: w.location)
        let scope = w.name.split(separator: "/").dropLast().joined(separator: "/")
        let bID = editor.addVariable(editor.uniqueName((scope.isEmpty ? "" : scope + "/") + "biases_folded"), shape: [c], values: bias, weights: weights, location: bn.location)
        editor.nodes[producer].op = p.op.with(epilogue: Epilogue(bias: true))
        editor.nodes[producer].inputs = [p.inputs[0], wID, bID]
        editor.replaceUses(of: bn.id, with: producer)
        editor.remove(bn.id)
        if let biasAdd { editor.remove(biasAdd) }
        return true
    }
}
