import GraphcIR

/// FuseConvActivation: a convolution or matrix product followed by a BiasAdd and then a relu
/// or relu6 becomes one op whose epilogue adds the bias and applies the activation. Each step
/// needs the op's output to have exactly one reader and not be a graph result; a bias is taken
/// only if the op has none yet, an activation only if it has none yet.
enum FuseConvActivation {
    static let pass = Pass(name: "FuseConvActivation", summary: "fuse BiasAdd and relu / relu6 into the convolution or matmul before them") { program in
        var editor = GraphEditor(program.graph)
        for node in program.graph.nodes {
            guard var epilogue = Fusion.epilogue(of: editor.nodes[node.id]) else { continue }
            while let reader = Fusion.onlyReader(of: node.id, editor) {
                let r = editor.nodes[reader]
                if r.op == .biasAdd, !epilogue.bias, !epilogue.residual, epilogue.activation == .none, r.inputs[0] == node.id {
                    epilogue.bias = true
                    var inputs = editor.nodes[node.id].inputs
                    inputs.insert(r.inputs[1], at: 2)
                    editor.nodes[node.id].inputs = inputs
                } else if let activation = Fusion.activation(r.op), epilogue.activation == .none {
                    epilogue.activation = activation
                } else {
                    break
                }
                Fusion.setEpilogue(epilogue, of: node.id, &editor)
                editor.replaceUses(of: reader, with: node.id)
                editor.remove(reader)
            }
        }
        program.graph = editor.finish()
    }
}

/// Matching helpers the fusion passes share.
enum Fusion {
    /// The epilogue of a convolution or matrix product, nil for other ops.
    static func epilogue(of node: Node) -> Epilogue? {
        switch node.op {
        case let .conv2d(a): return a.epilogue
        case let .matMul(e): return e
        default: return nil
        }
    }

    static func setEpilogue(_ e: Epilogue, of id: NodeID, _ editor: inout GraphEditor) {
        switch editor.nodes[id].op {
        case var .conv2d(a):
            a.epilogue = e
            editor.nodes[id].op = .conv2d(a)
        case .matMul:
            editor.nodes[id].op = .matMul(e)
        default:
            break
        }
    }

    /// The single reader of `id` when `id` is not a graph result.
    static func onlyReader(of id: NodeID, _ editor: GraphEditor) -> NodeID? {
        guard !editor.isOutput(id) else { return nil }
        let readers = editor.consumers(of: id)
        guard readers.count == 1, editor.nodes[readers[0]].inputs.filter({ $0 == id }).count == 1 else { return nil }
        return readers[0]
    }

    static func activation(_ op: Op) -> Activation? {
        switch op {
        case .relu: return .relu
        case .relu6: return .relu6
        default: return nil
        }
    }
}
