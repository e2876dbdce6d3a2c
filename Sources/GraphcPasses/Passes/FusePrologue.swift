import GraphcIR

/// FusePrologue: a ScaleShift (with its activation) whose every reader is a dense 1x1,
/// stride-1, unpadded convolution becomes those convolutions' prologue: each applies the scale,
/// shift and activation to its input rows as it reads them, a block at a time in cache, and the
/// ScaleShift's output is never written. resnet_v2's pre-activation (`preact`: batch norm and
/// ReLU on the block's input) feeds exactly such convolutions: the unit's first 1x1 and, in a
/// block's first unit, the 1x1 shortcut too, which then each transform the input.
///
/// Not when the ScaleShift is a graph result or anything else reads it, and not into a
/// convolution with padding, where the padding's zeros would have to stay zeros.
enum FusePrologue {
    static let pass = Pass(name: "FusePrologue", summary: "fuse a ScaleShift into the 1x1 convolutions that read it, as their prologue") { program in
        var editor = GraphEditor(program.graph)
        for node in program.graph.nodes {
            guard case let .scaleShift(activation) = node.op, !editor.isOutput(node.id),
                  let scale = node.input(.scale), let shift = node.input(.shift) else { continue }
            let readers = editor.consumers(of: node.id)
            guard !readers.isEmpty, readers.allSatisfy({ takesPrologue(editor.nodes[$0], from: node.id, editor) }) else { continue }
            for reader in readers {
                guard case var .conv2d(a) = editor.nodes[reader].op else { continue }
                a.prologue = Conv2DAttributes.Prologue(activation: activation)
                let inputs = editor.nodes[reader].inputs
                editor.nodes[reader].inputs = [node.inputs[0], inputs[1], scale, shift] + inputs.dropFirst(2)
                editor.nodes[reader].op = .conv2d(a)
            }
            editor.remove(node.id)
        }
        program.graph = EliminateDeadCode.run(editor.finish())
    }

    /// Whether `conv` reads `id` only as its input and can apply a prologue to it.
    static func takesPrologue(_ conv: Node, from id: NodeID, _ editor: GraphEditor) -> Bool {
        guard case let .conv2d(a) = conv.op, a.prologue == nil, a.algorithm == nil, a.weightLayout == nil, !a.isGrouped,
              a.strideH == 1, a.strideW == 1, a.padding.isZero || a.padding == .same,
              conv.inputs[0] == id, conv.inputs.filter({ $0 == id }).count == 1,
              let w = conv.input(.weights), editor.nodes[w].shape[0] == 1, editor.nodes[w].shape[1] == 1 else { return false }
        return true
    }
}
