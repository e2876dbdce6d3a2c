import GraphcIR

/// UseWinograd: a 3x3, stride-1, undilated convolution with known weights, whose output is
/// large enough for Winograd to pay (`isProfitable`), is computed with F(4x4, 3x3)
/// (`WinogradTransform`): its weights are replaced by their transform U = G g Gᵀ, made here
/// once in double precision and stored with the plan, and the convolution is marked with the
/// algorithm. Its epilogue, padding and output are unchanged. The transform is exact in real
/// arithmetic; in float32 it differs from the direct convolution by rounding only (about 1e-6
/// of the largest output per layer; `graphc bench --profile` reports each layer's).
///
/// Runs after the folds and fusions, so it transforms the final weights. Disabled with
/// `--no-winograd` (or `--disable-pass UseWinograd`), which gives the exact direct path.
enum UseWinograd {
    static let pass = Pass(name: "UseWinograd", summary: "compute 3x3 stride-1 convolutions with Winograd F(4x4,3x3), weights transformed at compile time") { program in
        var editor = GraphEditor(program.graph)
        for node in program.graph.nodes {
            guard case var .conv2d(a) = node.op, a.algorithm == nil, a.strideH == 1, a.strideW == 1, a.dilationH == 1, a.dilationW == 1,
                  let wID = node.input(.weights) else { continue }
            let w = editor.nodes[wID], y = node.shape
            guard w.shape.dims.count == 4, let kh = w.shape[0], let kw = w.shape[1], let cin = w.shape[2], let cout = w.shape[3],
                  kh == 3, kw == 3, y.rank == 4, let height = y[1], let width = y[2],
                  isProfitable(height: height, width: width, inChannels: cin, outChannels: cout),
                  let values = editor.values(of: wID, weights: program.weights, count: 9 * cin * cout) else { continue }
            let u = values.withUnsafeBufferPointer { WinogradTransform.transformWeights($0, inChannels: cin, outChannels: cout) }
            let t = WinogradTransform.inputTile
            a.algorithm = .winogradF4x4
            editor.replaceWeights(of: node.id, op: .conv2d(a), suffix: "_winograd", shape: [t, t, cin, cout], values: u, weights: program.weights)
        }
        program.graph = EliminateDeadCode.run(editor.finish())
    }

    /// Whether F(4x4, 3x3) is expected to beat im2col + GEMM on a `height x width` output.
    /// Below 14x14 the 4x4 tiles waste much of their work on the border (a 7x7 output takes
    /// 8x8 of tiles) and the 4x larger transformed weights are streamed for few tiles.
    static func isProfitable(height: Int, width: Int, inChannels: Int, outChannels: Int) -> Bool {
        height * width >= 14 * 14 && inChannels >= 4 && outChannels >= 4
    }
}
