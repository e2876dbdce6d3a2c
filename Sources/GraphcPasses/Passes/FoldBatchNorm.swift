import GraphcIR

/// FoldBatchNorm: an inference batch norm whose input is a convolution or matrix product
/// (optionally through a BiasAdd) that nothing else reads folds into that op's weights and
/// bias; the op gains a bias if it had none:
///
///     inv = gamma / sqrt(var + eps)
///     w'  = w * inv              (per output channel: the last axis of HWIO or [in, out])
///     b'  = (b - mean) * inv + beta
///
/// A batch norm that cannot fold (its input has other readers or is not such an op, as the
/// pre-activation batch norms of ResNet v2 and Gluon's blocks) becomes a per-channel
/// `ScaleShift` (scale = inv, shift = beta - mean * inv), which takes in a relu or relu6 that
/// is its only reader. A folded batch norm that was a graph result hands its name to the op
/// that replaces it.
enum FoldBatchNorm {
    static let pass = Pass(name: "FoldBatchNorm", summary: "fold batch norms into convolutions; the rest become ScaleShift (+ relu)") { program in
        var editor = GraphEditor(program.graph)
        let weights = program.weights
        for original in program.graph.nodes {
            let node = editor.nodes[original.id]
            guard case let .batchNorm(epsilon, hasScale, hasOffset) = node.op else { continue }
            guard let c = node.shape.dims.last ?? nil else { continue }
            // Parameter values, read from the weight store.
            var next = 1
            func parameter(_ present: Bool, default value: Float) -> [Float]? {
                guard present else { return [Float](repeating: value, count: c) }
                defer { next += 1 }
                return values(of: node.inputs[next], editor, weights, count: c)
            }
            guard let gamma = parameter(hasScale, default: 1), let beta = parameter(hasOffset, default: 0),
                  let mean = values(of: node.inputs[next], editor, weights, count: c),
                  let variance = values(of: node.inputs[next + 1], editor, weights, count: c) else { continue }
            // In double precision, so folding adds no rounding beyond the final float32 store.
            let inv = (0..<c).map { Double(gamma[$0]) / (Double(variance[$0]) + Double(epsilon)).squareRoot() }
            let shift = (0..<c).map { Float(Double(beta[$0]) - Double(mean[$0]) * inv[$0]) }
            if foldIntoProducer(node, inv: inv, beta: beta, mean: mean, &editor, weights) { continue }

            // Cannot fold: a ScaleShift, with the relu after it when that is its only reader.
            let scaleID = editor.addVariable(editor.uniqueName(node.name + "/scale"), shape: [c], values: inv.map { Float($0) }, weights: weights, location: node.location)
            let shiftID = editor.addVariable(editor.uniqueName(node.name + "/shift"), shape: [c], values: shift, weights: weights, location: node.location)
            var activation = Activation.none
            let readers = editor.consumers(of: node.id)
            if readers.count == 1, !editor.isOutput(node.id), let r = readers.first {
                switch editor.nodes[r].op {
                case .relu: activation = .relu
                case .relu6: activation = .relu6
                default: break
                }
                if activation != .none {
                    editor.replaceUses(of: r, with: node.id)
                    editor.nodes[node.id].name = editor.nodes[r].name
                    editor.remove(r)
                }
            }
            editor.nodes[node.id].op = .scaleShift(activation)
            editor.nodes[node.id].inputs = [node.inputs[0], scaleID, shiftID]
        }
        program.graph = EliminateDeadCode.run(editor.finish())
    }

    /// The values of a variable or constant node, if it is one.
    static func values(of id: NodeID, _ editor: GraphEditor, _ weights: WeightStore, count: Int) -> [Float]? {
        let n = editor.nodes[id]
        switch n.op {
        case .variable: return weights.values(n.name, count: count)
        case let .constant(v): return v.count == count ? v : (v.count == 1 ? [Float](repeating: v[0], count: count) : nil)
        default: return nil
        }
    }

    /// Folds into the convolution / matrix product (and BiasAdd) feeding `bn`, if only `bn`
    /// reads them and their weights are known.
    static func foldIntoProducer(_ bn: Node, inv: [Double], beta: [Float], mean: [Float], _ editor: inout GraphEditor, _ weights: WeightStore) -> Bool {
        var producer = bn.inputs[0]
        var biasAdd: NodeID?
        if editor.nodes[producer].op == .biasAdd {
            biasAdd = producer
            producer = editor.nodes[producer].inputs[0]
        }
        let p = editor.nodes[producer]
        let epilogue: Epilogue
        switch p.op {
        case let .conv2d(a): epilogue = a.epilogue
        case let .matMul(e): epilogue = e
        default: return false
        }
        guard epilogue.isEmpty, !editor.isOutput(producer), editor.consumers(of: producer) == [biasAdd ?? bn.id] else { return false }
        if let biasAdd, editor.isOutput(biasAdd) || editor.consumers(of: biasAdd) != [bn.id] { return false }
        let c = inv.count
        let w = editor.nodes[p.inputs[1]]
        guard let wCount = w.shape.elementCount, wCount % c == 0, let wValues = values(of: w.id, editor, weights, count: wCount) else { return false }
        var oldBias = [Float](repeating: 0, count: c)
        if let biasAdd {
            guard let b = values(of: editor.nodes[biasAdd].inputs[1], editor, weights, count: c) else { return false }
            oldBias = b
        }
        // Output channels are the last axis of both HWIO and [in, out] weights.
        let folded = wValues.enumerated().map { Float(Double($0.element) * inv[$0.offset % c]) }
        let bias = (0..<c).map { Float((Double(oldBias[$0]) - Double(mean[$0])) * inv[$0] + Double(beta[$0])) }
        let wID = editor.addVariable(editor.uniqueName(w.name + "_folded"), shape: w.shape.dims.map { $0 ?? 0 }, values: folded, weights: weights, location: w.location)
        let scope = w.name.split(separator: "/").dropLast().joined(separator: "/")
        let bID = editor.addVariable(editor.uniqueName((scope.isEmpty ? "" : scope + "/") + "biases_folded"), shape: [c], values: bias, weights: weights, location: bn.location)
        switch p.op {
        case var .conv2d(a):
            a.epilogue.bias = true
            editor.nodes[producer].op = .conv2d(a)
        default:
            editor.nodes[producer].op = .matMul(Epilogue(bias: true))
        }
        editor.nodes[producer].inputs = [p.inputs[0], wID, bID]
        editor.replaceUses(of: bn.id, with: producer)
        editor.remove(bn.id)
        if let biasAdd { editor.remove(biasAdd) }
        return true
    }
}
