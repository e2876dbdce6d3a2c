import GraphcIR

/// FoldPadIntoConvolution: a zero `Pad` of only the spatial axes feeding a convolution becomes
/// the convolution's own explicit padding (slim's `conv2d_same` for strides above 1 and
/// resnet_v2's root block pad, then convolve VALID). The padded tensor is never written: one
/// pass over memory less, and its buffer is gone from the plan. A SAME convolution's padding
/// is resolved for the padded size first. The Pad stays while anything else reads it.
enum FoldPadIntoConvolution {
    static let pass = Pass(name: "FoldPadIntoConvolution", summary: "fold a spatial zero pad into the convolution reading it") { program in
        var editor = GraphEditor(program.graph)
        for node in program.graph.nodes {
            guard case var .conv2d(a) = editor.nodes[node.id].op, a.algorithm == nil else { continue }
            let padID = editor.nodes[node.id].inputs[0]
            guard case let .pad(p) = editor.nodes[padID].op, p.count == 4, p[0] == [0, 0], p[3] == [0, 0],
                  let w = editor.nodes[node.input(.weights)!].shape.dims.count == 4 ? editor.nodes[node.input(.weights)!].shape : nil,
                  let kh = w[0], let kw = w[1] else { continue }
            let padded = editor.nodes[padID].shape
            // SAME's pads depend on the padded size, which must then be known.
            if a.padding == .same, padded[1] == nil || padded[2] == nil { continue }
            guard let own = try? ShapeInference.explicitPads(a.padding, inputH: padded[1], inputW: padded[2], windowH: (kh - 1) * a.dilationH + 1,
                                                         windowW: (kw - 1) * a.dilationW + 1, strideH: a.strideH, strideW: a.strideW) else { continue }
            a.padding = .explicit(top: own.0 + p[1][0], bottom: own.1 + p[1][1], left: own.2 + p[2][0], right: own.3 + p[2][1])
            editor.nodes[node.id].op = .conv2d(a)
            editor.nodes[node.id].inputs[0] = editor.nodes[padID].inputs[0]
        }
        program.graph = EliminateDeadCode.run(editor.finish())
    }
}
